package io.bluegreen.demo.bench;

import java.util.Map;

/**
 * One upgrade of the benchmark: how it ended, its figures (null when the writers never reached both sides), what
 * Green holds against the acknowledgements (null when not checked), and the durability settings it ran with.
 */
record RunResult(int index, String blueIdentifier, String upgradeId, String finalPhase, String failure,
                 RunFigures figures, AckAccounting accounting, long seedRowsExpected, long seedRowsOnGreen,
                 String greenVersion, Map<String, String> blueSettings, Map<String, String> greenSettings,
                 SwitchoverTrace trace, double upgradeSeconds, double writingSeconds) {

    boolean completed() {
        return "COMPLETED".equals(finalPhase);
    }

    /**
     * Completed, the writers reached Green, and every acknowledged write (and every seed row) is on Green exactly once;
     * a failure recorded by the run (say, the server checked was not Green) fails it too.
     */
    boolean ok() {
        return completed() && failure == null && accounting != null && accounting.lost() == 0
                && accounting.duplicated() == 0 && seedRowsOnGreen == seedRowsExpected && figures != null
                && figures.acknowledgedOnGreen() > 0;
    }

    double windowMs() {
        return figures == null ? Double.NaN : figures.windowMs();
    }

    /** Acknowledged writes per second over the time the writers ran. */
    double achievedRate() {
        return figures == null || writingSeconds <= 0 ? Double.NaN : figures.acknowledged() / writingSeconds;
    }
}
