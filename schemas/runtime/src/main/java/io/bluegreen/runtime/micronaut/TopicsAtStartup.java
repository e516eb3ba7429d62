package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.runtime.kafka.TopicInstaller;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;
import java.util.Optional;

/**
 * Creates the catalogue's missing topics when a service starts ({@code bluegreen.topics.create}, default
 * true), with {@code bluegreen.topics.partitions} partitions and the broker's default replication factor unless
 * {@code bluegreen.topics.replication-factor} is set. Its admin client connects as every client the service builds
 * ({@link KafkaConnection}).
 */
@Singleton
@Requires(property = "bluegreen.topics.create", notEquals = "false")
public class TopicsAtStartup implements ApplicationEventListener<StartupEvent> {

    private final KafkaConnection connection;
    private final int partitions;
    private final Optional<Short> replicationFactor;

    public TopicsAtStartup(KafkaConnection connection,
                           @Value("${bluegreen.topics.partitions:12}") int partitions,
                           @Value("${bluegreen.topics.replication-factor:-1}") short replicationFactor) {
        this.connection = connection;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
    }

    private boolean ensured;

    @Override
    public void onApplicationEvent(StartupEvent event) {
        ensure();
    }

    /**
     * Creates the missing topics, once per service start: a bean that reads a topic while the context starts
     * (the coordinator replays its event log) calls this first; the start-up event then finds it done.
     */
    public synchronized void ensure() {
        if (ensured) {
            return;
        }
        Map<String, Object> settings = connection.with(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "bluegreen-topics"));
        try (Admin admin = Admin.create(settings)) {
            TopicInstaller.ensureTopics(admin, partitions, replicationFactor);
        }
        ensured = true;
    }
}
