package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.fleet.LagView.Point;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lag samples of every database of every upgrade: the latest one whole, and a bounded history of (time, lag)
 * points, at most {@code maxPoints} per database and none older than {@code window} behind the database's newest.
 * Pure: {@link LagView} feeds it from the topic.
 */
final class LagSamples {

    private static final class Database {
        private ReplicationLagMeasured latest;
        private final Deque<Point> history = new ArrayDeque<>();
    }

    private final int maxPoints;
    private final Duration window;
    private final Map<String, Map<String, Database>> byUpgrade = new ConcurrentHashMap<>();

    LagSamples(int maxPoints, Duration window) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("maxPoints must be at least 1, got " + maxPoints);
        }
        this.maxPoints = maxPoints;
        this.window = window;
    }

    void add(ReplicationLagMeasured sample) {
        Database db = byUpgrade.computeIfAbsent(sample.getUpgradeId(), id -> new ConcurrentHashMap<>())
                .computeIfAbsent(sample.getDatabase(), name -> new Database());
        synchronized (db) {
            Instant at = sample.getOccurredAt();
            if (db.latest == null || !at.isBefore(db.latest.getOccurredAt())) {
                db.latest = sample;
            }
            Point point = new Point(at, sample.getLagBytes());
            if (db.history.isEmpty() || !at.isBefore(db.history.peekLast().at())) {
                db.history.addLast(point);
            } else {
                insertInOrder(db.history, point); // a late sample, e.g. from a monitor that took the upgrade over
            }
            Instant oldest = db.history.peekLast().at().minus(window);
            while (db.history.size() > maxPoints || db.history.peekFirst().at().isBefore(oldest)) {
                db.history.removeFirst();
            }
        }
    }

    private static void insertInOrder(Deque<Point> history, Point point) {
        Deque<Point> later = new ArrayDeque<>();
        while (!history.isEmpty() && history.peekLast().at().isAfter(point.at())) {
            later.addFirst(history.removeLast());
        }
        history.addLast(point);
        history.addAll(later);
    }

    /** The latest sample per database of an upgrade, by database name. */
    Map<String, ReplicationLagMeasured> latest(String upgradeId) {
        Map<String, ReplicationLagMeasured> latest = new TreeMap<>();
        databases(upgradeId).forEach((name, db) -> {
            synchronized (db) {
                latest.put(name, db.latest);
            }
        });
        return latest;
    }

    /** The history per database of an upgrade, by database name, oldest point first. */
    Map<String, List<Point>> history(String upgradeId) {
        Map<String, List<Point>> history = new TreeMap<>();
        databases(upgradeId).forEach((name, db) -> {
            synchronized (db) {
                history.put(name, List.copyOf(db.history));
            }
        });
        return history;
    }

    private Map<String, Database> databases(String upgradeId) {
        return Optional.ofNullable(byUpgrade.get(upgradeId)).orElse(Map.of());
    }

    /** Forgets the databases whose latest sample is older than {@code before}, and upgrades left with none. */
    void prune(Instant before) {
        byUpgrade.values().forEach(databases -> databases.values().removeIf(db -> {
            synchronized (db) {
                return db.latest.getOccurredAt().isBefore(before);
            }
        }));
        byUpgrade.values().removeIf(Map::isEmpty);
    }
}
