package io.bluegreen.monitor.lag;

import io.bluegreen.runtime.logging.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Samples every watched upgrade at a fixed interval.
 *
 * <p>Each tick groups the watched databases by server: one job per Blue server reads all its watched slots,
 * one job per Green server all its watched subscriptions ({@link ServerLane}). Jobs run on a bounded pool,
 * each server one job at a time. An upgrade's samples are handed on as soon as its own two servers have
 * answered, or have failed to answer within {@link SamplerSettings#answerTimeout()}: a slow or unreachable
 * server never delays the samples of upgrades on other servers. Per-database details (schema fingerprints) are
 * refreshed on a separate bounded pool and never hold up a sample.
 */
public final class Sampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

    private record LaneKey(Endpoint endpoint, ServerLane.Side side) {
    }

    private final Supplier<List<WatchedUpgrade>> watched;
    private final SampleHandler handler;
    private final SamplerSettings settings;
    private final PgConnector connector;
    private final Clock clock;
    private final Map<LaneKey, ServerLane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final ExecutorService detailPool;
    private final ScheduledExecutorService ticker;
    private final ExecutorService handlers;
    private final AtomicInteger ticks = new AtomicInteger();

    public Sampler(Supplier<List<WatchedUpgrade>> watched, SampleHandler handler, SamplerSettings settings,
                   PgConnector connector, Clock clock) {
        this.watched = watched;
        this.handler = handler;
        this.settings = settings;
        this.connector = connector;
        this.clock = clock;
        this.pool = new ThreadPoolExecutor(settings.parallelism(), settings.parallelism(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("bluegreen-monitor-probe"));
        this.detailPool = new ThreadPoolExecutor(settings.detailParallelism(), settings.detailParallelism(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads("bluegreen-monitor-detail"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(threads("bluegreen-monitor-tick"));
        this.handlers = Executors.newSingleThreadExecutor(threads("bluegreen-monitor-publish"));
    }

    public void start() {
        long period = settings.sampleInterval().toMillis();
        ticker.scheduleAtFixedRate(this::tickSafely, 0, period, TimeUnit.MILLISECONDS);
        LOG.info("Sampling every {} ms with {} threads; schema every {} ms with {} threads", period,
                settings.parallelism(), settings.schemaInterval().toMillis(), settings.detailParallelism());
    }

    /** Connections held open to servers (the per-database ones are short-lived and not counted). */
    public int openConnections() {
        return (int) lanes.values().stream().filter(ServerLane::connected).count();
    }

    public int ticks() {
        return ticks.get();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("A sample tick failed; the next one runs as scheduled", e);
        }
    }

    void tick() {
        ticks.incrementAndGet();
        Instant now = clock.instant();
        List<WatchedUpgrade> upgrades = watched.get();
        Map<LaneKey, Map<String, ServerLane.Target>> targets = new LinkedHashMap<>();
        for (WatchedUpgrade upgrade : upgrades) {
            for (DatabaseNames names : upgrade.databases()) {
                targets.computeIfAbsent(new LaneKey(upgrade.blue(), ServerLane.Side.BLUE), k -> new LinkedHashMap<>())
                        .putIfAbsent(names.database() + "/" + names.slot(),
                                new ServerLane.Target(names.database(), names.slot()));
                targets.computeIfAbsent(new LaneKey(upgrade.green(), ServerLane.Side.GREEN), k -> new LinkedHashMap<>())
                        .putIfAbsent(names.database() + "/" + names.subscription(),
                                new ServerLane.Target(names.database(), names.subscription()));
            }
        }
        retireUnused(targets.keySet());
        Duration budget = settings.sampleInterval();
        Map<LaneKey, CompletableFuture<ServerLane.Answer>> answers = new HashMap<>();
        targets.forEach((key, laneTargets) -> {
            ServerLane lane = lanes.computeIfAbsent(key, k -> new ServerLane(k.endpoint(), k.side(), connector, clock));
            List<ServerLane.Target> list = new ArrayList<>(laneTargets.values());
            lane.retain(list.stream().map(ServerLane.Target::database).toList());
            long timeout = settings.answerTimeout().toMillis();
            answers.put(key, lane.probe(list, pool, detailPool, settings.detailConnectionsPerServer(),
                            settings.schemaInterval(), budget)
                    .completeOnTimeout(ServerLane.Answer.failed(ProbeFailure.timedOut(key.endpoint(), timeout)),
                            timeout, TimeUnit.MILLISECONDS));
        });
        for (WatchedUpgrade upgrade : upgrades) {
            LaneKey blueKey = new LaneKey(upgrade.blue(), ServerLane.Side.BLUE);
            LaneKey greenKey = new LaneKey(upgrade.green(), ServerLane.Side.GREEN);
            CompletableFuture<ServerLane.Answer> blue = answers.get(blueKey);
            CompletableFuture<ServerLane.Answer> green = answers.get(greenKey);
            if (blue == null || green == null) {
                continue; // an upgrade without databases
            }
            blue.thenCombineAsync(green, (b, g) -> samples(upgrade, now, b, g, lanes.get(blueKey), lanes.get(greenKey)),
                            handlers)
                    .thenAccept(samples -> handler.handle(upgrade, samples))
                    .exceptionally(error -> {
                        LogContext.run(upgrade.upgradeId(),
                                () -> LOG.error("Handling the samples of upgrade {} failed", upgrade.upgradeId(), error));
                        return null;
                    });
        }
    }

    static List<ReplicationSample> samples(WatchedUpgrade upgrade, Instant at, ServerLane.Answer blue,
                                           ServerLane.Answer green, ServerLane blueLane, ServerLane greenLane) {
        List<ReplicationSample> samples = new ArrayList<>(upgrade.databases().size());
        for (DatabaseNames names : upgrade.databases()) {
            String database = names.database();
            ProbeFailure blueFailure = blue.failure() != null ? blue.failure()
                    : blueLane == null ? null : blueLane.detailFailure(database);
            ProbeFailure greenFailure = green.failure() != null ? green.failure()
                    : greenLane == null ? null : greenLane.detailFailure(database);
            DatabaseDetail blueDetail = blueLane == null ? null : blueLane.detail(database);
            DatabaseDetail greenDetail = greenLane == null ? null : greenLane.detail(database);
            samples.add(new ReplicationSample(upgrade.upgradeId(), database, at, upgrade.lagThresholdBytes(),
                    upgrade.blue(), upgrade.green(), names.slot(), names.subscription(), blueFailure, greenFailure,
                    blue.failure() == null ? blue.slots().get(names.slot()) : null,
                    green.failure() == null ? green.subscriptions().get(
                            ReplicationQueries.subscriptionKey(database, names.subscription())) : null,
                    blueDetail == null ? null : blueDetail.fingerprint(),
                    greenDetail == null ? null : greenDetail.fingerprint(),
                    greenDetail == null ? Map.of() : greenDetail.tablesNotReady()));
        }
        return samples;
    }

    private void retireUnused(Set<LaneKey> used) {
        for (LaneKey key : new HashSet<>(lanes.keySet())) {
            if (!used.contains(key)) {
                ServerLane lane = lanes.remove(key);
                if (lane != null) {
                    lane.close();
                }
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        pool.shutdownNow();
        detailPool.shutdownNow();
        lanes.values().forEach(ServerLane::close);
        lanes.clear();
        handlers.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
