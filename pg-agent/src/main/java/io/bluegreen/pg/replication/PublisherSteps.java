package io.bluegreen.pg.replication;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.schemas.Lsn;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.SlotAdvanced;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Steps on Blue, the publisher: publication (before the slot, PITFALLS 8), the logical slot, the snapshot LSN,
 * the slot advance of the seed, and their undo.
 */
public final class PublisherSteps {

    private final ReplicationAdmin admin;

    public PublisherSteps(ReplicationAdmin admin) {
        this.admin = admin;
    }

    public SpecificRecord createPublication(StepContext ctx, CreatePublication command) throws SQLException {
        String publication = command.getNames().getPublication();
        try (PgSession blue = admin.open(command.getTarget())) {
            Catalog.ensureMarkerTable(blue);
            boolean existed = Catalog.publicationExists(blue, publication);
            if (!existed) {
                try {
                    blue.execute(Sql.createPublication(publication, command.getTables()));
                } catch (SQLException e) {
                    if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.CREATE).kind() != ErrorClass.Kind.ALREADY_DONE) {
                        throw e;
                    }
                    existed = true;
                }
                blue.execute("COMMENT ON PUBLICATION " + Sql.ident(publication) + " IS "
                        + Sql.literal("bluegreen upgrade " + ctx.upgradeId()));
            }
            boolean allTables = blue.exists("SELECT 1 FROM pg_publication WHERE pubname = ? AND puballtables", publication);
            if (!allTables && !blue.exists("SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? "
                    + "AND tablename = ?", publication, ObjectNames.SCHEMA, ObjectNames.MARKER_TABLE)) {
                blue.execute("ALTER PUBLICATION " + Sql.ident(publication) + " ADD TABLE " + Catalog.markerTable());
            }
            long tables = blue.number("SELECT count(*) FROM pg_publication_tables WHERE pubname = ?", publication);
            return ctx.succeeded((existed ? "publication " + publication + " already exists on "
                            : "created publication " + publication + " on ") + blue.where(), existed,
                    Map.of("publication", publication, "allTables", Boolean.toString(allTables),
                            "tables", Long.toString(tables)));
        }
    }

    public SpecificRecord createSlot(StepContext ctx, CreateSlot command) throws SQLException {
        String slot = command.getNames().getSlot();
        String publication = command.getNames().getPublication();
        try (PgSession blue = admin.open(command.getTarget())) {
            if (!Catalog.publicationExists(blue, publication)) {
                throw new StepFailure(FailureReason.WRONG_STATE, false, "publication " + publication + " does not exist on "
                        + blue.where() + ": create it before slot " + slot
                        + " (decoding from the slot needs the publication in its history); send CreatePublication first");
            }
            Optional<Catalog.Slot> existing = Catalog.slot(blue, slot);
            if (existing.isPresent()) {
                return existingSlot(ctx, blue, existing.get(), command.getTarget().getDatabase());
            }
            try {
                String lsn = blue.text("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')", slot);
                return ctx.succeeded("created logical slot " + slot + " (pgoutput) at " + lsn + " on " + blue.where(), false,
                        Map.of("slot", slot, "lsn", lsn));
            } catch (SQLException e) {
                if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.CREATE).kind() != ErrorClass.Kind.ALREADY_DONE) {
                    throw e;
                }
                return existingSlot(ctx, blue, Catalog.slot(blue, slot).orElseThrow(() -> e), command.getTarget().getDatabase());
            }
        }
    }

    private static SpecificRecord existingSlot(StepContext ctx, PgSession blue, Catalog.Slot slot, String database) {
        if (!"pgoutput".equals(slot.plugin()) || !database.equals(slot.database())) {
            throw new StepFailure(FailureReason.CONFLICT, false, "slot " + slot.name() + " already exists on "
                    + blue.where() + " but is a " + slot.plugin() + " slot of database " + slot.database()
                    + ", not a pgoutput slot of " + database + ": drop it or choose another name prefix");
        }
        String lsn = String.valueOf(slot.confirmedFlush());
        return ctx.succeeded("logical slot " + slot.name() + " already exists on " + blue.where() + " at " + lsn, true,
                Map.of("slot", slot.name(), "lsn", lsn));
    }

    public SpecificRecord readSnapshotLsn(StepContext ctx, ReadSnapshotLsn command) throws SQLException {
        SnapshotLsnMethod method = command.getMethod();
        try (PgSession session = admin.open(command.getTarget())) {
            String lsn;
            List<String> evidence;
            switch (method) {
                case AURORA_FUNCTION -> {
                    lsn = Lsn.parse(session.text("SELECT aurora_volume_logical_start_lsn()::text")).toString();
                    evidence = List.of("aurora_volume_logical_start_lsn() = " + lsn + " on " + session.where());
                }
                case CURRENT_LSN_FENCED -> {
                    FenceCheck.State fence = FenceCheck.read(session);
                    if (!fence.fenced()) {
                        throw new StepFailure(FailureReason.WRONG_STATE, false, "pg_current_wal_lsn() of "
                                + session.where() + " is the snapshot LSN only while Blue's writes are fenced, and "
                                + fence.describe() + ": send FenceWrites first (or use another method)");
                    }
                    lsn = session.currentWalLsn().toString();
                    evidence = List.of("pg_current_wal_lsn() = " + lsn + " on " + session.where() + " while "
                            + fence.describe());
                }
                default -> throw new StepFailure(FailureReason.INVALID_REQUEST, false, "snapshot LSN method " + method
                        + " is not read by SQL: the aws-agent reads STARTUP_LOG (ReadSnapshotLsnFromLog)");
            }
            SnapshotLsnCaptured result = new SnapshotLsnCaptured();
            result.setLsn(lsn);
            result.setMethod(method);
            result.setEvidence(evidence);
            return ctx.stamp(result);
        }
    }

    public SpecificRecord advanceSlot(StepContext ctx, AdvanceSlot command) throws SQLException {
        String slotName = command.getNames().getSlot();
        Lsn target = parseLsn(command.getLsn());
        try (PgSession blue = admin.open(command.getTarget())) {
            Catalog.Slot slot = Catalog.slot(blue, slotName).orElseThrow(() -> new StepFailure(FailureReason.NOT_FOUND,
                    false, "slot " + slotName + " does not exist on " + blue.where() + ": send CreateSlot first"));
            SlotAdvance.Decision decision = SlotAdvance.decide(slotName, slot.confirmedFlush(), target);
            if (decision instanceof SlotAdvance.Refuse refuse) {
                throw new StepFailure(FailureReason.DATA_LOSS_RISK, false, refuse.message());
            }
            if (decision instanceof SlotAdvance.AlreadyThere) {
                return ctx.succeeded("slot " + slotName + " is already at " + target + " on " + blue.where(), true,
                        Map.of("slot", slotName, "lsn", target.toString()));
            }
            Lsn current = blue.currentWalLsn();
            if (target.isAfter(current)) {
                throw new StepFailure(FailureReason.INVALID_REQUEST, false, "snapshot LSN " + target + " is past "
                        + blue.where() + "'s current WAL position " + current + ": it cannot be a position of this Blue; "
                        + "check where the LSN was read");
            }
            String end = blue.text("SELECT end_lsn::text FROM pg_replication_slot_advance(?, ?::pg_lsn)", slotName,
                    target.toString());
            SlotAdvanced result = new SlotAdvanced();
            result.setSlot(slotName);
            result.setFromLsn(slot.confirmedFlush() == null ? null : slot.confirmedFlush().toString());
            result.setToLsn(Lsn.parse(end).toString());
            return ctx.stamp(result);
        }
    }

    public SpecificRecord dropPublicationAndSlot(StepContext ctx, DropPublicationAndSlot command) throws SQLException {
        String publication = command.getNames().getPublication();
        String slot = command.getNames().getSlot();
        try (PgSession blue = admin.open(command.getTarget())) {
            boolean hadPublication = Catalog.publicationExists(blue, publication);
            if (hadPublication) {
                blue.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(publication));
            }
            boolean hadSlot = Catalog.slot(blue, slot).isPresent();
            if (hadSlot) {
                try {
                    blue.execute("SELECT pg_drop_replication_slot(" + Sql.literal(slot) + ")");
                } catch (SQLException e) {
                    if (SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.DROP).kind() != ErrorClass.Kind.ALREADY_DONE) {
                        throw e; // 55006: a walsender still streams from it, retried with backoff
                    }
                }
            }
            Catalog.dropHelperSchemaIfEmpty(blue);
            boolean nothing = !hadPublication && !hadSlot;
            return ctx.succeeded(nothing ? "publication " + publication + " and slot " + slot + " are already gone from "
                            + blue.where() : "dropped " + (hadPublication ? "publication " + publication + " " : "")
                            + (hadSlot ? "slot " + slot + " " : "") + "on " + blue.where(), nothing,
                    Map.of("publicationDropped", Boolean.toString(hadPublication), "slotDropped", Boolean.toString(hadSlot)));
        }
    }

    static Lsn parseLsn(String text) {
        try {
            return Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, e.getMessage());
        }
    }
}
