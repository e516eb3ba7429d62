package io.bluegreen.demo.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Reads the coordinators' committed events once for the whole benchmark: phases and completions into the figures,
 * {@code CommandResent} as the re-sends the coordinators recorded, replication established and left to the monitor.
 */
final class EventWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventWatch.class);

    private final FleetFigures figures;
    private final SimulatedMonitor monitor;
    private final CommittedReader reader;

    EventWatch(String bootstrapServers, FleetFigures figures, SimulatedMonitor monitor) {
        this.figures = figures;
        this.monitor = monitor;
        this.reader = new CommittedReader("events", bootstrapServers, List.of(Topics.UPGRADE_EVENTS), this::read);
    }

    EventWatch start() {
        reader.start();
        return this;
    }

    RuntimeException failure() {
        return reader.failure();
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        figures.eventRead(record.partition(), record.timestamp(), System.nanoTime());
        SpecificRecord event;
        try {
            event = MessageCodec.standard().decode(record);
        } catch (UndecodableMessageException e) {
            figures.undecodable();
            LOG.warn("An event the benchmark cannot decode: {}", e.getMessage());
            return;
        }
        if (event instanceof PhaseEntered entered) {
            figures.phaseEntered(entered.getUpgradeId(), entered.getPhase());
            UpgradePhase phase = entered.getPhase();
            if (phase == UpgradePhase.REPLICATING) {
                monitor.reentered(entered.getUpgradeId());
            } else {
                monitor.left(entered.getUpgradeId(),
                        phase == UpgradePhase.COMPLETED || phase == UpgradePhase.ROLLED_BACK);
            }
        } else if (event instanceof ReplicationEstablished established) {
            monitor.established(established, record.key());
        } else if (event instanceof CommandResent resent) {
            figures.commandResent(resent.getCommandId());
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
