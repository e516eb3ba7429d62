package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.PhasePlan;
import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.coordinator.saga.SagaRefusal;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.UpgradePhase;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an upgrade accepts now, asked of the saga itself (its decisions are pure): the users' decisions it would not
 * refuse, by the name of their route, and how far along the plan's phases it is. Clients offer a button only for an
 * accepted decision; the owner decides again when the request arrives.
 */
final class Accepted {

    private Accepted() {
    }

    /** The decisions the saga would take now, among approve, retry, rollback and waive-verification. */
    static List<String> decisions(Saga saga, UpgradeState state, Instant now) {
        List<String> accepted = new ArrayList<>();
        if (accepts(() -> saga.approve(state, "check", Map.of(), now))) {
            accepted.add("approve");
        }
        if (accepts(() -> saga.retry(state, "check", now))) {
            accepted.add("retry");
        }
        if (accepts(() -> saga.rollback(state, "check", "check", now))) {
            accepted.add("rollback");
        }
        if (accepts(() -> saga.waiveVerification(state, "check", "check", now))) {
            accepted.add("waive-verification");
        }
        return accepted;
    }

    private static boolean accepts(Supplier<?> decision) {
        try {
            decision.get();
            return true;
        } catch (SagaRefusal | IllegalStateException e) {
            return false;
        }
    }

    /**
     * How far the upgrade is along its plan's phases (PREFLIGHT to COMPLETED): a stopped upgrade counts where it
     * stopped; none for a rollback (its undo has no fixed steps) and before the preflight.
     */
    static UpgradeView.Progress progress(UpgradeState state) {
        List<UpgradePhase> phases = PhasePlan.phases(state.plan());
        UpgradePhase at = state.phase() == UpgradePhase.FAILED ? state.failedPhase().orElse(state.phase()) : state.phase();
        int index = phases.indexOf(at);
        if (index < 0) {
            return null;
        }
        return new UpgradeView.Progress(index, phases.size() - 1, Math.round(100f * index / (phases.size() - 1)));
    }
}
