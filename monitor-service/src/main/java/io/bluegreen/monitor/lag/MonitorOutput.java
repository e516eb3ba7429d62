package io.bluegreen.monitor.lag;

import io.bluegreen.monitor.alert.AlertChange;

/** Where samples and alerts go (the lag and alerts topics); implemented in {@code messaging}. */
public interface MonitorOutput {

    void sampled(ReplicationSample sample);

    void alert(AlertChange change);
}
