package io.bluegreen.coordinator.service;

import io.bluegreen.coordinator.messaging.EventLog;
import io.bluegreen.coordinator.saga.Commands;
import io.bluegreen.coordinator.saga.Decision;
import io.bluegreen.coordinator.saga.Dispatch;
import io.bluegreen.coordinator.saga.LagGate;
import io.bluegreen.coordinator.saga.Outbound;
import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every upgrade this coordinator runs: replays the event log at start, feeds inputs (plans, results, lag
 * samples, user decisions) to the {@link Saga}, and persists each decision (events first, then commands)
 * before the in-memory state moves. One upgrade is handled by one thread at a time.
 */
public final class Upgrades {

    private static final Logger LOG = LoggerFactory.getLogger(Upgrades.class);

    /** One upgrade: its history, the state folded from it, its lag gate while replicating. */
    public static final class Upgrade {
        private final List<SpecificRecord> events = new ArrayList<>();
        private UpgradeState state;
        private LagGate gate;

        public synchronized UpgradeState state() {
            return state;
        }

        public synchronized List<SpecificRecord> events() {
            return List.copyOf(events);
        }
    }

    private final EventLog log;
    private final Saga saga;
    private final Clock clock;
    private final Duration maxSampleAge;
    private final Map<String, Upgrade> upgrades = new ConcurrentHashMap<>();

    /** @param maxSampleAge lag samples older than this when they arrive are ignored by the lag gate */
    public Upgrades(EventLog log, Saga saga, Clock clock, Duration maxSampleAge) {
        this.log = log;
        this.saga = saga;
        this.clock = clock;
        this.maxSampleAge = maxSampleAge;
    }

    /** Rebuilds every upgrade from the log and re-sends the commands still waiting for an answer. */
    public void recover() {
        log.readHistory().forEach((id, events) -> {
            Upgrade upgrade = new Upgrade();
            upgrade.events.addAll(events);
            upgrade.state = UpgradeState.fold(events);
            upgrades.put(id, upgrade);
            if (!upgrade.state.isTerminal() && !upgrade.state.pending().isEmpty()) {
                List<Outbound> again = new ArrayList<>();
                for (Dispatch d : upgrade.state.pending().values()) {
                    again.add(Commands.build(upgrade.state, d.step(), d.database(), d.commandId(), d.attempt(), clock.instant()));
                }
                log.publish(id, again);
                LOG.info("Upgrade {} resumed in {}: re-sent {} pending command(s)", id, upgrade.state.phase(), again.size());
            }
        });
    }

    public Upgrade start(String upgradeId, UpgradePlan plan, String requestedBy) {
        Upgrade upgrade = upgrades.computeIfAbsent(upgradeId, id -> new Upgrade());
        synchronized (upgrade) {
            if (upgrade.state == null) {
                commit(upgradeId, upgrade, saga.start(upgradeId, plan, requestedBy, clock.instant()));
            }
        }
        return upgrade;
    }

    public void onResult(SpecificRecord result) {
        String upgradeId = String.valueOf(((GenericRecord) result).get("upgradeId"));
        Upgrade upgrade = upgrades.get(upgradeId);
        if (upgrade == null) {
            LOG.debug("Result for unknown upgrade {} ignored", upgradeId);
            return;
        }
        synchronized (upgrade) {
            commit(upgradeId, upgrade, saga.onResult(upgrade.state, result, clock.instant()));
        }
    }

    /** Lets deadlines pass: re-sends or fails unanswered commands, aborts a switchover without proof in time. */
    public void tick() {
        for (Upgrade upgrade : upgrades.values()) {
            synchronized (upgrade) {
                if (upgrade.state != null && upgrade.state.nextDeadline().filter(d -> !d.isAfter(clock.instant())).isPresent()) {
                    commit(upgrade.state.upgradeId(), upgrade, saga.onTick(upgrade.state, clock.instant()));
                }
            }
        }
    }

    public void onLag(ReplicationLagMeasured sample) {
        Upgrade upgrade = upgrades.get(sample.getUpgradeId());
        if (upgrade == null) {
            return;
        }
        synchronized (upgrade) {
            UpgradePhase phase = upgrade.state.phase();
            if (phase != UpgradePhase.REPLICATING && phase != UpgradePhase.READY_FOR_SWITCHOVER) {
                upgrade.gate = null;
                return;
            }
            if (upgrade.gate == null) {
                UpgradePlan plan = upgrade.state.plan();
                upgrade.gate = new LagGate(plan.getDatabases(), plan.getLagThresholdBytes(),
                        Duration.ofMillis(plan.getHoldDurationMs()), maxSampleAge);
            }
            if (upgrade.gate.observe(sample, clock.instant()) && phase == UpgradePhase.REPLICATING) {
                commit(sample.getUpgradeId(), upgrade, saga.onLagHeld(upgrade.state, upgrade.gate.errorsSeen(),
                        clock.instant()));
            }
        }
    }

    public Upgrade approve(String upgradeId, String by) {
        Upgrade upgrade = require(upgradeId);
        synchronized (upgrade) {
            Map<String, Long> errorsSeen = upgrade.gate == null ? Map.of() : upgrade.gate.errorsSeen();
            commit(upgradeId, upgrade, saga.approve(upgrade.state, by, errorsSeen, clock.instant()));
        }
        return upgrade;
    }

    public Upgrade retry(String upgradeId, String by) {
        Upgrade upgrade = require(upgradeId);
        synchronized (upgrade) {
            commit(upgradeId, upgrade, saga.retry(upgrade.state, by, clock.instant()));
        }
        return upgrade;
    }

    public Upgrade rollback(String upgradeId, String reason, String by) {
        Upgrade upgrade = require(upgradeId);
        synchronized (upgrade) {
            commit(upgradeId, upgrade, saga.rollback(upgrade.state, reason, by, clock.instant()));
        }
        return upgrade;
    }

    public Optional<Upgrade> find(String upgradeId) {
        return Optional.ofNullable(upgrades.get(upgradeId)).filter(u -> u.state() != null);
    }

    public Collection<Upgrade> all() {
        return upgrades.values().stream().filter(u -> u.state() != null).toList();
    }

    private Upgrade require(String upgradeId) {
        return find(upgradeId).orElseThrow(() -> new UnknownUpgradeException(upgradeId));
    }

    private void commit(String upgradeId, Upgrade upgrade, Decision decision) {
        if (decision.isEmpty()) {
            return;
        }
        log.append(upgradeId, decision.events());
        for (SpecificRecord event : decision.events()) {
            upgrade.events.add(event);
            upgrade.state = UpgradeState.apply(upgrade.state, event);
        }
        log.publish(upgradeId, decision.commands());
        decision.commands().forEach(c -> LOG.info("Upgrade {}: dispatched {} to {}", upgradeId,
                c.command().getSchema().getName(), c.topic()));
    }
}
