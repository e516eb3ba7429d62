package io.bluegreen.runtime.kafka;

import io.bluegreen.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the catalogue's topics that are missing; leaves existing ones as they are. */
public final class TopicInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(TopicInstaller.class);

    private TopicInstaller() {
    }

    /**
     * @param partitions        partitions of each new topic
     * @param replicationFactor empty for the broker's default
     * @return the names of the topics this call created
     */
    public static List<String> ensureTopics(Admin admin, int partitions, Optional<Short> replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.ALL.stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> new NewTopic(topic.name(), Optional.of(partitions), replicationFactor)
                            .configs(topic.config()))
                    .toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another service created it at the same moment: fine
            }
            List<String> created = missing.stream().map(NewTopic::name).toList();
            LOG.info("Created topics {} with {} partitions", created, partitions);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create the bluegreen topics ("
                    + KafkaConnection.WHAT_TO_CHECK + "): " + e.getMessage(), e);
        }
    }
}
