package io.bluegreen.demo.fleet;

import io.bluegreen.schemas.common.UpgradePhase;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the fleet benchmark observes, from several threads: the commands the simulated agents receive (with repeats),
 * the inputs they and the simulated monitor send (acknowledged by the broker), the coordinators' events (phases,
 * completions, re-sends), and after a kill when each partition got its first new command.
 *
 * <p>A hop runs from an input's acknowledgement (an agent's result, or a lag sample while an upgrade replicates) to
 * the next command of the same upgrade the agents receive; a second input sent before that command does not restart
 * the hop, so a slow answer is never hidden by a later sample. Hops whose input was acknowledged before the kill and
 * whose command came after it are kept apart: they measure the takeover, not the steady state.
 */
final class FleetFigures {

    private final int partitions;
    private final long began = System.nanoTime();
    private final Map<String, Integer> receipts = new ConcurrentHashMap<>();
    private final Map<String, Integer> resends = new ConcurrentHashMap<>();
    private final Map<String, Input> pendingInput = new ConcurrentHashMap<>();
    private final Map<String, UpgradePhase> phases = new ConcurrentHashMap<>();
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final AtomicLong commandsReceived = new AtomicLong();
    private final AtomicLong phaseTransitions = new AtomicLong();
    private final AtomicLong lagSamples = new AtomicLong();
    private final AtomicLong resentEvents = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLongArray firstCommandAfterKill;
    private final AtomicLongArray firstEventAfterKill;
    private final Samples steadyHops = new Samples();
    private final Samples killHops = new Samples();
    private final Samples steadyDecided = new Samples();
    private final Samples steadyDelivered = new Samples();
    private volatile long lastCompletionNanos;
    private volatile long killNanos = -1;
    private volatile long killEpochMillis = Long.MAX_VALUE;

    FleetFigures(int partitions) {
        this.partitions = partitions;
        this.firstCommandAfterKill = new AtomicLongArray(partitions);
        this.firstEventAfterKill = new AtomicLongArray(partitions);
    }

    /** A simulated agent received a command; {@code producedAtMillis} is the record's timestamp (create time). */
    void commandReceived(String upgradeId, String commandId, int partition, long producedAtMillis, long receivedNanos) {
        commandsReceived.incrementAndGet();
        receipts.merge(commandId, 1, Integer::sum);
        Input input = pendingInput.remove(upgradeId);
        if (input != null) {
            long micros = (receivedNanos - input.nanos()) / 1_000;
            if (killNanos >= 0 && input.nanos() < killNanos && receivedNanos >= killNanos) {
                killHops.add(micros);
            } else {
                steadyHops.add(micros);
                // the command's create time splits the hop: waiting and deciding, then committing and delivering
                long decided = Math.min(micros, Math.max(0, (producedAtMillis - input.epochMillis()) * 1_000));
                steadyDecided.add(decided);
                steadyDelivered.add(micros - decided);
            }
        }
        if (killNanos >= 0 && producedAtMillis >= killEpochMillis && partition < partitions) {
            firstCommandAfterKill.compareAndSet(partition, 0, receivedNanos);
        }
    }

    /** The broker acknowledged an input for the upgrade (a result or a lag sample), at these two clocks. */
    void inputAcknowledged(String upgradeId, long ackNanos, long ackEpochMillis) {
        if (!completed.contains(upgradeId)) {
            pendingInput.putIfAbsent(upgradeId, new Input(ackNanos, ackEpochMillis));
        }
    }

    /** When an input was acknowledged: monotonic, and wall clock to compare with record timestamps. */
    private record Input(long nanos, long epochMillis) {
    }

    void lagSampleSent() {
        lagSamples.incrementAndGet();
    }

    /** A coordinator's event was read; {@code producedAtMillis} is the record's timestamp (create time). */
    void eventRead(int partition, long producedAtMillis, long receivedNanos) {
        if (killNanos >= 0 && producedAtMillis >= killEpochMillis && partition < partitions) {
            firstEventAfterKill.compareAndSet(partition, 0, receivedNanos);
        }
    }

    void phaseEntered(String upgradeId, UpgradePhase phase) {
        phaseTransitions.incrementAndGet();
        phases.put(upgradeId, phase);
        if (phase == UpgradePhase.COMPLETED) {
            if (completed.add(upgradeId)) {
                lastCompletionNanos = System.nanoTime();
            }
            pendingInput.remove(upgradeId);
        } else if (phase == UpgradePhase.FAILED) {
            failed.add(upgradeId);
        }
    }

