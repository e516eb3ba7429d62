package io.bluegreen.demo.bench;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import org.apache.avro.specific.SpecificRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's side of the event repoint: consumes {@code bluegreen.endpoints} from its end and, for an upgrade
 * it follows, points that upgrade's writers at the new endpoint the moment the event arrives. Keeps the last event
 * of every upgrade with its arrival time.
 */
final class EndpointFollower implements AutoCloseable {

    /** A WriterEndpointChanged and when it arrived here (epoch µs). */
    record Received(WriterEndpointChanged event, long receivedMicros) {
        Endpoint endpoint() {
            return new Endpoint(event.getHost(), event.getPort());
        }
    }

    private final Map<String, EventTarget> following = new ConcurrentHashMap<>();
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final TopicTail tail;

    EndpointFollower(String bootstrapServers) {
        this.tail = new TopicTail(bootstrapServers, Topics.ENDPOINTS, this::handle);
    }

    EndpointFollower start() throws InterruptedException {
        tail.start();
        return this;
    }

    /** Moves {@code target} when an endpoint of {@code upgradeId} is published (or was, since this follower started). */
    void follow(String upgradeId, EventTarget target) {
        following.put(upgradeId, target);
        Received already = latest.get(upgradeId);
        if (already != null) {
            target.moveTo(already.endpoint(), already.receivedMicros());
        }
    }

    void forget(String upgradeId) {
        following.remove(upgradeId);
    }

    Received latest(String upgradeId) {
        return latest.get(upgradeId);
    }

    private void handle(SpecificRecord message, long receivedMicros) {
        if (message instanceof WriterEndpointChanged changed) {
            Received received = new Received(changed, receivedMicros);
            latest.put(changed.getUpgradeId(), received);
            EventTarget target = following.get(changed.getUpgradeId());
            if (target != null) {
                target.moveTo(received.endpoint(), receivedMicros);
            }
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
