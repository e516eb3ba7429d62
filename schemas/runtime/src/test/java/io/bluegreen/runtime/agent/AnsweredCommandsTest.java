package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnsweredCommandsTest {

    private final AnsweredCommands answered = new AnsweredCommands(2);

    private static SpecificRecord answer(String commandId) {
        return new StepSucceeded("upg", commandId, "FenceWrites", 1, Instant.now(), "done", false, Map.of());
    }

    @Test
    void aCommandIdInFlightIsNotClaimedTwiceAndItsSecondDeliveryGetsTheFirstAnswer() throws Exception {
        assertInstanceOf(AnsweredCommands.Claim.Claimed.class, answered.claim("c1"));
        AnsweredCommands.Claim.Running running = assertInstanceOf(AnsweredCommands.Claim.Running.class, answered.claim("c1"));
        assertFalse(running.answer().isDone());
        SpecificRecord first = answer("c1");
        answered.finish("c1", Optional.of(first));
        assertSame(first, running.answer().get().orElseThrow());
        assertSame(first, assertInstanceOf(AnsweredCommands.Claim.Answered.class, answered.claim("c1")).answer());
    }

    @Test
    void aRunStoppedWithoutAnAnswerIsNotRememberedSoTheNextDeliveryRunsIt() throws Exception {
        answered.claim("c2");
        AnsweredCommands.Claim.Running waiting = (AnsweredCommands.Claim.Running) answered.claim("c2");
        answered.finish("c2", Optional.empty());
        assertTrue(waiting.answer().get().isEmpty());
        assertInstanceOf(AnsweredCommands.Claim.Claimed.class, answered.claim("c2"));
    }

    @Test
    void onlyTheLatestAnswersAreKept() {
        for (String id : new String[]{"a", "b", "c"}) {
            answered.claim(id);
            answered.finish(id, Optional.of(answer(id)));
        }
        assertInstanceOf(AnsweredCommands.Claim.Claimed.class, answered.claim("a"), "the eldest was forgotten");
        assertEquals("c", ((StepSucceeded) ((AnsweredCommands.Claim.Answered) answered.claim("c")).answer()).getCausationId());
    }
}
