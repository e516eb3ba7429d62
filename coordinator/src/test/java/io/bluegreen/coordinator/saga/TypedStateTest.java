package io.bluegreen.coordinator.saga;

import io.bluegreen.coordinator.api.UpgradeView;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.UpgradeFailed;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.bluegreen.coordinator.saga.SagaDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the steps produce is kept typed, per database where it belongs, and survives a replay. */
class TypedStateTest {

    @Test
    void eachDatabaseKeepsItsOwnValues() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.COMPLETED);
        DatabaseState app = d.state.databases().get("app");
        DatabaseState billing = d.state.databases().get("billing");
        assertEquals(Optional.of("0/5000100"), app.drainedLsn());
        assertEquals(Optional.of("0/5000110"), billing.drainedLsn(), "regression: one flat map kept the last database's");
        assertEquals(Optional.of(2), app.sequences());
        assertEquals(Optional.of(3), billing.sequences());
        assertEquals(Optional.of("blue_green_sub_app"), app.subscription());
        assertEquals(Optional.of("blue_green_sub_billing"), billing.subscription());
        assertEquals(Optional.of("0/3000938"), app.slotAdvancedTo());
        assertEquals(Optional.of(true), billing.verified());

        UpgradeValues values = d.state.values();
        assertEquals(Optional.of("orders-green-upg1"), values.green().identifier());
        assertEquals(Optional.of(6543), values.green().port());
        assertEquals(Optional.of("17.9"), values.green().engineVersion(), "the engine upgrade's version replaces the clone's");
        assertEquals(List.of("snap-1"), values.green().snapshots());
        assertEquals(Optional.of("0/3000938"), values.snapshotLsn());
        assertEquals(Optional.of(SnapshotLsnMethod.STARTUP_LOG), values.snapshotLsnMethod());
        assertEquals(Optional.of(T0.minusMillis(40)), values.fencedAt());
        assertEquals(Optional.of(T0), values.provenAt());
        assertTrue(d.state.switchedOver());
        d.assertStateIsTheFold();

        UpgradeView view = UpgradeView.of(d.state, d.history);
        assertEquals("0/5000110", view.perDatabase().get(1).drainedLsn());
        assertEquals("green.local", view.green().host());
        assertEquals("0/3000938", view.snapshotLsn());
        assertTrue(view.waitingFor().isEmpty());
    }

    @Test
    void aRollbackStoppedByAFailedUndoUnderTheFormerRuleCanBeResumed() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        d.apply(d.saga.rollback(d.state, "not today", "alice", d.now));
        d.answer(d.pending(Step.CLONE_CLUSTER));
        d.fail(d.pending(Step.DELETE_CLUSTER), false);
        // a history written before a failed undo stopped in FAILED: it stayed in ROLLING_BACK with nothing in flight
        List<SpecificRecord> former = new ArrayList<>(d.history.subList(0, d.history.size() - 1));
        assertInstanceOf(UpgradeFailed.class, former.get(former.size() - 1));
        UpgradeState stuck = UpgradeState.fold(former);
        assertEquals(UpgradePhase.ROLLING_BACK, stuck.phase());
        assertTrue(stuck.pending().isEmpty());

        Decision resumed = d.saga.rollback(stuck, "cause fixed", "alice", d.now);
        assertInstanceOf(RollbackStarted.class, resumed.events().get(0));
        assertEquals(List.of("DeleteCluster"), resumed.commands().stream().map(o -> o.command().getSchema().getName()).toList());
    }
}
