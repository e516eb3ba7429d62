package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ErrorClass;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.SqlErrorClassifier;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.common.DatabaseHandover;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.SwitchoverDatabase;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.bluegreen.schemas.result.SwitchoverProven;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole switchover of an upgrade in one command, so that no Kafka hop sits inside the fenced window:
 * <ol>
 *   <li>before the window: log in to Blue and Green for every database, measure the guardrails now (a failing
 *       guardrail answers {@code SwitchoverAbandoned} with the findings: nothing was fenced), and arm the fence
 *       (disarmed guards on every table);</li>
 *   <li>the window: engage the fence on every database, prove the drain with a marker, sync the sequences (and
 *       verify, when the plan verifies before repoint), each bounded by the command's deadline (statement
 *       timeouts included);</li>
 *   <li>keep Green's snapshot at the drain point for the verification after repoint, and answer
 *       {@code SwitchoverProven}: Green may take writes.</li>
 * </ol>
 * On any failure inside the window, or past the deadline, every database is unfenced before the answer
 * ({@code SwitchoverAbandoned{unfenced}}); the coordinator unfences again in any case, which also covers an agent
 * that died mid-window. A command that arrives after its deadline (a replay after a crash) fences nothing.
 */
public final class SwitchoverProgram {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchoverProgram.class);
    /** Less time than this left at the fence: do not start a window that cannot finish. */
    private static final Duration MIN_WINDOW = Duration.ofMillis(500);

    private final ReplicationAdmin admin;
    private final WriteFence fence;
    private final Guardrails guardrails;
    private final Drain drain;
    private final SequenceSync sequences;
    private final DataVerification verification;
    private final SnapshotKeeper snapshots;
    private final Clock clock;

    public SwitchoverProgram(ReplicationAdmin admin, WriteFence fence, Guardrails guardrails, Drain drain,
                             SequenceSync sequences, DataVerification verification, SnapshotKeeper snapshots, Clock clock) {
        this.admin = admin;
        this.fence = fence;
        this.guardrails = guardrails;
        this.drain = drain;
        this.sequences = sequences;
        this.verification = verification;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** The sessions of one database: Blue (the agent's own, allowed on a fenced Blue) and two on Green. */
    private static final class Sessions implements AutoCloseable {
        final SwitchoverDatabase database;
        PgSession blue;
        PgSession green;
        PgSession greenMarker;
        PgSession blueKept;
        PgSession greenKept;
        int blueKeptPid;
        SequenceSync.GreenSequences greenSequences;
        boolean kept;

        Sessions(SwitchoverDatabase database) {
            this.database = database;
        }

        String name() {
            return database.getBlue().getDatabase();
        }

        @Override
        public void close() {
            for (PgSession s : new PgSession[]{blue, green, greenMarker}) {
                if (s != null) {
                    s.close();
                }
            }
            if (!kept) {
                for (PgSession s : new PgSession[]{blueKept, greenKept}) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    public SpecificRecord run(StepContext ctx, RunSwitchover command) throws InterruptedException {
        Instant deadline = command.getDeadline();
        Map<String, Long> parts = new LinkedHashMap<>();
        if (!clock.instant().plus(MIN_WINDOW).isBefore(deadline)) {
            // a redelivery after a crash: an earlier delivery may have fenced Blue and died; release it now
            boolean released = releaseAll(command);
            return abandoned(ctx, FailureReason.TIMEOUT, "RunSwitchover arrived at " + clock.instant() + ", too close to or "
                    + "past its deadline " + deadline + ": this delivery fenced nothing" + (released
                    ? " and released any fence an earlier delivery left" : "; releasing an earlier delivery's fence failed here, "
                    + "the coordinator releases it again"), List.of(), null, released);
        }
        List<Sessions> all = new ArrayList<>();
        try {
            long began = System.nanoTime();
            for (SwitchoverDatabase db : command.getDatabases()) {
                Sessions s = new Sessions(db);
                all.add(s);
                s.blue = admin.open(db.getBlue());
                s.green = admin.open(db.getGreen());
                s.greenMarker = admin.open(db.getGreen());
                if (command.getKeepSnapshot()) {
                    s.greenKept = admin.open(db.getGreen());
                    s.blueKept = admin.open(db.getBlue()); // spared by the fence: see window()
                    s.blueKeptPid = (int) s.blueKept.number("SELECT pg_backend_pid()");
                }
            }
            parts.put("connect", millisSince(began));

            began = System.nanoTime();
            List<GuardrailFinding> findings = new ArrayList<>();
            for (Sessions s : all) {
                SwitchoverDatabase db = s.database;
                findings.addAll(guardrails.check(s.blue, s.green, db.getNames(), s.name(), new Guardrails.Limits(
                        command.getLagThresholdBytes(), command.getMaxTransactionAgeMs(), db.getApplyErrorsSeen(),
                        db.getSyncErrorsSeen())));
            }
            parts.put("guardrails", millisSince(began));
            if (!findings.isEmpty()) {
                return abandoned(ctx, FailureReason.PRECONDITION_FAILED, findings.size() + " guardrail(s) refused the fence: "
                        + String.join("; ", findings.stream().map(GuardrailFinding::getMessage).toList()), findings, null, false);
            }
            // arming takes a short lock per table: after the guardrails, so a refusal (a prepared transaction
            // holding a table, an old write transaction) is reported as such
            began = System.nanoTime();
            int tables = 0;
            for (Sessions s : all) {
                tables += fence.arm(s.blue);
            }
            parts.put("arm", millisSince(began));
            if (!clock.instant().plus(MIN_WINDOW).isBefore(deadline)) {
                return abandoned(ctx, FailureReason.TIMEOUT, "the guardrails and arming took until " + clock.instant()
                        + ", too close to the deadline " + deadline + ": nothing was fenced", List.of(), null, false);
            }
            for (Sessions s : all) {
                s.greenSequences = sequences.readGreen(s.green);
            }
            bound(all, deadline);
            return window(ctx, command, all, parts, tables);
        } catch (SQLException | RuntimeException e) {
            ErrorClass error = SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.OTHER);
            return abandoned(ctx, error.reason(), "before the fence, on " + where(all) + ": " + admin.redact(String.valueOf(
                    e.getMessage())) + "; nothing was fenced", List.of(), null, false);
        } finally {
            all.forEach(Sessions::close);
        }
    }

    /** Fence, drain, sequences (verify): the write-unavailable part. Blue is unfenced again on any failure. */
    private SpecificRecord window(StepContext ctx, RunSwitchover command, List<Sessions> all, Map<String, Long> parts,
                                  int tables) throws InterruptedException {
        Instant deadline = command.getDeadline();
        long deadlineNanos = System.nanoTime() + Duration.between(clock.instant(), deadline).toNanos();
        Instant fencedAt = clock.instant();
        List<Sessions> fenced = new ArrayList<>();
        try {
            long began = System.nanoTime();
            Map<String, WriteFence.Engaged> engaged = new LinkedHashMap<>();
            for (Sessions s : all) {
                fenced.add(s);
                // Blue's side of the verification after repoint was opened before the window and is spared: after
                // a rename Blue's old endpoint name reaches Green, so it cannot be opened later
                engaged.put(s.name(), fence.engage(s.blue, s.blueKept == null ? Set.of() : Set.of(s.blueKeptPid)));
            }
            parts.put("fence", millisSince(began));
            began = System.nanoTime();
            Map<String, Drain.Proof> proofs = new LinkedHashMap<>();
            for (Sessions s : all) {
                PgSession marker = s.greenMarker;
                s.greenMarker = null; // the drain owns and closes it
                proofs.put(s.name(), drain.proveWithMarker(s.blue, marker, s.database.getGreen(),
                        s.database.getNames().getSubscription(), ctx.commandId(), deadlineNanos));
            }
            parts.put("drain", millisSince(began));

            began = System.nanoTime();
            Map<String, Integer> synced = new LinkedHashMap<>();
            for (Sessions s : all) {
                synced.put(s.name(), sequences.syncOn(s.blue, s.green, s.greenSequences, command.getSequenceMargin())
                        .values().size());
            }
            parts.put("sequences", millisSince(began));

            Map<String, List<TableVerification>> verified = new LinkedHashMap<>();
            if (command.getVerifyMode() != null) {
                began = System.nanoTime();
                for (Sessions s : all) {
                    List<TableVerification> compared = verification.compare(s.blue, s.green,
                            command.getVerifyMode() == VerifyMode.CHECKSUM, detail -> { });
                    List<String> differ = compared.stream().filter(t -> !t.getMatched()).map(TableVerification::getTable).toList();
                    if (!differ.isEmpty()) {
                        throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Green does not match the fenced Blue in "
                                + s.name() + ": " + String.join(", ", differ));
                    }
                    verified.put(s.name(), compared);
                }
                parts.put("verify", millisSince(began));
            }

            Map<String, String> kept = new LinkedHashMap<>();
            if (command.getKeepSnapshot()) {
                began = System.nanoTime();
                for (Sessions s : all) {
                    kept.put(s.name(), snapshots.keep(ctx.upgradeId(), s.name(), s.greenKept, s.blueKept));
                    s.kept = true;
                }
                parts.put("snapshot", millisSince(began));
            }
            Instant provenAt = clock.instant();
            if (provenAt.isAfter(deadline)) {
                throw new StepFailure(FailureReason.TIMEOUT, true, "the proof was complete at " + provenAt
                        + ", after the deadline " + deadline);
            }
            List<DatabaseHandover> handovers = new ArrayList<>();
            for (Sessions s : all) {
                WriteFence.Engaged e = engaged.get(s.name());
                handovers.add(new DatabaseHandover(s.name(), e.fenceLsn().toString(), proofs.get(s.name()).lsn().toString(),
                        e.terminatedSessions(), synced.get(s.name()), e.tables(), kept.get(s.name()),
                        verified.get(s.name())));
            }
            SwitchoverProven proven = new SwitchoverProven();
            proven.setFencedAt(fencedAt);
            proven.setProvenAt(provenAt);
            proven.setDatabases(handovers);
            proven.setPartsMs(parts);
            LOG.info("Upgrade {}: switchover proven {} ms after the fence ({} table(s) guarded), parts {}", ctx.upgradeId(),
                    Duration.between(fencedAt, provenAt).toMillis(), tables, parts);
            return ctx.stamp(proven);
        } catch (SQLException | RuntimeException e) {
            ErrorClass error = e instanceof StepFailure ? null : SqlErrorClassifier.classify(e, SqlErrorClassifier.Intent.OTHER);
            FailureReason reason = e instanceof StepFailure refused ? refused.reason() : error.reason();
            if ("57014".equals(error == null ? null : error.sqlState())) {
                reason = FailureReason.TIMEOUT; // a statement cut off by the deadline
            }
            for (Sessions s : all) {
                if (s.kept) {
                    snapshots.release(ctx.upgradeId(), s.name());
                    s.kept = false;
                }
            }
            boolean unfenced = unfence(fenced);
            long fencedMs = Duration.between(fencedAt, clock.instant()).toMillis();
            return abandoned(ctx, reason, "inside the window, on " + where(all) + ": " + admin.redact(String.valueOf(
                    e.getMessage())) + (unfenced ? "; Blue was unfenced after " + fencedMs + " ms"
                    : "; unfencing Blue failed here, the coordinator unfences it again"), List.of(), fencedAt, unfenced);
        }
    }

    private boolean releaseAll(RunSwitchover command) {
        List<Sessions> all = command.getDatabases().stream().map(Sessions::new).toList();
        return unfence(all);
    }

    /** Releases the fence on every database fenced, on fresh sessions (the window's may be broken). */
    private boolean unfence(List<Sessions> fenced) {
        boolean all = true;
        for (Sessions s : fenced) {
            try (PgSession blue = admin.open(s.database.getBlue())) {
                fence.release(blue, true);
            } catch (SQLException | RuntimeException e) {
                all = false;
                LOG.error("Could not unfence {} after an aborted switchover: {}", s.name(), admin.redact(String.valueOf(
                        e.getMessage())));
            }
        }
        return all;
    }

    /** Every statement of the window ends by the deadline, whatever it waits for (set before the window). */
    private void bound(List<Sessions> all, Instant deadline) throws SQLException {
        long ms = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
        for (Sessions s : all) {
            for (PgSession session : new PgSession[]{s.blue, s.green, s.greenMarker}) {
                session.execute("SET statement_timeout = " + ms + "; SET lock_timeout = " + ms);
            }
        }
    }

    private SwitchoverAbandoned abandoned(StepContext ctx, FailureReason reason, String message, List<GuardrailFinding> findings,
                                          Instant fencedAt, boolean unfenced) {
        SwitchoverAbandoned result = new SwitchoverAbandoned();
        result.setReason(reason);
        result.setMessage(message);
        result.setFindings(findings);
        result.setFencedAt(fencedAt);
        result.setFencedMs(fencedAt == null ? null : Duration.between(fencedAt, clock.instant()).toMillis());
        result.setUnfenced(unfenced);
        LOG.warn("Upgrade {}: switchover abandoned ({}): {}", ctx.upgradeId(), reason, message);
        return ctx.stamp(result);
    }

    private static String where(List<Sessions> all) {
        return all.isEmpty() ? "no database yet" : String.join(", ", all.stream().map(Sessions::name).toList());
    }

    private static long millisSince(long began) {
        return Duration.ofNanos(System.nanoTime() - began).toMillis();
    }
}
