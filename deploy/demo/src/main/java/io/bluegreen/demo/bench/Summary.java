package io.bluegreen.demo.bench;

import java.util.Collection;
import java.util.Optional;

/** Minimum, median and maximum of a figure over the runs; the median of an even count is the mean of the middle two. */
record Summary(double min, double median, double max, int count) {

    /** Ignores NaN (a run that did not measure the figure); empty when nothing was measured. */
    static Optional<Summary> of(Collection<? extends Number> values) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Optional.empty();
        }
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
        return Optional.of(new Summary(sorted[0], median, sorted[sorted.length - 1], sorted.length));
    }
}
