package io.bluegreen.aws.step;

import java.time.Duration;

/**
 * How the aws-agent works.
 *
 * @param pollInterval    pause between two looks at a resource that is still changing
 * @param stepTimeout     longest time a step may wait in all before it fails with TIMEOUT
 * @param logLinesPerPage lines asked per DownloadDBLogFilePortion call
 */
public record AgentSettings(Duration pollInterval, Duration stepTimeout,
                            int logLinesPerPage) {
}
