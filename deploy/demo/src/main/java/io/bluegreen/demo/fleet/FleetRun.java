package io.bluegreen.demo.fleet;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.schemas.AvroTrust;
import io.bluegreen.runtime.kafka.TopicInstaller;
import io.bluegreen.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One fleet run: the embedded broker here, the coordinators in their own JVMs, the simulated agents and monitor
 * here; N requests at once, one coordinator killed half way (at half of all the phase changes the run will make, when
 * every partition still has upgrades in flight), then wait for every completion.
 * Everything it starts, it stops; the coordinators' logs stay in {@link #logs()}.
 */
final class FleetRun {

    /** Partitions of every topic (the coordinators' default). */
    static final int PARTITIONS = 12;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** A partition whose first new command came this long after the kill stalled: its owner was the killed one. */
    private static final Duration STALL = Duration.ofSeconds(1);

    private final FleetOptions options;
    private final PrintStream progress;
    private final Path logs;

    FleetRun(FleetOptions options, PrintStream progress) throws IOException {
        this.options = options;
        this.progress = progress;
        this.logs = Files.createTempDirectory("bluegreen-fleet-");
    }

    Path logs() {
        return logs;
    }

    FleetResult run() throws Exception {
        AvroTrust.install();
        String loadBefore = loadavg();
        List<String> problems = new ArrayList<>();
        progress.printf("fleet benchmark: %d upgrades, %d coordinator(s)%s, %d partitions, %d cores; logs in %s%n",
                options.upgrades(), options.coordinators(), options.killsOne() ? ", one killed half way" : "",
                PARTITIONS, Runtime.getRuntime().availableProcessors(), logs);
        FleetFigures figures = new FleetFigures(PARTITIONS);
        List<CoordinatorProcess> coordinators = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.durable().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            String bootstrap = kafka.bootstrapServers();
            TopicInstaller.ensureTopics(admin, PARTITIONS, Optional.empty());
            try {
                for (int i = 1; i <= options.coordinators(); i++) {
                    coordinators.add(CoordinatorProcess.start("c" + i, bootstrap, logs));
                }
                for (CoordinatorProcess coordinator : coordinators) {
                    coordinator.awaitReady(READY_TIMEOUT);
                    progress.printf("  coordinator %s ready (pid %d)%n", coordinator.instanceId(), coordinator.pid());
                }
                return measure(bootstrap, admin, figures, coordinators, loadBefore, problems);
            } finally {
                coordinators.forEach(CoordinatorProcess::close);
            }
        }
    }

    private FleetResult measure(String bootstrap, Admin admin, FleetFigures figures,
                                List<CoordinatorProcess> coordinators, String loadBefore, List<String> problems)
            throws Exception {
        CoordinatorProcess survivor = coordinators.get(0);
        CoordinatorProcess victim = options.killsOne() ? coordinators.get(coordinators.size() - 1) : null;
        try (SimulatedMonitor monitor = new SimulatedMonitor(bootstrap, figures).start();
             EventWatch events = new EventWatch(bootstrap, figures, monitor).start();
             SimulatedAgents agents = new SimulatedAgents(bootstrap, figures, options.agentDelay()).start();
             KafkaProducer<byte[], byte[]> requests = SimulatedAgents.producer(bootstrap, "fleet-requests")) {
            Optional<Long> heapBefore = survivor.liveHeapBytes();
            long began = System.nanoTime();
            Map<String, Integer> partitionOf = FleetPlans.submit(requests, options.upgrades(), PARTITIONS);
            Set<String> submitted = partitionOf.keySet();
            progress.printf("  %d StartUpgrade requests on %s in %.1f s%n", submitted.size(), Topics.REQUESTS,
                    (System.nanoTime() - began) / 1e9);
            long deadline = began + options.timeout().toNanos();
            long nextProgress = began + PROGRESS_EVERY.toNanos();
            long lastCompleted = 0;
            long lastProgressAt = began;
            int killedAt = 0;
            Map<Integer, Integer> unfinishedAtKill = new TreeMap<>();
            Optional<PartitionOwners.Snapshot> ownersBefore = Optional.empty();
            CompletableFuture<Optional<PartitionOwners.Snapshot>> ownersAfter = null;
            PartitionOwners owners = new PartitionOwners(admin, Topics.RESULTS);
            while (figures.completed() + figures.failed() < submitted.size() && System.nanoTime() < deadline) {
                failIfStopped(events.failure(), agents.failure(), survivor);
                if (victim != null && ownersAfter == null
                        && figures.phaseTransitions() * 2 >= (long) submitted.size() * FleetPlans.phaseChangesPerUpgrade()) {
                    ownersBefore = owners.now();
                    killedAt = figures.completed();
                    victim.kill();
                    figures.killed(System.nanoTime(), System.currentTimeMillis());
                    partitionOf.forEach((upgradeId, partition) -> {
                        if (!figures.isCompleted(upgradeId)) {
                            unfinishedAtKill.merge(partition, 1, Integer::sum);
                        }
                    });
                    progress.printf("  killed coordinator %s (pid %d, SIGKILL) at %d phase changes, %d / %d completed%s%n",
                            victim.instanceId(), victim.pid(), figures.phaseTransitions(), killedAt, submitted.size(),
                            ownersBefore.map(s -> "; group " + s.groupId() + " had " + s.partitionsByMember()).orElse(""));
                    Optional<PartitionOwners.Snapshot> before = ownersBefore;
                    ownersAfter = CompletableFuture.supplyAsync(() -> before.flatMap(snapshot -> {
                        try {
                            return owners.afterAMemberLeft(snapshot, Duration.ofMinutes(3));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return Optional.empty();
                        }
                    }));
                }
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    int completed = figures.completed();
                    progress.printf("  %6.1f s  completed %d / %d (%.0f /s), failed %d, commands %d, phase "
                                    + "transitions %d (%.0f /s overall), replicating %d%n", (now - began) / 1e9,
                            completed, submitted.size(), (completed - lastCompleted) * 1e9 / (now - lastProgressAt),
                            figures.failed(), figures.commandsReceived(), figures.phaseTransitions(),
                            figures.phaseTransitions() * 1e9 / (now - began), monitor.watched());
                    lastCompleted = completed;
                    lastProgressAt = now;
                    nextProgress = now + PROGRESS_EVERY.toNanos();
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long end = figures.completed() == submitted.size() ? figures.lastCompletionNanos() : System.nanoTime();
            if (figures.completed() < submitted.size()) {
                problems.add((submitted.size() - figures.completed()) + " upgrade(s) did not complete within "
                        + options.timeout().toSeconds() + " s (" + figures.failed() + " FAILED); coordinators' logs in "
                        + logs);
            }
            Optional<Long> heapAfter = survivor.isAlive() ? survivor.liveHeapBytes() : Optional.empty();
            if (heapBefore.isEmpty() || heapAfter.isEmpty()) {
                problems.add("heap of coordinator " + survivor.instanceId() + " unknown: jcmd " + survivor.pid()
                        + " GC.heap_info gave no figure");
            }
            Set<Integer> orphaned = new TreeSet<>();
            String ownership = "no kill";
            if (victim != null && ownersAfter != null) {
                Optional<PartitionOwners.Snapshot> after = awaitOwners(ownersAfter);
                if (ownersBefore.isPresent() && after.isPresent()) {
                    orphaned.addAll(ownersBefore.get().ownedByMembersGoneIn(after.get()));
                    ownership = "consumer group " + ownersBefore.get().groupId() + ": partitions of the member that left";
                } else {
                    orphaned.addAll(stalled(figures));
                    ownership = "partitions without a new command for " + STALL.toMillis() + " ms after the kill";
                }
            } else if (victim != null) {
                problems.add("no coordinator was killed: the run ended before half of its phase changes");
            }
            Map<Integer, Long> resumed = afterKillMs(figures.firstCommandAfterKill(), figures.killNanos());
            Map<Integer, Long> decided = afterKillMs(figures.firstEventAfterKill(), figures.killNanos());
            // a partition without an unfinished upgrade at the kill has nothing to take over
            Set<Integer> toTakeOver = new TreeSet<>(orphaned);
            toTakeOver.retainAll(unfinishedAtKill.keySet());
            // the first new command; where the new owner had only completions to record, its first new event
            Long firstCommand = toTakeOver.stream().map(resumed::get).filter(ms -> ms != null)
                    .min(Long::compare).orElse(null);
            Long firstEvent = toTakeOver.stream().map(decided::get).filter(ms -> ms != null)
                    .min(Long::compare).orElse(null);
            Long first = firstCommand != null ? firstCommand : firstEvent;
            String basis = firstCommand != null ? "command" : "event";
            Long all = toTakeOver.isEmpty() || toTakeOver.stream().anyMatch(p -> decided.get(p) == null) ? null
                    : toTakeOver.stream().map(decided::get).max(Long::compare).orElse(null);
            return new FleetResult(options.upgrades(), options.coordinators(), PARTITIONS, figures.completed(),
                    figures.failed(), (end - began) / 1_000_000, figures.phaseTransitions(), figures.steadyHops(),
                    figures.steadyDecided(), figures.steadyDelivered(), options.agentDelay(), figures.killHops(), figures.allHops(), survivor.instanceId(), heapBefore.orElse(null),
                    heapAfter.orElse(null), victim == null || ownersAfter == null ? null : victim.instanceId(),
                    killedAt, orphaned, toTakeOver, unfinishedAtKill, ownership, first, basis, all, resumed, decided,
                    figures.commandsReceived(),
                    figures.repeatedCommandIds(), figures.extraReceipts(), figures.resentEvents(),
                    figures.unexplainedDuplicates(), figures.lagSamples(), figures.undecodableRecords(),
                    agents.sendFailures() + monitor.sendFailures(), figures.unfinishedByPhase(submitted), loadBefore,
                    loadavg(), Runtime.getRuntime().availableProcessors(), logs, problems);
        }
    }

    private static void failIfStopped(RuntimeException events, RuntimeException agents, CoordinatorProcess survivor) {
        if (events != null) {
            throw new IllegalStateException("Reading the events stopped: " + events.getMessage(), events);
        }
        if (agents != null) {
            throw new IllegalStateException("The simulated agents stopped: " + agents.getMessage(), agents);
        }
        if (!survivor.isAlive()) {
            throw new IllegalStateException("Coordinator " + survivor.instanceId() + " exited; its output is in "
                    + survivor.log());
        }
    }

    private static Optional<PartitionOwners.Snapshot> awaitOwners(
            CompletableFuture<Optional<PartitionOwners.Snapshot>> future) throws InterruptedException {
        try {
            return future.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Per partition, kill -> the first record produced after it (ms); partitions without one are absent. */
    private static Map<Integer, Long> afterKillMs(long[] first, long kill) {
        Map<Integer, Long> resumed = new LinkedHashMap<>();
        if (kill < 0) {
            return resumed;
        }
        for (int p = 0; p < first.length; p++) {
            if (first[p] != 0) {
                resumed.put(p, Math.max(0, (first[p] - kill) / 1_000_000));
            }
        }
        return resumed;
    }

    private static Set<Integer> stalled(FleetFigures figures) {
        Set<Integer> stalled = new TreeSet<>();
        afterKillMs(figures.firstCommandAfterKill(), figures.killNanos()).forEach((partition, ms) -> {
            if (ms >= STALL.toMillis()) {
                stalled.add(partition);
            }
        });
        return stalled;
    }

    /** {@code /proc/loadavg} as it reads. */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
