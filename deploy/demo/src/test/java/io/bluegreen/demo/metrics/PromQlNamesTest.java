package io.bluegreen.demo.metrics;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PromQlNamesTest {

    @Test
    void namesFollowedByMatchersRangesOrNothingAreFoundAndTheRestIsNot() {
        assertEquals(Set.of("bluegreen_no_such_metric_total", "bluegreen_replication_lag_bytes", "up"),
                PromQlNames.of("sum by (step, reason) (rate(bluegreen_no_such_metric_total{step=~\"Fence.*\"}[5m])) "
                        + "> on(upgrade) group_left(database) bluegreen_replication_lag_bytes{database=\"app\"} * 2 or up"));
    }

    @Test
    void histogramSeriesKeepTheirSuffixAndGrafanaVariablesAreNoNames() {
        assertEquals(Set.of("bluegreen_switchover_write_unavailable_seconds_bucket"),
                PromQlNames.of("histogram_quantile(0.95, sum by (le) (increase("
                        + "bluegreen_switchover_write_unavailable_seconds_bucket{outcome=\"repointed\",x=~\"$upgrade\"}"
                        + "[$__range])))"));
        assertEquals(Set.of("a_seconds_sum", "a_seconds_count"),
                PromQlNames.of("sum(increase(a_seconds_sum[$__rate_interval])) / sum(increase(a_seconds_count[1h])) > 1e3"));
    }

    @Test
    void labelValuesNamesItsMetricNotItsLabel() {
        assertEquals(Set.of("bluegreen_replication_lag_bytes"),
                PromQlNames.of("label_values(bluegreen_replication_lag_bytes, upgrade)"));
    }

    @Test
    void aRuleWithoutOperatorsBetweenGroupingsStillYieldsOnlyMetrics() {
        assertEquals(Set.of("bluegreen_replication_retained_wal_bytes", "bluegreen_replication_safe_wal_size_bytes"),
                PromQlNames.of("max by (upgrade, database) (bluegreen_replication_retained_wal_bytes\n"
                        + "  / (bluegreen_replication_retained_wal_bytes + bluegreen_replication_safe_wal_size_bytes)) > 0.8"));
    }
}
