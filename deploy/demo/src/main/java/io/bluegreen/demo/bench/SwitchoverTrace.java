package io.bluegreen.demo.bench;

import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an upgrade's audit trail ({@code bluegreen.upgrade.events}) says about its switchover: when Blue was fenced
 * and the handover proven (the {@code StepCompleted} of {@code RunSwitchover}: {@code fencedAt}, {@code provenAt}
 * and {@code part.*} in its details), when the coordinator published the new writer endpoint
 * ({@code WriterEndpointChanged}), how many attempts it took, what went wrong, and how long each step of the
 * switchover phase took from dispatch to completion (coordinator clock). Absent times are -1.
 */
record SwitchoverTrace(long fencedAtMs, long provenAtMs, Map<String, Double> agentPartsMs, EndpointChange endpointChange,
                       int attempts, List<String> problems, Map<String, Long> stepsMs) {

    static final String SWITCHOVER_STEP = "RunSwitchover";
    private static final String PART_PREFIX = "part.";
    /** The agent's parts in the order they happen; others follow by name (a decoded Avro map has no order). */
    static final List<String> PART_ORDER = List.of("connect", "arm", "guardrails", "fence", "drain", "sequences", "verify",
            "snapshot");
    /** The agent's parts that lie between its fencedAt and provenAt stamps. */
    static final List<String> FENCED_PARTS = List.of("fence", "drain", "sequences", "verify", "snapshot");

    /** The WriterEndpointChanged the coordinator published. */
    record EndpointChange(long occurredAtMs, long fencedAtMs, String host, int port, String method) {
    }

    static SwitchoverTrace of(List<SpecificRecord> events) {
        long fencedAt = -1;
        long provenAt = -1;
        Map<String, Double> parts = new LinkedHashMap<>();
        EndpointChange change = null;
        int attempts = 0;
        List<String> problems = new ArrayList<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        Map<String, Long> dispatchedAt = new HashMap<>();
        boolean switchingOver = false;
        for (SpecificRecord event : events) {
            if (event instanceof PhaseEntered phase) {
                switchingOver = phase.getPhase() == UpgradePhase.SWITCHING_OVER
                        || (switchingOver && phase.getPhase() != UpgradePhase.REPLICATING);
            } else if (event instanceof StepDispatched dispatched) {
                dispatchedAt.put(dispatched.getStep(), dispatched.getOccurredAt().toEpochMilli());
            } else if (event instanceof StepCompleted completed) {
                Long began = dispatchedAt.remove(completed.getStep());
                if (switchingOver && began != null) {
                    steps.put(completed.getStep(), completed.getOccurredAt().toEpochMilli() - began);
                }
                if (SWITCHOVER_STEP.equals(completed.getStep())) {
                    Map<String, String> details = completed.getDetails();
                    fencedAt = parseLong(details.get("fencedAt"));
                    provenAt = parseLong(details.get("provenAt"));
                    parts.clear();
                    details.keySet().stream().filter(key -> key.startsWith(PART_PREFIX))
                            .map(key -> key.substring(PART_PREFIX.length()))
                            .sorted(Comparator.comparingInt((String name) -> PART_ORDER.contains(name)
                                    ? PART_ORDER.indexOf(name) : PART_ORDER.size()).thenComparing(name -> name))
                            .forEach(name -> {
                                double ms = parseDouble(details.get(PART_PREFIX + name));
                                if (!Double.isNaN(ms)) {
                                    parts.put(name, ms);
                                }
                            });
                }
            } else if (event instanceof WriterEndpointChanged changed) {
                change = new EndpointChange(changed.getOccurredAt().toEpochMilli(),
                        changed.getFencedAt() == null ? -1 : changed.getFencedAt().toEpochMilli(), changed.getHost(),
                        changed.getPort(), String.valueOf(changed.getMethod()));
            } else if (event instanceof SwitchoverStarted) {
                attempts++;
            } else if (event instanceof SwitchoverAborted aborted) {
                problems.add("switchover attempt " + aborted.getAttempt() + " aborted: " + aborted.getReason()
                        + " (next phase " + aborted.getNextPhase() + ")");
            } else if (event instanceof StepFailureRecorded failure) {
                problems.add(failure.getStep() + " failed (" + failure.getReason() + (failure.getRetryable() ? ", retryable" : "")
                        + "): " + failure.getMessage());
            } else if (event instanceof UpgradeFailed failed) {
                problems.add("upgrade failed in " + failed.getPhase() + " (" + failed.getReason() + "): " + failed.getMessage());
            }
        }
        return new SwitchoverTrace(fencedAt, provenAt, Collections.unmodifiableMap(parts), change, attempts,
                List.copyOf(problems), Collections.unmodifiableMap(steps));
    }

    /** Blue's fence time: from RunSwitchover's proof, else from the endpoint event; -1 when neither says. */
    long fenceMs() {
        if (fencedAtMs >= 0) {
            return fencedAtMs;
        }
        return endpointChange != null ? endpointChange.fencedAtMs() : -1;
    }

    private static long parseLong(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double parseDouble(String value) {
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
