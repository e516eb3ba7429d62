package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.alert.Condition.Status;
import io.bluegreen.schemas.common.AlertKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertConditionsTest {

    private static final AlertSettings SETTINGS = new AlertSettings(10_000, 0.8, 2, 2, 12);

    @ParameterizedTest(name = "lag {0} with threshold 1000 -> {1}")
    @CsvSource({"0, HEALTHY", "800, HEALTHY", "801, UNDECIDED", "1000, UNDECIDED", "1001, BREACHING",
            "5000000, BREACHING"})
    void lagHasABandBetweenClearLevelAndThreshold(long lag, Status expected) {
        assertEquals(expected, AlertConditions.lag(new Samples().lag(lag).build(), SETTINGS).status());
    }

    @Test
    void lagIsUndecidedWhenBlueDoesNotAnswerOrTheSlotIsMissing() {
        assertEquals(Status.UNDECIDED, AlertConditions.lag(new Samples().lag(5000).blueDown().build(), SETTINGS).status());
        assertEquals(Status.UNDECIDED, AlertConditions.lag(new Samples().noSlot().build(), SETTINGS).status());
    }

    @ParameterizedTest(name = "enabled={0} alive={1} -> {2}")
    @CsvSource({"true, true, HEALTHY", "false, false, BREACHING", "true, false, BREACHING"})
    void workerDown(boolean enabled, boolean alive, Status expected) {
        Condition condition = AlertConditions.worker(new Samples().subscription(enabled, alive, 0, 0).build());
        assertEquals(expected, condition.status());
        if (!enabled) {
            assertTrue(condition.message().contains("ALTER SUBSCRIPTION sub_app ENABLE"), condition.message());
        }
    }

    @Test
    void aMissingSubscriptionIsAWorkerDownAndAnUnreachableGreenIsUndecided() {
        Condition missing = AlertConditions.worker(new Samples().noSubscription().build());
        assertEquals(Status.BREACHING, missing.status());
        assertTrue(missing.message().contains("does not exist"), missing.message());
        assertEquals(Status.UNDECIDED, AlertConditions.worker(new Samples().greenDown().build()).status());
    }

    @ParameterizedTest(name = "errors {0}+{1} after {2} -> {3}")
    @CsvSource({"0, 0, 0, HEALTHY", "1, 0, 0, BREACHING", "0, 1, 0, BREACHING", "3, 2, 5, HEALTHY",
            "3, 3, 5, BREACHING", "0, 0, 7, HEALTHY"})
    void errorsIncreasing(long apply, long sync, long previous, Status expected) {
        assertEquals(expected, AlertConditions.errors(new Samples().subscription(true, true, apply, sync).build(),
                previous).status());
    }

    @Test
    void errorsWithoutAPreviousCountAreUndecided() {
        assertEquals(Status.UNDECIDED, AlertConditions.errors(new Samples().subscription(true, true, 4, 0).build(),
                null).status());
    }

    @ParameterizedTest(name = "retained {0} wal_status {1} with limit 10000 -> {2}")
    @CsvSource({"100, reserved, HEALTHY", "8000, extended, HEALTHY", "9000, reserved, UNDECIDED",
            "10001, reserved, BREACHING", "100, unreserved, BREACHING", "100, lost, BREACHING"})
    void walRetention(long retained, String walStatus, Status expected) {
        assertEquals(expected, AlertConditions.wal(new Samples().retained(retained, walStatus).build(), SETTINGS)
                .status());
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(value = {"a, a, HEALTHY", "a, b, BREACHING", "a, null, UNDECIDED", "null, b, UNDECIDED"},
            nullValues = "null")
    void schemaDrift(String blue, String green, Status expected) {
        assertEquals(expected, AlertConditions.drift(new Samples().fingerprints(blue, green).build()).status());
    }

    @Test
    void unreachableSidesBreachAndNameTheServerWithoutSecrets() {
        Map<AlertKind, Condition> conditions = AlertConditions.of(new Samples().blueDown().build(), null, SETTINGS);
        Condition blue = conditions.get(AlertKind.BLUE_UNREACHABLE);
        assertEquals(Status.BREACHING, blue.status());
        assertTrue(blue.message().contains("blue.example:5432") && blue.message().contains("08001"), blue.message());
        assertEquals(Status.HEALTHY, conditions.get(AlertKind.GREEN_UNREACHABLE).status());
        assertEquals(Status.UNDECIDED, conditions.get(AlertKind.WAL_RETENTION_DANGER).status());
    }
}
