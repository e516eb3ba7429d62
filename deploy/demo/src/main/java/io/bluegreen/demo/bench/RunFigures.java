package io.bluegreen.demo.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one switchover, from the writers' attempts and the audit trail. The write-unavailable window is the
 * first acknowledged write on Green minus the last acknowledged write on Blue, over every writer. Its parts, in
 * milliseconds, on one clock (the services run in this JVM):
 * <ul>
 *   <li>the pg-agent's own parts of the fenced program as it reports them ({@code part.*} of {@code RunSwitchover}:
 *       connect, arm, guardrails before the fence; fence, drain, sequences, verify, snapshot after it),
 *       {@code fencedToProven} between its two stamps and {@code fencedUnattributed}, the part of that no reported
 *       part covers;</li>
 *   <li>{@code provenToPublished}: proof to the coordinator's {@code WriterEndpointChanged};</li>
 *   <li>{@code publishedToSwitched}: that decision to the first writer pointed at Green (the event reaching the
 *       writers; after a rename, the first DescribeDBInstances answering Green's endpoint);</li>
 *   <li>{@code switchedToFirstGreenAck}: from there to the first acknowledged write on Green (retries, connect,
 *       insert), of which {@code firstGreenAckConnect} opened the connection of that write;</li>
 *   <li>{@code fenceToLastBlueAck}: the fence to the last acknowledgement on Blue (negative: Blue's last write came
 *       before the fence).</li>
 * </ul>
 * A part that the run could not measure is absent. Times in epoch µs; NaN when undefined.
 */
record RunFigures(double windowMs, long lastBlueAckMicros, long firstGreenAckMicros, long attempts, long failedAttempts,
                  long acknowledgedOnBlue, long acknowledgedOnGreen, long blueAcksAfterFirstGreen,
                  long blueAcksStartedAfterFence, long failedAfterSwitch, long failedInWindow,
                  Map<String, Double> partsMs, Map<String, Long> errors) {

    static RunFigures of(List<Attempt> attempts, long switchedAtMicros, SwitchoverTrace trace) {
        long lastBlue = Long.MIN_VALUE;
        long firstGreen = Long.MAX_VALUE;
        Attempt firstOnGreen = null;
        long failed = 0;
        long onBlue = 0;
        long onGreen = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (Attempt attempt : attempts) {
            if (!attempt.acknowledged()) {
                failed++;
                errors.merge(attempt.sqlState(), 1L, Long::sum);
            } else if (attempt.server() == Server.BLUE) {
                onBlue++;
                lastBlue = Math.max(lastBlue, attempt.endMicros());
            } else if (attempt.server() == Server.GREEN) {
                onGreen++;
                if (attempt.endMicros() < firstGreen) {
                    firstGreen = attempt.endMicros();
                    firstOnGreen = attempt;
                }
            }
        }
        boolean bothSides = onBlue > 0 && onGreen > 0;
        double window = bothSides ? BenchClock.millisBetween(lastBlue, firstGreen) : Double.NaN;
        long fenceMs = trace.fenceMs();
        long blueAfterGreen = 0;
        long blueAfterFence = 0;
        long failedAfterSwitch = 0;
        long failedInWindow = 0;
        for (Attempt attempt : attempts) {
            if (!attempt.acknowledged() && bothSides && attempt.startMicros() > lastBlue && attempt.startMicros() < firstGreen) {
                failedInWindow++;
            }
            if (!attempt.acknowledged() && switchedAtMicros >= 0 && attempt.startMicros() >= switchedAtMicros) {
                failedAfterSwitch++;
            }
            if (attempt.acknowledged() && attempt.server() == Server.BLUE) {
                if (onGreen > 0 && attempt.endMicros() > firstGreen) {
                    blueAfterGreen++;
                }
                // the fence is stamped in whole ms: only a write that began a full ms later surely began after it
                if (fenceMs >= 0 && attempt.startMicros() >= (fenceMs + 1) * 1000) {
                    blueAfterFence++;
                }
            }
        }

        Map<String, Double> parts = new LinkedHashMap<>(trace.agentPartsMs());
        if (trace.fencedAtMs() >= 0 && trace.provenAtMs() >= 0) {
            double fencedToProven = trace.provenAtMs() - trace.fencedAtMs();
            parts.put("fencedToProven", fencedToProven);
            double attributed = SwitchoverTrace.FENCED_PARTS.stream().mapToDouble(p -> trace.agentPartsMs().getOrDefault(p, 0.0))
                    .sum();
            parts.put("fencedUnattributed", fencedToProven - attributed);
        }
        SwitchoverTrace.EndpointChange change = trace.endpointChange();
        if (change != null && trace.provenAtMs() >= 0) {
            parts.put("provenToPublished", (double) (change.occurredAtMs() - trace.provenAtMs()));
        }
        if (change != null && switchedAtMicros >= 0) {
            parts.put("publishedToSwitched", BenchClock.millisBetween(change.occurredAtMs() * 1000, switchedAtMicros));
        }
        if (switchedAtMicros >= 0 && onGreen > 0) {
            parts.put("switchedToFirstGreenAck", BenchClock.millisBetween(switchedAtMicros, firstGreen));
        }
        if (firstOnGreen != null && firstOnGreen.connectMicros() > 0) {
            parts.put("firstGreenAckConnect", firstOnGreen.connectMicros() / 1000.0);
        }
        if (fenceMs >= 0 && onBlue > 0) {
            parts.put("fenceToLastBlueAck", BenchClock.millisBetween(fenceMs * 1000, lastBlue));
        }
        return new RunFigures(window, onBlue > 0 ? lastBlue : -1, onGreen > 0 ? firstGreen : -1, attempts.size(), failed,
                onBlue, onGreen, blueAfterGreen, blueAfterFence, failedAfterSwitch, failedInWindow,
                Collections.unmodifiableMap(parts),
                Collections.unmodifiableMap(errors));
    }

    long acknowledged() {
        return acknowledgedOnBlue + acknowledgedOnGreen;
    }
}
