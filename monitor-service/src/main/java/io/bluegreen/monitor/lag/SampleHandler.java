package io.bluegreen.monitor.lag;

import java.util.List;

/** Receives the samples of one upgrade taken in one tick (all its databases at once). */
@FunctionalInterface
public interface SampleHandler {

    void handle(WatchedUpgrade upgrade, List<ReplicationSample> samples);
}
