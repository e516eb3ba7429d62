package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.alert.Condition.Status;
import io.bluegreen.monitor.alert.Hysteresis.Transition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HysteresisTest {

    /** B = breaching, H = healthy, U = undecided; R = raise, C = clear, . = nothing. */
    @ParameterizedTest(name = "raiseAfter={0} clearAfter={1}: {2} -> {3}")
    @CsvSource({
            "1, 1, B,         R",
            "2, 2, B,         .",
            "2, 2, BB,        .R",
            "2, 2, BUB,       ...",
            "2, 2, BBBBB,     .R...",
            "2, 2, BBHH,      .R.C",
            "2, 2, BBHUH,     .R...",
            "2, 2, BBHBHH,    .R...C",
            "2, 2, HHHH,      ....",
            "1, 3, BHHHB,     R..CR",
            "2, 2, BBUUUUBB,  .R......",
            "1, 1, BHBHBH,    RCRCRC",
    })
    void decidesOnStreaks(int raiseAfter, int clearAfter, String statuses, String expected) {
        Hysteresis hysteresis = new Hysteresis(raiseAfter, clearAfter);
        Hysteresis.Track track = Hysteresis.Track.QUIET;
        List<String> out = new ArrayList<>();
        for (char c : statuses.toCharArray()) {
            Hysteresis.Step step = hysteresis.next(track, switch (c) {
                case 'B' -> Status.BREACHING;
                case 'H' -> Status.HEALTHY;
                default -> Status.UNDECIDED;
            });
            track = step.track();
            out.add(step.transition() == Transition.RAISE ? "R" : step.transition() == Transition.CLEAR ? "C" : ".");
        }
        assertEquals(expected, String.join("", out));
    }

    @ParameterizedTest
    @CsvSource({"H, .", "B, .", "HH, C"})
    void restoredRaisedAlertClearsButIsNotRaisedAgain(String statuses, String expectedLast) {
        Hysteresis hysteresis = new Hysteresis(1, 2);
        Hysteresis.Track track = Hysteresis.Track.RAISED;
        Transition last = Transition.NONE;
        for (char c : statuses.toCharArray()) {
            Hysteresis.Step step = hysteresis.next(track, c == 'B' ? Status.BREACHING : Status.HEALTHY);
            track = step.track();
            last = step.transition();
        }
        assertEquals(expectedLast, last == Transition.CLEAR ? "C" : last == Transition.RAISE ? "R" : ".");
    }
}
