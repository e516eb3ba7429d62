package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.EndpointsSwapped;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.OldBlueRetired;
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

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The codec between a typed success result and the {@code StepCompleted} event that records it. The released event
 * keeps what a step produced as a string map ({@code details}); {@link #of} writes it from the typed result and
 * {@link #read} reads it back, once, into the typed state ({@link UpgradeValues}, one {@link DatabaseState} per
 * database), keyed by the step that was dispatched and its database. Nothing else reads the map.
 */
public final class Details {

    private static final String GREEN_IDENTIFIER = "greenIdentifier";
    private static final String GREEN_HOST = "greenHost";
    private static final String GREEN_PORT = "greenPort";
    private static final String GREEN_ENGINE_VERSION = "greenEngineVersion";
    private static final String SNAPSHOTS = "snapshots";
    private static final String SNAPSHOT_LSN = "snapshotLsn";
    private static final String SNAPSHOT_LSN_METHOD = "snapshotLsnMethod";
    private static final String WRITER_HOST = "writerHost";
    private static final String WRITER_PORT = "writerPort";
    private static final String OLD_BLUE_IDENTIFIER = "oldBlueIdentifier";
    private static final String OLD_BLUE_HOST = "oldBlueHost";
    private static final String OLD_BLUE_PORT = "oldBluePort";
    private static final String FENCED_AT = "fencedAt";
    private static final String PROVEN_AT = "provenAt";
    private static final String SLOT_LSN = "toLsn";
    private static final String SUBSCRIPTION = "subscription";
    private static final String DRAINED_LSN = "drainedLsn";
    private static final String SEQUENCES = "sequences";
    private static final String TERMINATED_SESSIONS = "terminatedSessions";

    /** The typed state after a step's details were read. */
    record Read(UpgradeValues values, Map<String, DatabaseState> databases) {
    }

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
            if (!r.getDroppedParameters().isEmpty()) {
                d.put("droppedParameters", String.join(",", r.getDroppedParameters()));
            }
            summary = "Green runs " + r.getEngineVersion() + (r.getDroppedParameters().isEmpty() ? ""
                    : "; Blue's parameters " + r.getDroppedParameters() + " do not exist in the target family and were left out");
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
            d.put(SLOT_LSN, r.getToLsn());
            summary = "slot " + r.getSlot() + " at " + r.getToLsn();
        } else if (result instanceof SubscriptionCreated r) {
            d.put(SUBSCRIPTION, r.getSubscription());
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
                d.put(DRAINED_LSN + "|" + db.getDatabase(), db.getDrainedLsn());
                d.put(SEQUENCES + "|" + db.getDatabase(), Integer.toString(db.getSequences()));
                d.put(TERMINATED_SESSIONS + "|" + db.getDatabase(), Integer.toString(db.getTerminatedSessions()));
            });
            long fenced = r.getProvenAt().toEpochMilli() - r.getFencedAt().toEpochMilli();
            summary = "Blue fenced and drained, sequences synced on " + r.getDatabases().size() + " database(s): proven "
                    + fenced + " ms after the fence";
        } else if (result instanceof EndpointsSwapped r) {
            d.put(WRITER_HOST, r.getWriterHost());
            d.put(WRITER_PORT, Integer.toString(r.getWriterPort()));
            d.put("identifier", r.getIdentifier());
            putIfPresent(d, OLD_BLUE_IDENTIFIER, r.getOldBlueIdentifier());
            putIfPresent(d, OLD_BLUE_HOST, r.getOldBlueHost());
            putIfPresent(d, OLD_BLUE_PORT, r.getOldBluePort());
            summary = "writer endpoint " + r.getWriterHost() + ":" + r.getWriterPort() + " reaches Green"
                    + (r.getOldBlueIdentifier() == null ? "" : "; old Blue is " + r.getOldBlueIdentifier()
                    + (r.getOldBlueHost() == null ? "" : " at " + r.getOldBlueHost() + ":" + r.getOldBluePort()));
        } else if (result instanceof OldBlueRetired r) {
            d.put("identifier", r.getIdentifier());
            d.put("finalSnapshot", r.getFinalSnapshotIdentifier());
            summary = "old Blue " + r.getIdentifier() + " is deleted; its final snapshot " + r.getFinalSnapshotIdentifier()
                    + " is available" + (r.getAlreadyDone() ? " (already done)" : "");
        } else if (result instanceof StepSucceeded r) {
            d.putAll(r.getDetails());
            summary = r.getSummary() + (r.getAlreadyDone() ? " (already done)" : "");
        } else {
            summary = result.getSchema().getName();
        }
        return new Summary(summary, d);
    }

    /** The typed state after {@code dispatch}'s step completed with {@code details}. */
    static Read read(Dispatch dispatch, Map<String, String> details, UpgradeValues values,
                     Map<String, DatabaseState> databases) {
        Map<String, DatabaseState> dbs = new LinkedHashMap<>(databases);
        UpgradeValues v = values;
        switch (dispatch.step()) {
            case CLONE_CLUSTER, UPGRADE_ENGINE -> {
                UpgradeValues.Green green = v.green();
                String snapshots = details.get(SNAPSHOTS);
                v = v.withGreen(new UpgradeValues.Green(
                        or(details.get(GREEN_IDENTIFIER), green.identifier()),
                        or(details.get(GREEN_HOST), green.host()),
                        or(details.get(GREEN_PORT), green.port().map(String::valueOf)).map(Integer::valueOf),
                        or(details.get(GREEN_ENGINE_VERSION), green.engineVersion()),
                        snapshots == null || snapshots.isBlank() ? green.snapshots() : List.of(snapshots.split(","))));
            }
            case READ_SNAPSHOT_LSN, READ_SNAPSHOT_LSN_FROM_LOG -> {
                if (details.containsKey(SNAPSHOT_LSN)) {
                    v = v.withSnapshotLsn(details.get(SNAPSHOT_LSN), SnapshotLsnMethod.valueOf(details.get(SNAPSHOT_LSN_METHOD)));
                }
            }
            case ADVANCE_SLOT -> {
                if (details.containsKey(SLOT_LSN)) {
                    dbs.computeIfPresent(dispatch.database(), (db, s) -> s.withSlotAdvancedTo(details.get(SLOT_LSN)));
                }
            }
            case CREATE_SUBSCRIPTION, ADVANCE_ORIGIN -> {
                if (details.containsKey(SUBSCRIPTION)) {
                    dbs.computeIfPresent(dispatch.database(), (db, s) -> s.withSubscription(details.get(SUBSCRIPTION)));
                }
            }
            case RUN_SWITCHOVER -> {
                if (details.containsKey(FENCED_AT) && details.containsKey(PROVEN_AT)) {
                    v = v.withProof(Instant.ofEpochMilli(Long.parseLong(details.get(FENCED_AT))),
                            Instant.ofEpochMilli(Long.parseLong(details.get(PROVEN_AT))));
                }
                dbs.replaceAll((db, s) -> details.containsKey(DRAINED_LSN + "|" + db)
                        ? s.withHandover(details.get(DRAINED_LSN + "|" + db),
                        Integer.parseInt(details.getOrDefault(SEQUENCES + "|" + db, "0")),
                        Integer.parseInt(details.getOrDefault(TERMINATED_SESSIONS + "|" + db, "0")))
                        : s);
            }
            case SWAP_ENDPOINTS -> {
                if (details.containsKey(WRITER_HOST)) {
                    v = v.withWriter(new UpgradeValues.Endpoint(details.get(WRITER_HOST),
                            Integer.parseInt(details.get(WRITER_PORT))));
                }
                if (details.containsKey(OLD_BLUE_IDENTIFIER)) {
                    Optional<UpgradeValues.Endpoint> endpoint = details.containsKey(OLD_BLUE_HOST) && details.containsKey(OLD_BLUE_PORT)
                            ? Optional.of(new UpgradeValues.Endpoint(details.get(OLD_BLUE_HOST),
                            Integer.parseInt(details.get(OLD_BLUE_PORT)))) : Optional.empty();
                    v = v.withOldBlue(new UpgradeValues.OldBlue(details.get(OLD_BLUE_IDENTIFIER), endpoint));
                }
            }
            default -> {
                // the step changes state only; its details are for the audit trail
            }
        }
        return new Read(v, dbs);
    }

    private static Optional<String> or(String value, Optional<String> before) {
        return value == null ? before : Optional.of(value);
    }

    private static void putIfPresent(Map<String, String> details, String key, Object value) {
        if (value != null) {
            details.put(key, value.toString());
        }
    }
}
