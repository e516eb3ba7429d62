package io.bluegreen.demo.bench;

import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of the switchover benchmark: statistics, ack accounting, the window and its parts. */
class SwitchoverFiguresTest {

    // ------------------------------------------------------------------ min / median / max

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        Summary s = Summary.of(List.of(300.0, 120.5, 180.25, 90.0, 500.0)).orElseThrow();
        assertEquals(90.0, s.min());
        assertEquals(180.25, s.median());
        assertEquals(500.0, s.max());
        assertEquals(5, s.count());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwoNotRounded() {
        Summary s = Summary.of(List.of(250.001, 4.0, 250.002, 1000.0)).orElseThrow();
        assertEquals(250.0015, s.median(), 1e-9);
        assertEquals("0", Json.number(0.0));
        assertEquals("-1.75", Json.number(-1.75));
        assertEquals("250.0015", Json.number(s.median()));
    }

    @Test
    void runsThatDidNotMeasureAFigureAreLeftOut() {
        assertEquals(7.0, Summary.of(List.of(Double.NaN, 7.0)).orElseThrow().median());
        assertTrue(Summary.of(List.of(Double.NaN)).isEmpty());
        assertTrue(Summary.of(List.<Double>of()).isEmpty());
    }

    // ------------------------------------------------------------------ lost / duplicated

    @Test
    void everyAcknowledgedKeyOnGreenOnceIsNeitherLostNorDuplicated() {
        long[] acked = {k(1, 1), k(1, 2), k(2, 1)};
        AckAccounting a = AckAccounting.of(acked, new long[]{k(2, 1), k(1, 2), k(1, 1)});
        assertEquals(3, a.acknowledged());
        assertEquals(0, a.lost());
        assertEquals(0, a.duplicated());
        assertEquals(0, a.unacknowledgedPresent());
    }

    @Test
    void anAcknowledgedKeyMissingOnGreenIsLost() {
        AckAccounting a = AckAccounting.of(new long[]{k(1, 1), k(1, 2), k(2, 7)}, new long[]{k(1, 1)});
        assertEquals(2, a.lost());
        assertEquals(List.of("w1#2", "w2#7"), a.lostSample());
    }

    @Test
    void aKeyTwiceOnGreenIsDuplicatedWhetherAcknowledgedOrNot() {
        AckAccounting a = AckAccounting.of(new long[]{k(1, 1)}, new long[]{k(1, 1), k(1, 1), k(1, 1), k(2, 5), k(2, 5)});
        assertEquals(2, a.duplicated());
        assertEquals(0, a.lost());
        assertEquals(1, a.unacknowledgedPresent(), "w2#5 failed for its client but committed");
        assertEquals(List.of("w1#1 x3", "w2#5 x2"), a.duplicatedSample());
    }

    @Test
    void aFailedAttemptThatCommittedIsNeitherLostNorDuplicated() {
        AckAccounting a = AckAccounting.of(new long[]{k(1, 1)}, new long[]{k(1, 1), k(1, 2)});
        assertEquals(0, a.lost());
        assertEquals(0, a.duplicated());
        assertEquals(1, a.unacknowledgedPresent());
    }