    void commandResent(String commandId) {
        resentEvents.incrementAndGet();
        resends.merge(commandId, 1, Integer::sum);
    }

    void undecodable() {
        undecodable.incrementAndGet();
    }

    /** Marks the kill: from now on, the first command produced after it is noted per partition. */
    void killed(long nanos, long epochMillis) {
        killEpochMillis = epochMillis;
        killNanos = nanos;
    }

    int completed() {
        return completed.size();
    }

    boolean isCompleted(String upgradeId) {
        return completed.contains(upgradeId);
    }

    int failed() {
        return failed.size();
    }

    long commandsReceived() {
        return commandsReceived.get();
    }

    long phaseTransitions() {
        return phaseTransitions.get();
    }

    long lagSamples() {
        return lagSamples.get();
    }

    long resentEvents() {
        return resentEvents.get();
    }

    long undecodableRecords() {
        return undecodable.get();
    }

    long killNanos() {
        return killNanos;
    }

    long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    long startedNanos() {
        return began;
    }

    /** Command ids received more than once. */
    long repeatedCommandIds() {
        return receipts.values().stream().filter(count -> count > 1).count();
    }

    /** Receipts beyond the first of each command id that no {@code CommandResent} accounts for. */
    long unexplainedDuplicates() {
        long unexplained = 0;
        for (Map.Entry<String, Integer> receipt : receipts.entrySet()) {
            int extra = receipt.getValue() - 1 - resends.getOrDefault(receipt.getKey(), 0);
            unexplained += Math.max(0, extra);
        }
        return unexplained;
    }

    /** Receipts beyond the first of each command id, re-sends included. */
    long extraReceipts() {
        return receipts.values().stream().mapToLong(count -> count - 1).sum();
    }

    /** When each partition got its first command produced after the kill (nanoTime), 0 when none came. */
    long[] firstCommandAfterKill() {
        return times(firstCommandAfterKill);
    }

    /** When each partition got its first event produced after the kill (nanoTime), 0 when none came. */
    long[] firstEventAfterKill() {
        return times(firstEventAfterKill);
    }

    private long[] times(AtomicLongArray firsts) {
        long[] times = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            times[p] = firsts.get(p);
        }
        return times;
    }

    /** The last phase seen of every upgrade that has not completed, counted by phase. */
    Map<UpgradePhase, Integer> unfinishedByPhase(Set<String> submitted) {
        Map<UpgradePhase, Integer> byPhase = new EnumMap<>(UpgradePhase.class);
        for (String upgradeId : submitted) {
            if (!completed.contains(upgradeId)) {
                byPhase.merge(phases.getOrDefault(upgradeId, UpgradePhase.UNKNOWN), 1, Integer::sum);
            }
        }
        return byPhase;
    }

    Distribution steadyHops() {
        return steadyHops.distribution();
    }

    /** The steady hops' first part: input acknowledged -> the command's create time (waiting for and making the decision). */
    Distribution steadyDecided() {
        return steadyDecided.distribution();
    }

    /** The steady hops' second part: the command's create time -> received (the transaction's commit and delivery). */
    Distribution steadyDelivered() {
        return steadyDelivered.distribution();
    }

    Distribution killHops() {
        return killHops.distribution();
    }

    Distribution allHops() {
        return Distribution.of(steadyHops.snapshot(), killHops.snapshot());
    }

    /** Hop times in µs: count, p50, p99 and max (nearest rank); zeros when there is none. */
    record Distribution(long count, long p50Micros, long p99Micros, long maxMicros) {

        static Distribution of(long[]... parts) {
            long[] all = Arrays.stream(parts).flatMapToLong(Arrays::stream).sorted().toArray();
            if (all.length == 0) {
                return new Distribution(0, 0, 0, 0);
            }
            return new Distribution(all.length, rank(all, 0.50), rank(all, 0.99), all[all.length - 1]);
        }

        private static long rank(long[] sorted, double quantile) {
            int index = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    private static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized long[] snapshot() {
            return Arrays.copyOf(values, size);
        }

        Distribution distribution() {
            return Distribution.of(snapshot());
        }
    }
}
