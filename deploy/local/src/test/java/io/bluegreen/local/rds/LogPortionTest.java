package io.bluegreen.local.rds;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogPortionTest {

    private static final byte[] FILE = "one\ntwo\nthree\nfour\nfive\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void markerZeroPagesFromTheBeginningAndTheLastPageSaysNothingIsPending() {
        LogPortion first = LogPortion.of(FILE, Optional.of("0"), Optional.of(2));
        assertEquals("one\ntwo\n", first.data());
        assertTrue(first.pending());
        LogPortion second = LogPortion.of(FILE, Optional.of(first.marker()), Optional.of(2));
        assertEquals("three\nfour\n", second.data());
        assertTrue(second.pending());
        LogPortion last = LogPortion.of(FILE, Optional.of(second.marker()), Optional.of(2));
        assertEquals("five\n", last.data());
        assertFalse(last.pending());
        assertEquals(Integer.toString(FILE.length), last.marker());
    }

    @Test
    void withoutAMarkerThePageHoldsTheMostRecentLines() {
        LogPortion tail = LogPortion.of(FILE, Optional.empty(), Optional.of(2));
        assertEquals("four\nfive\n", tail.data());
        assertFalse(tail.pending());
    }

    @Test
    void aMarkerAtTheEndAnswersAnEmptyPage() {
        LogPortion end = LogPortion.of(FILE, Optional.of(Integer.toString(FILE.length)), Optional.empty());
        assertEquals("", end.data());
        assertFalse(end.pending());
    }

    @Test
    void multiByteCharactersAreNotSplitAcrossPages() {
        byte[] file = "été\nñandú\n".getBytes(StandardCharsets.UTF_8);
        LogPortion first = LogPortion.of(file, Optional.of("0"), Optional.of(1));
        LogPortion second = LogPortion.of(file, Optional.of(first.marker()), Optional.of(1));
        assertEquals("été\n", first.data());
        assertEquals("ñandú\n", second.data());
    }

    @Test
    void badMarkersAndLineCountsAreInvalidParameterValue() {
        assertEquals("InvalidParameterValue",
                assertThrows(RdsFault.class, () -> LogPortion.of(FILE, Optional.of("x"), Optional.empty())).code());
        assertEquals("InvalidParameterValue",
                assertThrows(RdsFault.class, () -> LogPortion.of(FILE, Optional.of("999"), Optional.empty())).code());
        assertEquals("InvalidParameterValue",
                assertThrows(RdsFault.class, () -> LogPortion.of(FILE, Optional.of("0"), Optional.of(0))).code());
    }
}