    @Test
    void aKeyAcknowledgedTwiceIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AckAccounting.of(new long[]{k(1, 1), k(1, 1)}, new long[0]));
    }

    @Test
    void keysKeepWriterAndSequenceApart() {
        long key = WriteKeys.of(2, 123_456_789_012L);
        assertEquals(2, WriteKeys.writer(key));
        assertEquals(123_456_789_012L, WriteKeys.seq(key));
        assertTrue(WriteKeys.of(1, Long.MAX_VALUE >>> 24) < WriteKeys.of(2, 0));
    }

    // ------------------------------------------------------------------ window and parts

    private static final long T = 1_790_000_000_000L; // epoch ms, the fence

    @Test
    void windowIsFirstGreenAckMinusLastBlueAckOverEveryWriter() {
        List<Attempt> attempts = List.of(
                Attempt.acknowledged(1, 1, us(T - 10), us(T - 8), Server.BLUE),
                Attempt.acknowledged(2, 1, us(T - 5), us(T - 2) + 250, Server.BLUE),     // last on Blue: T-1.75 ms
                Attempt.failed(1, 2, us(T + 1), us(T + 3), Server.BLUE, "57P01"),
                Attempt.failed(2, 2, us(T + 2), us(T + 4), Server.UNKNOWN, "08001"),
                Attempt.acknowledged(2, 3, us(T + 30), us(T + 41) + 500, Server.GREEN),   // first on Green: T+41.5 ms
                Attempt.acknowledged(1, 3, us(T + 40), us(T + 45), Server.GREEN));
        RunFigures f = RunFigures.of(attempts, -1, SwitchoverTrace.of(List.of()));
        assertEquals(43.25, f.windowMs(), 1e-9);
        assertEquals(2, f.failedAttempts());
        assertEquals(2, f.failedInWindow());
        assertEquals(2, f.acknowledgedOnBlue());
        assertEquals(2, f.acknowledgedOnGreen());
        assertEquals(Map.of("08001", 1L, "57P01", 1L), f.errors());
        assertEquals(0, f.blueAcksAfterFirstGreen());
    }

    @Test
    void noWindowWithoutAnAcknowledgementOnBothSides() {
        RunFigures f = RunFigures.of(List.of(Attempt.acknowledged(1, 1, us(T), us(T + 1), Server.BLUE)), -1,
                SwitchoverTrace.of(List.of()));
        assertTrue(Double.isNaN(f.windowMs()));
        assertTrue(Summary.of(List.of(f.windowMs())).isEmpty());
    }

    @Test
    void partsLineUpTheAgentsProofThePublicationAndTheWriters() {
        List<SpecificRecord> trail = List.of(
                runSwitchoverCompleted(T, T + 20, Map.of("part.guardrails", "3", "part.arm", "1", "part.fence", "2",
                        "part.drain", "9", "part.sequences", "3", "part.verify", "2")),
                endpointChanged(T + 24, T));
        long switchedAt = us(T + 27) + 400;
        List<Attempt> attempts = List.of(
                Attempt.acknowledged(1, 1, us(T - 3), us(T - 1), Server.BLUE),
                Attempt.failed(2, 1, us(T + 27) + 500, us(T + 27) + 900, Server.BLUE, "57P01"),
                Attempt.acknowledged(1, 2, us(T + 28), us(T + 35), Server.GREEN, 5_250));
        RunFigures f = RunFigures.of(attempts, switchedAt, SwitchoverTrace.of(trail));
        assertEquals(1, f.failedAfterSwitch(), "a write on Blue in flight when the endpoint moved");
        assertEquals(36.0, f.windowMs(), 1e-9);
        Map<String, Double> parts = f.partsMs();
        assertEquals(List.of("arm", "guardrails", "fence", "drain", "sequences", "verify", "fencedToProven",
                "fencedUnattributed", "provenToPublished", "publishedToSwitched", "switchedToFirstGreenAck", "firstGreenAckConnect",
                "fenceToLastBlueAck"),
                List.copyOf(parts.keySet()));
        assertEquals(9.0, parts.get("drain"));
        assertEquals(20.0, parts.get("fencedToProven"));
        assertEquals(4.0, parts.get("fencedUnattributed"), "20 ms fenced, 16 of them in fence, drain, sequences, verify");
        assertEquals(4.0, parts.get("provenToPublished"));
        assertEquals(3.4, parts.get("publishedToSwitched"), 1e-9);
        assertEquals(7.6, parts.get("switchedToFirstGreenAck"), 1e-9);
        assertEquals(5.25, parts.get("firstGreenAckConnect"), 1e-9);
        assertEquals(-1.0, parts.get("fenceToLastBlueAck"), 1e-9);
        // the parts from the fence on add up to the window, less the time Blue's last write came before the fence
        double fromFence = parts.get("fencedToProven") + parts.get("provenToPublished") + parts.get("publishedToSwitched")
                + parts.get("switchedToFirstGreenAck");
        assertEquals(f.windowMs(), fromFence - parts.get("fenceToLastBlueAck"), 1e-9);
    }

    @Test
    void aBlueAcknowledgementAfterTheFenceOrGreensFirstIsCounted() {
        List<SpecificRecord> trail = List.of(runSwitchoverCompleted(T, T + 20, Map.of()));
        List<Attempt> attempts = List.of(
                Attempt.acknowledged(1, 1, us(T + 2), us(T + 3), Server.BLUE),
                Attempt.acknowledged(2, 1, us(T + 1), us(T + 2), Server.GREEN),
                Attempt.acknowledged(1, 2, us(T + 4), us(T + 5), Server.GREEN));
        RunFigures f = RunFigures.of(attempts, -1, SwitchoverTrace.of(trail));
        assertEquals(1, f.blueAcksStartedAfterFence());
        assertEquals(1, f.blueAcksAfterFirstGreen());
        assertEquals(-1.0, f.windowMs(), 1e-9, "a negative window: both sides took writes at once");
    }

    @Test
    void theLastSwitchoverAttemptIsTheOneMeasured() {
        List<SpecificRecord> trail = List.of(
                runSwitchoverCompleted(T, T + 900, Map.of("part.drain", "800")),
                runSwitchoverCompleted(T + 5000, T + 5030, Map.of("part.drain", "12")));
        SwitchoverTrace trace = SwitchoverTrace.of(trail);
        assertEquals(T + 5000, trace.fencedAtMs());
        assertEquals(Map.of("drain", 12.0), trace.agentPartsMs());
        assertFalse(trace.agentPartsMs().containsKey("guardrails"));
    }

    @Test
    void jsonNumbersAreWrittenAsMeasured() {
        assertEquals("{\"windowMs\":{\"min\":250.001,\"max\":12},\"lost\":0,\"runs\":[\"a\\\"b\",null,true]}",
                Json.write(ordered()));
    }

    private static Map<String, Object> ordered() {
        Map<String, Object> window = new java.util.LinkedHashMap<>();
        window.put("min", 250.001);
        window.put("max", 12.0);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("windowMs", window);
        json.put("lost", 0L);
        json.put("runs", java.util.Arrays.asList("a\"b", null, true));
        return json;
    }

    @Test
    void optionsDefaultToFiveEventRunsAt500WritesPerSecond() {
        BenchmarkOptions o = BenchmarkOptions.parse();
        assertEquals(5, o.runs());
        assertEquals(500, o.rate());
        assertEquals(BenchmarkOptions.Repoint.EVENT, o.repoint());
        assertEquals(200_000, o.seedRows());
        assertFalse(o.json());
        assertEquals(4_000_000L, o.intervalNanos(2), "two writers at 250 writes/s each");
        BenchmarkOptions full = BenchmarkOptions.parse("--rate", "0", "--repoint=rename", "--output", "json", "--runs", "10",
                "--json-file", "target/bench.json", "--verify-before-repoint");
        assertTrue(full.verifyBeforeRepoint());
        assertFalse(o.verifyBeforeRepoint());
        assertEquals(java.nio.file.Path.of("target/bench.json"), full.jsonFile());
        assertEquals(0, full.intervalNanos(2));
        assertEquals("rename", full.repoint().planValue());
        assertTrue(full.json());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--repoint", "dns"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse("--runs", "0"));
    }

    private static long k(int writer, long seq) {
        return WriteKeys.of(writer, seq);
    }

    private static long us(long epochMs) {
        return epochMs * 1000;
    }

    private static StepCompleted runSwitchoverCompleted(long fencedAt, long provenAt, Map<String, String> parts) {
        Map<String, String> details = new java.util.HashMap<>(parts); // no order, as Avro decodes a map
        details.put("fencedAt", Long.toString(fencedAt));
        details.put("provenAt", Long.toString(provenAt));
        return StepCompleted.newBuilder().setUpgradeId("upg-1").setEventId("e-" + provenAt).setOccurredAt(
                Instant.ofEpochMilli(provenAt + 1)).setStep("RunSwitchover").setSummary("proven").setDetails(details).build();
    }

    private static WriterEndpointChanged endpointChanged(long occurredAt, long fencedAt) {
        return WriterEndpointChanged.newBuilder().setUpgradeId("upg-1").setEventId("e-endpoint")
                .setOccurredAt(Instant.ofEpochMilli(occurredAt)).setPreviousHost("127.0.0.1").setPreviousPort(5001)
                .setHost("127.0.0.1").setPort(5002).setDatabases(List.of("app")).setMethod(RepointMethod.EVENT)
                .setFencedAt(Instant.ofEpochMilli(fencedAt)).build();
    }
}
