package io.bluegreen.pg.replication;

import io.bluegreen.schemas.Lsn;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class SlotAdvanceTest {

    private static final Lsn SNAPSHOT = Lsn.parse("0/5000000");

    @Test
    void slotPastTheSnapshotIsRefusedWithBothLsns() {
        SlotAdvance.Refuse refuse = assertInstanceOf(SlotAdvance.Refuse.class,
                SlotAdvance.decide("blue_green_slot_app", Lsn.parse("0/5000100"), SNAPSHOT));
        assertEquals("slot blue_green_slot_app is at 0/5000100, past the snapshot LSN 0/5000000: advancing would lose "
                + "changes; recreate the clone", refuse.message());
    }

    @Test
    void equalIsNothingToDoAndBehindAdvances() {
        assertInstanceOf(SlotAdvance.AlreadyThere.class, SlotAdvance.decide("s", SNAPSHOT, SNAPSHOT));
        assertEquals(new SlotAdvance.Advance(Lsn.parse("0/4FFFFFF"), SNAPSHOT),
                SlotAdvance.decide("s", Lsn.parse("0/4FFFFFF"), SNAPSHOT));
        assertEquals(new SlotAdvance.Advance(null, SNAPSHOT), SlotAdvance.decide("s", null, SNAPSHOT));
    }
}
