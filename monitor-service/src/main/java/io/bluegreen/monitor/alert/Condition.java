package io.bluegreen.monitor.alert;

/**
 * What one sample says about one alert kind: breaching (it should be raised), healthy (it may clear) or
 * undecided (no data, or a value inside the hysteresis band: nothing moves).
 */
public record Condition(Status status, Double value, Double threshold, String message) {

    public enum Status { BREACHING, HEALTHY, UNDECIDED }

    public static Condition breaching(Double value, Double threshold, String message) {
        return new Condition(Status.BREACHING, value, threshold, message);
    }

    public static Condition healthy(Double value) {
        return new Condition(Status.HEALTHY, value, null, null);
    }

    public static Condition undecided(Double value) {
        return new Condition(Status.UNDECIDED, value, null, null);
    }
}
