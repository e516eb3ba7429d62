package io.bluegreen.demo.fleet;

import io.bluegreen.demo.fleet.FleetFigures.Distribution;
import io.bluegreen.schemas.common.UpgradePhase;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fleet run's figures.
 *
 * @param wallTimeMs          from the first request sent to the last completion (to the end of waiting when some
 *                            never completed)
 * @param steadyHops          input acknowledged -> next command received, without the hops the kill interrupted
 * @param steadyDecided       their first part: input acknowledged -> the command's record timestamp (queueing for the
 *                            coordinator, and deciding)
 * @param steadyDelivered     their second part: the command's record timestamp -> received (commit and delivery)
 * @param agentDelay          how long the simulated agents took to answer (zero: at once)
 * @param killHops            the hops whose input was acknowledged before the kill and whose command came after it
 * @param heapBeforeBytes     the surviving coordinator's live heap before the requests (null when jcmd failed)
 * @param killed              the instance killed, null when none was
 * @param killedAtCompleted   completions when it was killed
 * @param orphanedPartitions  partitions the killed instance owned
 * @param toTakeOver          those of them with an unfinished upgrade at the kill (the others had nothing to resume)
 * @param unfinishedAtKill    unfinished upgrades per partition at the kill
 * @param ownership           how they were worked out
 * @param takeoverFirstMs     kill -> first command (produced after the kill) on one of {@code toTakeOver}; when no
 *                            command came there (the new owner only had completions to record), its first event;
 *                            null when neither came
 * @param takeoverBasis       {@code command} or {@code event}: what {@code takeoverFirstMs} was timed on
 * @param takeoverAllMs       kill -> every one of {@code toTakeOver} had an event produced after the kill (a new
 *                            owner deciding there: a partition whose upgrades only had to complete sends no command);
 *                            null when one never had
 * @param resumedAfterKillMs  per partition, kill -> its first command produced after the kill
 * @param decidedAfterKillMs  per partition, kill -> its first event produced after the kill
 */
record FleetResult(int upgrades, int coordinators, int partitions, int completed, int failed, long wallTimeMs,
                   long phaseTransitions, Distribution steadyHops, Distribution steadyDecided,
                   Distribution steadyDelivered, java.time.Duration agentDelay, Distribution killHops, Distribution allHops,
                   String heapInstance, Long heapBeforeBytes, Long heapAfterBytes,
                   String killed, int killedAtCompleted, Set<Integer> orphanedPartitions, Set<Integer> toTakeOver,
                   Map<Integer, Integer> unfinishedAtKill, String ownership,
                   Long takeoverFirstMs, String takeoverBasis, Long takeoverAllMs, Map<Integer, Long> resumedAfterKillMs,
                   Map<Integer, Long> decidedAfterKillMs,
                   long commandsReceived, long repeatedCommandIds, long extraReceipts, long resentRecorded,
                   long unexplainedDuplicates, long lagSamples, long undecodable, long sendFailures,
                   Map<UpgradePhase, Integer> unfinishedByPhase, String loadBefore, String loadAfter, int cores,
                   Path logs, List<String> problems) {

    double phaseTransitionsPerSecond() {
        return wallTimeMs == 0 ? 0 : phaseTransitions * 1000.0 / wallTimeMs;
    }

    /** (after - before) / upgrades; null when either heap figure is missing. */
    Long heapPerUpgradeBytes() {
        return heapBeforeBytes == null || heapAfterBytes == null ? null : (heapAfterBytes - heapBeforeBytes) / upgrades;
    }
}
