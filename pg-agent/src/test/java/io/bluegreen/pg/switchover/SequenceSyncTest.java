package io.bluegreen.pg.switchover;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SequenceSyncTest {

    @Test
    void marginGoesTheWayTheSequenceMoves() {
        assertEquals(new SequenceSync.Target(4342, true),
                SequenceSync.target(new SequenceSync.BlueSequence("public", "up", 4242L, 1, 1), 100));
        assertEquals(new SequenceSync.Target(-142, true),
                SequenceSync.target(new SequenceSync.BlueSequence("public", "down", -42L, -1, -1), 100));
    }

    @Test
    void aSequenceBlueNeverUsedIsResetToItsStart() {
        assertEquals(new SequenceSync.Target(1000, false),
                SequenceSync.target(new SequenceSync.BlueSequence("public", "unused", null, 1000, 1), 100));
    }
}
