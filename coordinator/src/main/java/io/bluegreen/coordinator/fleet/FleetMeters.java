package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.Dispatch;
import io.bluegreen.coordinator.saga.Step;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.UpgradePhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The fleet as gauges, from the {@link ReadView} every coordinator instance holds (so every instance reports the
 * whole fleet: aggregate these with {@code max}, never {@code sum}). One pass over the upgrades makes every figure,
 * at most once a second however many gauges a scrape reads; no gauge carries an upgrade id, so a fleet of thousands
 * of upgrades is a few dozen series.
 * <ul>
 *   <li>{@value #ACTIVE} ({@code phase}): upgrades in each phase, the finished ones included;</li>
 *   <li>{@value #LONGEST_IN_PHASE} ({@code phase}): how long the upgrade longest in each phase has been in it (not
 *       for COMPLETED and ROLLED_BACK; 0 when no upgrade is in the phase): an upgrade stuck in a phase;</li>
 *   <li>{@value #PENDING} and {@value #OLDEST_PENDING} ({@code agent}): commands dispatched and not answered, and the
 *       age of the oldest of them;</li>
 *   <li>{@value #FENCED} and {@value #FENCE_OVERDUE}: upgrades whose Blue may be fenced while Green takes no writes
 *       (a switchover in flight, or Blue being unfenced after an aborted attempt or in a rollback), and how far the most
 *       overdue of them is past the moment its Blue should take writes again: past the switchover's deadline while the
 *       switchover runs, since the unfencing was sent while it is being unfenced; 0 when none is overdue.</li>
 * </ul>
 */
public final class FleetMeters {

    public static final String ACTIVE = "bluegreen.upgrades.active";
    public static final String LONGEST_IN_PHASE = "bluegreen.upgrades.longest.in.phase";
    public static final String PENDING = "bluegreen.saga.pending.commands";
    public static final String OLDEST_PENDING = "bluegreen.saga.oldest.pending.command.age";
    public static final String FENCED = "bluegreen.switchover.fenced.upgrades";
    public static final String FENCE_OVERDUE = "bluegreen.switchover.fence.overdue";

    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final List<String> AGENTS = List.of("pg-agent", "aws-agent");
    private static final Set<Step> UNFENCING = Set.of(Step.RELEASE_FENCE, Step.UNFENCE_WRITES);

    /** What one pass over the fleet found. */
    record Figures(Map<UpgradePhase, Integer> byPhase, Map<UpgradePhase, Duration> longestInPhase,
                   Map<String, Integer> pending, Map<String, Duration> oldestPending, int fenced, Duration fenceOverdue) {
    }

    private final Supplier<Collection<UpgradeState>> states;
    private final Clock clock;
    private Figures figures;
    private Instant figuredAt = Instant.MIN;

    private FleetMeters(Supplier<Collection<UpgradeState>> states, Clock clock) {
        this.states = states;
        this.clock = clock;
    }

    /** Registers the fleet's gauges over the view's upgrades. */
    public static FleetMeters register(ReadView view, MeterRegistry registry, Clock clock) {
        return register(() -> view.all().stream().map(ReadView.Entry::state).filter(java.util.Objects::nonNull).toList(),
                registry, clock);
    }

    static FleetMeters register(Supplier<Collection<UpgradeState>> states, MeterRegistry registry, Clock clock) {
        FleetMeters meters = new FleetMeters(states, clock);
        for (UpgradePhase phase : phases()) {
            meters.gauge(registry, ACTIVE, null, "Upgrades in the fleet, by phase (every coordinator reports the "
                    + "whole fleet)", f -> f.byPhase().getOrDefault(phase, 0), "phase", phase.name());
            if (!terminal(phase)) {
                meters.gauge(registry, LONGEST_IN_PHASE, "seconds", "How long the upgrade longest in this phase has "
                        + "been in it (0 when none is)", f -> seconds(f.longestInPhase().get(phase)), "phase", phase.name());
            }
        }
        for (String agent : AGENTS) {
            meters.gauge(registry, PENDING, "commands", "Commands the saga has sent to the agent and not had answered",
                    f -> f.pending().getOrDefault(agent, 0), "agent", agent);
            meters.gauge(registry, OLDEST_PENDING, "seconds", "How long the oldest unanswered command to the agent has "
                    + "been waiting since it was first sent (0 when none waits)", f -> seconds(f.oldestPending().get(agent)),
                    "agent", agent);
        }
        meters.gauge(registry, FENCED, "upgrades", "Upgrades whose Blue may be fenced while Green takes no writes: a "
                + "switchover in flight, or Blue being unfenced", Figures::fenced);
        meters.gauge(registry, FENCE_OVERDUE, "seconds", "How far the most overdue fenced Blue is past the moment it "
                + "should take writes again (its switchover's deadline, or since its unfencing was sent); 0 when none is",
                f -> seconds(f.fenceOverdue()));
        return meters;
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<Figures> read, String... tags) {
        // held strongly: nothing else keeps this object, and a gauge's weakly held object reads NaN once collected
        Gauge.Builder<FleetMeters> builder = Gauge.builder(name, this, m -> read.applyAsDouble(m.current()))
                .description(description).tags(tags).strongReference(true);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        builder.register(registry);
    }

    private synchronized Figures current() {
        Instant now = clock.instant();
        if (figures == null || !now.isBefore(figuredAt.plus(REFRESH))) {
            figures = figures(states.get(), now);
            figuredAt = now;
        }
        return figures;
    }

    /** The figures of these upgrades at {@code now}. */
    static Figures figures(Collection<UpgradeState> upgrades, Instant now) {
        Map<UpgradePhase, Integer> byPhase = new EnumMap<>(UpgradePhase.class);
        Map<UpgradePhase, Duration> longest = new EnumMap<>(UpgradePhase.class);
        Map<String, Integer> pending = new TreeMap<>();
        Map<String, Duration> oldest = new TreeMap<>();
        int fenced = 0;
        Duration overdue = Duration.ZERO;
        for (UpgradeState upgrade : upgrades) {
            UpgradePhase phase = upgrade.phase();
            byPhase.merge(phase, 1, Integer::sum);
            if (terminal(phase)) {
                continue;
            }
            longest.merge(phase, age(upgrade.phaseSince(), now), FleetMeters::longer);
            boolean fencing = false;
            for (Dispatch dispatch : upgrade.pending().values()) {
                String agent = dispatch.step().agent();
                pending.merge(agent, 1, Integer::sum);
                oldest.merge(agent, age(dispatch.dispatchedAt(), now), FleetMeters::longer);
                if (dispatch.step() == Step.RUN_SWITCHOVER) {
                    fencing = true;
                    Instant deadline = upgrade.switchover().deadline().orElse(dispatch.deadline());
                    overdue = longer(overdue, age(deadline, now));
                } else if (UNFENCING.contains(dispatch.step())) {
                    fencing = true;
                    overdue = longer(overdue, age(dispatch.dispatchedAt(), now));
                }
            }
            fenced += fencing ? 1 : 0;
        }
        return new Figures(byPhase, longest, pending, oldest, fenced, overdue);
    }

    /** Every phase an upgrade can be in (UNKNOWN is only a decoding default). */
    static List<UpgradePhase> phases() {
        return java.util.Arrays.stream(UpgradePhase.values()).filter(p -> p != UpgradePhase.UNKNOWN).toList();
    }

    private static boolean terminal(UpgradePhase phase) {
        return phase == UpgradePhase.COMPLETED || phase == UpgradePhase.ROLLED_BACK;
    }

    /** Time from {@code since} to {@code now}; never negative. */
    private static Duration age(Instant since, Instant now) {
        Duration age = Duration.between(since, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static double seconds(Duration duration) {
        return duration == null ? 0 : duration.toMillis() / 1000.0;
    }
}
