package io.bluegreen.monitor.alert;

/**
 * Raise after {@code raiseAfter} breaching samples in a row, clear after {@code clearAfter} healthy samples in a
 * row; an undecided sample (a value inside the band between the clear level and the threshold, or no data)
 * breaks both streaks and changes nothing else. So a value hovering at a threshold raises one alert, not a
 * storm, and each alert is raised once and cleared once. Pure.
 */
public record Hysteresis(int raiseAfter, int clearAfter) {

    public Hysteresis {
        if (raiseAfter < 1 || clearAfter < 1) {
            throw new IllegalArgumentException("raise-after and clear-after must be at least 1 sample, got "
                    + raiseAfter + " and " + clearAfter);
        }
    }

    /** Where one alert kind of one database stands. */
    public record Track(boolean raised, int breachingStreak, int healthyStreak) {
        public static final Track QUIET = new Track(false, 0, 0);
        public static final Track RAISED = new Track(true, 0, 0);
    }

    public enum Transition { NONE, RAISE, CLEAR }

    public record Step(Track track, Transition transition) {
    }

    public Step next(Track track, Condition.Status status) {
        return switch (status) {
            case BREACHING -> {
                int streak = track.breachingStreak() + 1;
                if (!track.raised() && streak >= raiseAfter) {
                    yield new Step(new Track(true, 0, 0), Transition.RAISE);
                }
                yield new Step(new Track(track.raised(), track.raised() ? 0 : streak, 0), Transition.NONE);
            }
            case HEALTHY -> {
                int streak = track.healthyStreak() + 1;
                if (track.raised() && streak >= clearAfter) {
                    yield new Step(new Track(false, 0, 0), Transition.CLEAR);
                }
                yield new Step(new Track(track.raised(), 0, track.raised() ? streak : 0), Transition.NONE);
            }
            case UNDECIDED -> new Step(new Track(track.raised(), 0, 0), Transition.NONE);
        };
    }
}
