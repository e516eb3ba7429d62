package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.EndpointsSwapped;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.ReplicationDrained;
import io.bluegreen.schemas.result.SequencesSynced;
import io.bluegreen.schemas.result.SlotAdvanced;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.SubscriptionCreated;
import io.bluegreen.schemas.result.SwitchoverProven;
import io.bluegreen.schemas.result.WritesFenced;
import org.apache.avro.specific.SpecificRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a typed success result into the summary and details a {@code StepCompleted} event records: what the
 * audit trail shows and what later steps read back from the state.
 */
public final class Details {

    public static final String GREEN_IDENTIFIER = "greenIdentifier";
    public static final String GREEN_HOST = "greenHost";
    public static final String GREEN_PORT = "greenPort";
    public static final String GREEN_ENGINE_VERSION = "greenEngineVersion";
    public static final String SNAPSHOTS = "snapshots";
    public static final String SNAPSHOT_LSN = "snapshotLsn";
    public static final String SNAPSHOT_LSN_METHOD = "snapshotLsnMethod";
    public static final String WRITER_HOST = "writerHost";
    public static final String WRITER_PORT = "writerPort";
    public static final String FENCED_AT = "fencedAt";
    public static final String PROVEN_AT = "provenAt";

    /** A summary line and details. */
    public record Summary(String summary, Map<String, String> details) {
    }

    private Details() {
    }

    public static Summary of(SpecificRecord result) {
        Map<String, String> d = new LinkedHashMap<>();
        String summary;
        if (result instanceof ClusterReady r) {
            d.put(GREEN_IDENTIFIER, r.getCluster().getIdentifier());
            putIfPresent(d, GREEN_HOST, r.getCluster().getHost());
            putIfPresent(d, GREEN_PORT, r.getCluster().getPort());
            putIfPresent(d, GREEN_ENGINE_VERSION, r.getEngineVersion());
            if (!r.getSnapshots().isEmpty()) {
                d.put(SNAPSHOTS, String.join(",", r.getSnapshots()));
            }
            summary = "Green " + r.getCluster().getIdentifier() + " is available at " + r.getCluster().getHost() + ":"
                    + r.getCluster().getPort();
        } else if (result instanceof EngineUpgraded r) {
            d.put(GREEN_IDENTIFIER, r.getCluster().getIdentifier());
            putIfPresent(d, GREEN_HOST, r.getCluster().getHost());
            putIfPresent(d, GREEN_PORT, r.getCluster().getPort());
            d.put(GREEN_ENGINE_VERSION, r.getEngineVersion());
            summary = "Green runs " + r.getEngineVersion();
        } else if (result instanceof SnapshotLsnCaptured r) {
            d.put(SNAPSHOT_LSN, r.getLsn());
            d.put(SNAPSHOT_LSN_METHOD, r.getMethod().name());
            summary = "snapshot LSN " + r.getLsn() + " (" + r.getMethod() + ")";
        } else if (result instanceof PreflightCompleted r) {
            d.put("passed", Boolean.toString(r.getPassed()));
            d.put("findings", Integer.toString(r.getFindings().size()));
            summary = "preflight " + (r.getPassed() ? "passed" : "found blocking problems") + " with "
                    + r.getFindings().size() + " finding(s)";
        } else if (result instanceof SlotAdvanced r) {
            d.put("slot", r.getSlot());
            d.put("toLsn", r.getToLsn());
            summary = "slot " + r.getSlot() + " at " + r.getToLsn();
        } else if (result instanceof SubscriptionCreated r) {
            d.put("subscription", r.getSubscription());
            d.putAll(r.getOptions());
            summary = "subscription " + r.getSubscription() + " created";
        } else if (result instanceof WritesFenced r) {
            d.put("fenceLsn", r.getFenceLsn());
            d.put("terminatedSessions", Integer.toString(r.getTerminatedSessions()));
            summary = "writes fenced on " + r.getDatabase() + " at " + r.getFenceLsn();
        } else if (result instanceof ReplicationDrained r) {
            d.put("drainedLsn", r.getLsn());
            d.put("drainWaitedMs", Long.toString(r.getWaitedMs()));
            summary = "drained to " + r.getLsn() + " in " + r.getWaitedMs() + " ms";
        } else if (result instanceof SequencesSynced r) {
            d.put("sequences", Integer.toString(r.getCount()));
            summary = r.getCount() + " sequence(s) synced";
        } else if (result instanceof DataVerified r) {
            d.put("matched", Boolean.toString(r.getMatched()));
            d.put("tables", Integer.toString(r.getTables().size()));
            summary = r.getTables().size() + " table(s) verified, " + (r.getMatched() ? "all match" : "MISMATCH");
        } else if (result instanceof SwitchoverProven r) {
            d.put(FENCED_AT, Long.toString(r.getFencedAt().toEpochMilli()));
            d.put(PROVEN_AT, Long.toString(r.getProvenAt().toEpochMilli()));
            r.getPartsMs().forEach((part, ms) -> d.put("part." + part, Long.toString(ms)));
            r.getDatabases().forEach(db -> {
                d.put("drainedLsn|" + db.getDatabase(), db.getDrainedLsn());
                d.put("sequences|" + db.getDatabase(), Integer.toString(db.getSequences()));
                d.put("terminatedSessions|" + db.getDatabase(), Integer.toString(db.getTerminatedSessions()));
            });
            long fenced = r.getProvenAt().toEpochMilli() - r.getFencedAt().toEpochMilli();
            summary = "Blue fenced and drained, sequences synced on " + r.getDatabases().size() + " database(s): proven "
                    + fenced + " ms after the fence";
        } else if (result instanceof EndpointsSwapped r) {
            d.put(WRITER_HOST, r.getWriterHost());
            d.put(WRITER_PORT, Integer.toString(r.getWriterPort()));
            d.put("identifier", r.getIdentifier());
            summary = "writer endpoint " + r.getWriterHost() + ":" + r.getWriterPort() + " reaches Green";
        } else if (result instanceof StepSucceeded r) {
            d.putAll(r.getDetails());
            summary = r.getSummary() + (r.getAlreadyDone() ? " (already done)" : "");
        } else {
            summary = result.getSchema().getName();
        }
        return new Summary(summary, d);
    }

    private static void putIfPresent(Map<String, String> details, String key, Object value) {
        if (value != null) {
            details.put(key, value.toString());
        }
    }
}
