package io.bluegreen.demo.bench;

import io.bluegreen.schemas.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Records every event of {@code bluegreen.upgrade.events} from its end, per upgrade, in the order published. */
final class AuditTrail implements AutoCloseable {

    private final Map<String, List<SpecificRecord>> events = new ConcurrentHashMap<>();
    private final TopicTail tail;

    AuditTrail(String bootstrapServers) {
        this.tail = new TopicTail(bootstrapServers, Topics.UPGRADE_EVENTS, this::handle);
    }

    AuditTrail start() throws InterruptedException {
        tail.start();
        return this;
    }

    /** The events of one upgrade received so far (a copy). */
    List<SpecificRecord> of(String upgradeId) {
        List<SpecificRecord> list = events.get(upgradeId);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    private void handle(SpecificRecord message, long receivedMicros) {
        if (message instanceof GenericRecord record && record.getSchema().getField("upgradeId") != null) {
            List<SpecificRecord> list = events.computeIfAbsent(String.valueOf(record.get("upgradeId")),
                    id -> new ArrayList<>());
            synchronized (list) {
                list.add(message);
            }
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
