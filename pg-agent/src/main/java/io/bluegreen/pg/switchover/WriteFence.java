package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.Catalog;
import io.bluegreen.pg.replication.FenceCheck;
import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.Lsn;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.WritesFenced;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fences writes on one Blue database so that nothing commits there after the drain point, whoever the writer
 * and whatever its session settings. The fence is armed before the window and engaged inside it:
 * <ol>
 *   <li><b>arm</b> (before the window, writes unaffected): each user table and partition gets a statement-level
 *       trigger {@value ObjectNames#FENCE_TRIGGER} ({@code BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE},
 *       {@code ENABLE ALWAYS}, so {@code session_replication_role = replica} does not skip it) calling the one
 *       function {@code bluegreen.write_guard()}, whose body is a no-op while disarmed. Each table is guarded in
 *       its own short transaction with a short {@code lock_timeout}, retried, so a busy table never queues
 *       writers for long. A guard a table owner disabled is enabled again. The database also gets an event
 *       trigger {@value ObjectNames#DDL_GUARD_TRIGGER} ({@code ddl_command_start}, {@code ENABLE ALWAYS}) and a
 *       random operator token in {@code bluegreen.fence_operator}, readable by the agent's role only;</li>
 *   <li><b>engage</b> (the window starts; nothing is locked or written per table): one transaction,
 *       sent in one round trip, replaces the guard function's body by one that raises
 *       {@code 25006 read_only_sql_transaction} (PL/pgSQL re-reads a replaced function in every session, so every
 *       guard refuses from the commit on), engages the DDL guard (every DDL statement is refused unless the
 *       session presents the operator token in {@value ObjectNames#OPERATOR_SETTING}: nobody may disable or drop
 *       a guard or create an unguarded table) and revokes the large-object write functions from PUBLIC in this
 *       database (they touch no user table). Then it terminates every other client session of the database
 *       (walsenders are left alone, PITFALLS 20) and waits until they have left {@code pg_stat_activity}
 *       (termination is asynchronous, PITFALLS 17): a transaction that wrote before the commit cannot commit
 *       after it. It refuses while a prepared transaction of the database exists ({@code COMMIT PREPARED}
 *       would write without firing any trigger): checked before anything changes and again after the
 *       terminations, when it releases the fence again. A table still without an enabled guard (created or
 *       disabled after the last arm) is guarded inside the window; one aggregate over the catalog finds them
 *       (about 2 ms at 1,000 tables: the one read that grows with the tables). Last, it sets the database's
 *       {@code default_transaction_read_only}, which {@link FenceCheck} reads as the mark of a finished engage;</li>
 *   <li><b>release</b> (writes allowed at once, also independent of the number of tables): the no-op bodies
 *       again, the large-object functions granted back, the read-only default reset. Without
 *       {@code keepGuards}, every fence object is then removed, each table in its own short transaction.</li>
 * </ol>
 * The agent's own sessions pass the DDL guard: {@link io.bluegreen.pg.replication.JdbcReplicationAdmin} (and
 * this class) set {@value ObjectNames#OPERATOR_SETTING} from the token when a Blue session opens. A superuser
 * can always undo the fence; it holds against every other role, table owners included.
 */
public final class WriteFence {

    /** What engaging did: sessions terminated, Blue's WAL position once fenced, tables guarded. */
    public record Engaged(int terminatedSessions, Lsn fenceLsn, int tables) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriteFence.class);
    private static final Duration ARM_LOCK_TIMEOUT = Duration.ofMillis(100);
    private static final int ARM_PASSES = 6;
    private static final Duration WINDOW_LOCK_TIMEOUT = Duration.ofSeconds(2);
    private static final int WINDOW_ATTEMPTS = 5;
    private static final String GUARD = Sql.helper(ObjectNames.FENCE_FUNCTION) + "()";
    private static final String DDL_GUARD = Sql.helper(ObjectNames.DDL_GUARD_FUNCTION) + "()";
    private static final String TOKEN = Sql.helper(ObjectNames.OPERATOR_TOKEN);
    private static final String REVOKES = Sql.helper(ObjectNames.LARGE_OBJECT_REVOKES);

    /**
     * The fence's objects and surroundings as the catalogs show them, in one query; a body is null when its
     * function does not exist.
     */
    private record Objects(boolean schema, boolean token, String guardBody, String ddlGuardBody, boolean ddlTrigger,
                           boolean ddlTriggerOurs, String ddlTriggerEnabled, boolean largeObjectRecord, boolean readOnly,
                           String database, int prepared, boolean largeObjectsRevocable) {

        boolean engaged() {
            return Sql.GUARD_ENGAGED.equals(guardBody) && Sql.DDL_GUARD_ENGAGED.equals(ddlGuardBody)
                    && ddlTriggerOurs && "A".equals(ddlTriggerEnabled) && readOnly;
        }
    }

    private static final String OBJECTS = "SELECT to_regnamespace(" + Sql.literal(Sql.ident(ObjectNames.SCHEMA)) + ") IS NOT NULL, "
            + "to_regclass(" + Sql.literal(TOKEN) + ") IS NOT NULL, "
            + "(SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(" + Sql.literal(GUARD) + ")), "
            + "(SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(" + Sql.literal(DDL_GUARD) + ")), "
            + "e.oid IS NOT NULL, e.evtfoid IS NOT DISTINCT FROM to_regprocedure(" + Sql.literal(DDL_GUARD) + ") "
            + "AND e.evtevent = 'ddl_command_start', e.evtenabled::text, "
            + "to_regclass(" + Sql.literal(REVOKES) + ") IS NOT NULL, "
            + "EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            + "WHERE d.datname = current_database() AND s.setrole = 0 AND 'default_transaction_read_only=on' = ANY (s.setconfig)), "
            + "current_database(), "
            + "(SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()), "
            // GRANT and REVOKE act only for the functions' owner (or a member of it); others get a mere warning
            + "coalesce((SELECT bool_and(pg_has_role(current_user, p.proowner, 'USAGE')) FROM pg_proc p WHERE p.oid IN ("
            + String.join(", ", Sql.LARGE_OBJECT_WRITES.stream().map(f -> Sql.literal("pg_catalog." + f) + "::regprocedure").toList())
            + ")), false) "
            + "FROM (SELECT 1) one LEFT JOIN pg_event_trigger e ON e.evtname = " + Sql.literal(ObjectNames.DDL_GUARD_TRIGGER);

    /** Of the given large-object functions, those PUBLIC may execute in this database. */
    private static final String PUBLIC_FUNCTIONS = "SELECT s FROM unnest(?::text[]) s WHERE EXISTS (SELECT 1 FROM pg_proc p, "
            + "aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE p.oid = ('pg_catalog.' || s)::regprocedure "
            + "AND a.grantee = 0 AND a.privilege_type = 'EXECUTE')";

    private static final String GUARDED_TRIGGERS = "SELECT n.nspname, c.relname FROM pg_trigger t "
            + "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE t.tgfoid = to_regprocedure(" + Sql.literal(GUARD) + ") ORDER BY 1, 2";

    private final ReplicationAdmin admin;
    private final Duration terminationTimeout;

    public WriteFence(ReplicationAdmin admin, Duration terminationTimeout) {
        this.admin = admin;
        this.terminationTimeout = terminationTimeout;
    }

    // ---- the command entry points ----

    /** {@link #arm} then {@link #engage}: answers {@code WritesFenced}, or already done when it was engaged. */
    public SpecificRecord fence(StepContext ctx, FenceWrites command) throws SQLException, InterruptedException {
        String database = command.getTarget().getDatabase();
        try (PgSession blue = admin.open(command.getTarget())) {
            operatorSession(blue);
            install(blue, objects(blue), true);
            List<FenceCheck.Gap> left = armTables(blue);
            if (!left.isEmpty()) {
                LOG.info("{} table(s) of {} were busy while arming; they are guarded inside the window", left.size(), blue.where());
            }
            Outcome outcome = engageNow(blue, Set.of());
            String lsn = outcome.engaged().fenceLsn().toString();
            if (outcome.wasEngaged() && outcome.engaged().terminatedSessions() == 0 && outcome.guardedInWindow() == 0) {
                return ctx.succeeded(blue.where() + " is already fenced at " + lsn, true,
                        Map.of("database", database, "fenceLsn", lsn, "terminatedSessions", "0",
                                "tables", Integer.toString(outcome.engaged().tables())));
            }
            WritesFenced result = new WritesFenced();
            result.setDatabase(database);
            result.setTerminatedSessions(outcome.engaged().terminatedSessions());
            result.setFenceLsn(lsn);
            return ctx.stamp(result);
        }
    }

    /** {@link #release} with the command's {@code keepGuards}. */
    public SpecificRecord unfence(StepContext ctx, UnfenceWrites command) throws SQLException {
        String database = command.getTarget().getDatabase();
        boolean keepGuards = Boolean.TRUE.equals(command.getKeepGuards());
        try (PgSession blue = admin.open(command.getTarget())) {
            boolean changed = releaseNow(blue, keepGuards);
            return ctx.succeeded(!changed ? blue.where() + " was not fenced"
                            : "writes to " + blue.where() + " are allowed again" + (keepGuards
                            ? "; the disarmed guards stay for the next fence" : "; every fence object is removed")
                            + " (sessions opened during the fence were ended: they reconnect writable)",
                    !changed, Map.of("database", database, "keepGuards", Boolean.toString(keepGuards)));
        }
    }

    // ---- the three operations ----

    /**
     * Before the window: installs whatever guard is missing, disarmed (no effect on writes), each table in its
     * own short transaction (short {@code lock_timeout}, retried); enables a guard a table owner disabled.
     * Idempotent. Fails (retryable) when some table stayed locked through every retry.
     *
     * @return the number of tables guarded
     */
    public int arm(PgSession blue) throws SQLException {
        operatorSession(blue);
        install(blue, objects(blue), true);
        List<FenceCheck.Gap> left = armTables(blue);
        if (!left.isEmpty()) {
            throw new StepFailure(FailureReason.TIMEOUT, true, left.size() + " table(s) of " + blue.where()
                    + " stayed locked through " + ARM_PASSES + " attempts with lock_timeout " + ARM_LOCK_TIMEOUT.toMillis()
                    + " ms (" + names(left) + "): arm again; engaging guards them inside the window otherwise");
        }
        return FenceCheck.counts(blue).guarded();
    }

    /**
     * The window starts here; nothing is locked or written per table: engages every guard at once, terminates
     * every other client session of the database (not walsenders) and waits until they are gone, refuses (naming
     * the gids) while a prepared transaction of the database exists, guards a table left unguarded since the
     * last arm, and sets the read-only default.
     */
    public Engaged engage(PgSession blue) throws SQLException, InterruptedException {
        return engage(blue, Set.of());
    }

    /**
     * {@link #engage(PgSession)}, sparing the agent's own sessions with these backend pids (opened before the
     * window for work after it, such as the verification's read of the fenced Blue).
     */
    public Engaged engage(PgSession blue, Set<Integer> spared) throws SQLException, InterruptedException {
        operatorSession(blue);
        return engageNow(blue, spared).engaged();
    }

    /**
     * Writes allowed again at once, at a cost independent of the number of tables: guards disarmed, large-object
     * functions granted back, read-only default reset. {@code keepGuards = false} then removes every fence
     * object. Idempotent; a database that was never fenced is left as it is.
     */
    public void release(PgSession blue, boolean keepGuards) throws SQLException {
        releaseNow(blue, keepGuards);
    }

    /** A custom database setting holding when the read-only default was set (epoch seconds). */
    static final String FENCED_SINCE = ObjectNames.SCHEMA + ".fenced_since";

    // ---- arm ----

    /** The agent's session: read-write whatever the database default, presenting the operator token. */
    private static void operatorSession(PgSession blue) throws SQLException {
        blue.execute("SET default_transaction_read_only = off");
        blue.execute(Sql.presentOperator());
    }

    private static Objects objects(PgSession blue) throws SQLException {
        return blue.first(OBJECTS, rs -> new Objects(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3),
                rs.getString(4), rs.getBoolean(5), rs.getBoolean(6), rs.getString(7), rs.getBoolean(8), rs.getBoolean(9),
                rs.getString(10), rs.getInt(11), rs.getBoolean(12))).orElseThrow();
    }

    /**
     * Creates what is missing: the schema, the operator token, both functions (disarmed), the event trigger, and
     * (while disarmed) the record of the large-object functions to revoke, refreshed when asked (arm) or else
     * only when missing. Whether it changed anything.
     */
    private static boolean install(PgSession blue, Objects found, boolean refreshRecord) throws SQLException {
        boolean changed = false;
        if (!found.schema()) {
            blue.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(ObjectNames.SCHEMA));
            changed = true;
        }
        if (!found.token()) {
            blue.execute(Sql.createOperatorToken());
            // only the agent's role may read it, whatever default privileges would grant
            blue.execute("REVOKE ALL ON " + TOKEN + " FROM PUBLIC");
            for (String grantee : blue.list("SELECT DISTINCT a.grantee::regrole::text FROM pg_class c, aclexplode(c.relacl) a "
                    + "WHERE c.oid = to_regclass(?) AND a.grantee NOT IN (0, c.relowner)", rs -> rs.getString(1), TOKEN)) {
                blue.execute("REVOKE ALL ON " + TOKEN + " FROM " + grantee);
            }
            blue.execute(Sql.presentOperator());
            changed = true;
        }
        boolean guardEngaged = Sql.GUARD_ENGAGED.equals(found.guardBody());
        if (!guardEngaged && !Sql.GUARD_DISARMED.equals(found.guardBody())) {
            blue.execute(Sql.guardFunction(Sql.GUARD_DISARMED));
            blue.execute("REVOKE ALL ON FUNCTION " + GUARD + " FROM PUBLIC");
            changed = true;
        }
        if (!Sql.DDL_GUARD_ENGAGED.equals(found.ddlGuardBody()) && !Sql.DDL_GUARD_DISARMED.equals(found.ddlGuardBody())) {
            blue.execute(Sql.ddlGuardFunction(Sql.DDL_GUARD_DISARMED));
            blue.execute("REVOKE ALL ON FUNCTION " + DDL_GUARD + " FROM PUBLIC");
            changed = true;
        }
        try {
            if (found.ddlTrigger() && !found.ddlTriggerOurs()) {
                blue.execute("DROP EVENT TRIGGER " + Sql.ident(ObjectNames.DDL_GUARD_TRIGGER));
            }
            if (!found.ddlTriggerOurs()) {
                blue.execute(Sql.createDdlGuardTrigger());
            }
            if (!"A".equals(found.ddlTriggerEnabled()) || !found.ddlTriggerOurs()) {
                blue.execute(Sql.enableDdlGuardAlways());
                changed = true;
            }
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new StepFailure(FailureReason.PERMISSION_DENIED, false, "cannot create event trigger "
                        + ObjectNames.DDL_GUARD_TRIGGER + " on " + blue.where() + " (" + e.getMessage() + "): without it a "
                        + "table owner could disable the fence; run the pg-agent as a superuser (rds_superuser on RDS)");
            }
            throw e;
        }
        if (!guardEngaged && (refreshRecord || !found.largeObjectRecord())) {
            changed |= recordLargeObjectFunctions(blue, found);
        }
        return changed;
    }

    /**
     * While disarmed: records which large-object write functions PUBLIC may execute now, the ones engaging
     * revokes and releasing grants back. A role that may not revoke them records none and says so.
     */
    private static boolean recordLargeObjectFunctions(PgSession blue, Objects found) throws SQLException {
        List<String> open = publicFunctions(blue, Sql.LARGE_OBJECT_WRITES);
        if (!found.largeObjectsRevocable() && !open.isEmpty()) {
            LOG.warn("large-object writes will stay possible in {} while it is fenced: the role {} may not revoke EXECUTE "
                            + "on {} from PUBLIC (only their owner or a superuser may); large objects are not replicated "
                            + "either way, so such writes would be lost with Blue", blue.where(),
                    blue.text("SELECT current_user"), open);
            open = List.of();
        }
        if (found.largeObjectRecord() && Set.copyOf(recordedFunctions(blue)).equals(Set.copyOf(open))) {
            return false;
        }
        blue.execute("DROP MATERIALIZED VIEW IF EXISTS " + REVOKES);
        blue.execute(Sql.recordLargeObjectFunctions(open));
        return true;
    }

    private static List<String> publicFunctions(PgSession blue, List<String> signatures) throws SQLException {
        return blue.list(PUBLIC_FUNCTIONS, rs -> rs.getString(1),
                blue.connection().createArrayOf("text", signatures.toArray()));
    }

    private static List<String> recordedFunctions(PgSession blue) throws SQLException {
        return blue.list("SELECT signature FROM " + REVOKES, rs -> rs.getString(1));
    }

    /** Guards every table that needs it, each in its own transaction, retrying busy ones; those left over. */
    private static List<FenceCheck.Gap> armTables(PgSession blue) throws SQLException {
        List<FenceCheck.Gap> gaps = FenceCheck.gaps(blue);
        long backoffMs = 50;
        for (int pass = 1; pass <= ARM_PASSES && !gaps.isEmpty(); pass++) {
            List<FenceCheck.Gap> busy = new ArrayList<>();
            for (FenceCheck.Gap gap : gaps) {
                try {
                    guard(blue, gap, ARM_LOCK_TIMEOUT);
                } catch (SQLException e) {
                    if ("55P03".equals(e.getSQLState())) { // lock_not_available: writers are busy on it, come back later
                        busy.add(gap);
                    } else if (!"42P01".equals(e.getSQLState())) { // undefined_table: dropped meanwhile, nothing to guard
                        throw e;
                    }
                }
            }
            gaps = busy;
            if (!gaps.isEmpty() && pass < ARM_PASSES) {
                sleep(backoffMs);
                backoffMs *= 2;
            }
        }
        return gaps;
    }

    /** One table's guard in one short transaction: (re)created when missing or foreign, enabled always. */
    private static void guard(PgSession blue, FenceCheck.Gap gap, Duration lockTimeout) throws SQLException {
        List<String> statements = new ArrayList<>();
        if (gap.trigger() && !gap.ours()) {
            statements.add(Sql.dropTrigger(gap.schema(), gap.table(), ObjectNames.FENCE_TRIGGER));
        }
        if (!gap.trigger() || !gap.ours()) {
            statements.add(Sql.createFenceTrigger(gap.schema(), gap.table(), ObjectNames.FENCE_TRIGGER,
                    Sql.helper(ObjectNames.FENCE_FUNCTION)));
        }
        statements.add(Sql.enableTriggerAlways(gap.schema(), gap.table(), ObjectNames.FENCE_TRIGGER));
        inTransaction(blue, lockTimeout, statements);
    }

    // ---- engage ----

    private record Outcome(Engaged engaged, boolean wasEngaged, int guardedInWindow) {
    }

    /**
     * Engages in one transaction (one round trip): both guards' refusing bodies, the large-object revokes. Then
     * terminations, the prepared-transaction check, the guards of tables left unguarded, and last the read-only
     * default: {@link FenceCheck} takes it as the mark of a finished engage.
     */
    private Outcome engageNow(PgSession blue, Set<Integer> spared) throws SQLException, InterruptedException {
        Objects found = objects(blue);
        if (install(blue, found, false)) {
            found = objects(blue);
        }
        boolean wasEngaged = found.engaged();
        if (found.prepared() > 0) {
            refuseWhilePrepared(blue, wasEngaged ? "Blue stays fenced" : "The fence was not engaged: Blue stays writable");
        }
        List<String> statements = new ArrayList<>();
        if (!Sql.GUARD_ENGAGED.equals(found.guardBody())) {
            statements.add(Sql.guardFunction(Sql.GUARD_ENGAGED));
        }
        if (!Sql.DDL_GUARD_ENGAGED.equals(found.ddlGuardBody())) {
            statements.add(Sql.ddlGuardFunction(Sql.DDL_GUARD_ENGAGED));
        }
        List<String> largeObjects = found.largeObjectRecord() ? recordedFunctions(blue) : List.of();
        if (!largeObjects.isEmpty()) {
            statements.add(Sql.revokeFromPublic(largeObjects));
        }
        if (!statements.isEmpty()) {
            inTransaction(blue, Duration.ofSeconds(5), statements);
        }
        int terminated = terminateOthers(blue, spared);
        try {
            refuseWhilePrepared(blue, wasEngaged ? "Blue stays fenced" : "The fence was released again: Blue is writable");
        } catch (StepFailure refused) {
            if (!wasEngaged) {
                try {
                    releaseNow(blue, true);
                } catch (SQLException | RuntimeException e) {
                    refused.addSuppressed(e);
                }
            }
            throw refused;
        }
        FenceCheck.Counts tables = FenceCheck.counts(blue);
        int guardedInWindow = tables.unguarded() == 0 ? 0 : guardInWindow(blue, FenceCheck.gaps(blue));
        if (!found.readOnly()) {
            // when: a release ends the sessions that connected after it, which took the read-only default with them
            blue.execute(Sql.alterDatabaseSet(found.database(), FENCED_SINCE,
                    "'" + blue.text("SELECT extract(epoch FROM clock_timestamp())::text") + "'"));
            blue.execute(Sql.alterDatabaseSet(found.database(), "default_transaction_read_only", "on"));
        }
        Lsn lsn = blue.currentWalLsn();
        return new Outcome(new Engaged(terminated, lsn, tables.guarded() + guardedInWindow), wasEngaged, guardedInWindow);
    }

    private static void refuseWhilePrepared(PgSession blue, String consequence) throws SQLException {
        List<String> prepared = blue.list(FenceCheck.PREPARED_TRANSACTIONS,
                rs -> "'" + rs.getString(1) + "' (owner " + rs.getString(2) + ", prepared " + rs.getString(3) + ")");
        if (!prepared.isEmpty()) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, true, prepared.size() + " prepared transaction(s) "
                    + "exist in " + blue.where() + ": " + String.join(", ", prepared) + "; COMMIT PREPARED would write "
                    + "past the fence without firing any trigger. " + consequence + ". Have their transaction manager "
                    + "finish them (or run COMMIT PREPARED / ROLLBACK PREPARED 'gid'), then send FenceWrites again");
        }
    }

    /** Tables created or disabled since the last arm are guarded here, after the terminations: how many. */
    private int guardInWindow(PgSession blue, List<FenceCheck.Gap> gaps) throws SQLException, InterruptedException {
        if (gaps.isEmpty()) {
            return 0;
        }
        LOG.warn("{} table(s) of {} had no enabled guard when the window started ({}): guarding them inside the window; "
                + "arm before the window to keep it short", gaps.size(), blue.where(), names(gaps));
        int guarded = 0;
        for (FenceCheck.Gap gap : gaps) {
            for (int attempt = 1; ; attempt++) {
                try {
                    guard(blue, gap, WINDOW_LOCK_TIMEOUT);
                    guarded++;
                    break;
                } catch (SQLException e) {
                    if ("42P01".equals(e.getSQLState())) {
                        break;
                    }
                    // lock_not_available: a session that connected after the terminations holds a lock; end it, retry
                    if (!"55P03".equals(e.getSQLState()) || attempt >= WINDOW_ATTEMPTS) {
                        throw e;
                    }
                    terminateOthers(blue, Set.of());
                }
            }
        }
        return guarded;
    }

    /** Terminates every other client session of the database and waits until they are gone; how many. */
    private int terminateOthers(PgSession blue, Set<Integer> spared) throws SQLException, InterruptedException {
        // materialized first: pg_terminate_backend must never see a row the filters (not our own pids) would drop
        List<Integer> pids = blue.list("WITH others AS MATERIALIZED (SELECT o.pid FROM (" + FenceCheck.OTHER_SESSIONS
                        + ") o WHERE o.pid <> ALL (?)) SELECT pid FROM others WHERE pg_terminate_backend(pid)",
                rs -> rs.getInt(1), blue.connection().createArrayOf("int4", spared.toArray(Integer[]::new)));
        if (pids.isEmpty()) {
            return 0;
        }
        long deadline = System.nanoTime() + terminationTimeout.toNanos();
        Integer[] array = pids.toArray(Integer[]::new);
        while (true) {
            var sqlArray = blue.connection().createArrayOf("int4", array);
            long left = blue.number("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)", sqlArray);
            if (left == 0) {
                return pids.size();
            }
            if (System.nanoTime() > deadline) {
                throw new StepFailure(FailureReason.TIMEOUT, true, left + " terminated session(s) of " + blue.where()
                        + " were still in pg_stat_activity after " + terminationTimeout.toMillis()
                        + " ms: the fence is not proven; send FenceWrites again");
            }
            Thread.sleep(1);
        }
    }

    // ---- release ----

    /** Disarms in one transaction (one round trip), then removes unless the guards are kept; whether it did anything. */
    private static boolean releaseNow(PgSession blue, boolean keepGuards) throws SQLException {
        operatorSession(blue);
        Objects found = objects(blue);
        boolean disarmGuard = found.guardBody() != null && !Sql.GUARD_DISARMED.equals(found.guardBody());
        boolean disarmDdl = found.ddlGuardBody() != null && !Sql.DDL_GUARD_DISARMED.equals(found.ddlGuardBody());
        List<String> statements = new ArrayList<>();
        if (disarmGuard) {
            statements.add(Sql.guardFunction(Sql.GUARD_DISARMED));
        }
        if (disarmDdl) {
            statements.add(Sql.ddlGuardFunction(Sql.DDL_GUARD_DISARMED));
        }
        List<String> largeObjects = found.largeObjectRecord() ? recordedFunctions(blue) : List.of();
        if (!largeObjects.isEmpty()) {
            statements.add(Sql.grantToPublic(largeObjects)); // granting what PUBLIC already has changes nothing
        }
        String fencedSince = null;
        if (found.readOnly()) {
            statements.add(Sql.alterDatabaseReset(found.database(), "default_transaction_read_only"));
            fencedSince = blue.text("SELECT split_part(c, '=', 2) FROM pg_db_role_setting s, unnest(s.setconfig) c "
                    + "WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    + "AND s.setrole = 0 AND c LIKE ?", FENCED_SINCE + "=%");
            if (fencedSince != null) {
                statements.add(Sql.alterDatabaseReset(found.database(), FENCED_SINCE));
            }
        }
        if (!statements.isEmpty()) {
            inTransaction(blue, Duration.ofSeconds(5), statements);
        }
        if (fencedSince != null) {
            // sessions opened while fenced keep the read-only default they started with: end them, so that the
            // application's next connection writes (an aborted switchover leaves Blue fully writable)
            blue.list("WITH late AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    + "AND backend_start >= to_timestamp(?::double precision)) SELECT pid FROM late WHERE pg_terminate_backend(pid)",
                    rs -> rs.getInt(1), fencedSince);
        }
        boolean changed = disarmGuard || disarmDdl || found.readOnly();
        if (!keepGuards) {
            changed |= remove(blue, found);
        }
        return changed;
    }

    /** Drops every fence object: each table's guard in its own short transaction, then the rest; whether any. */
    private static boolean remove(PgSession blue, Objects found) throws SQLException {
        List<String[]> triggers = blue.list(GUARDED_TRIGGERS, rs -> new String[]{rs.getString(1), rs.getString(2)});
        long backoffMs = 50;
        for (int pass = 1; pass <= ARM_PASSES && !triggers.isEmpty(); pass++) {
            List<String[]> busy = new ArrayList<>();
            for (String[] table : triggers) {
                try {
                    inTransaction(blue, ARM_LOCK_TIMEOUT, List.of(Sql.dropTrigger(table[0], table[1], ObjectNames.FENCE_TRIGGER)));
                } catch (SQLException e) {
                    if (!"55P03".equals(e.getSQLState())) {
                        throw e;
                    }
                    busy.add(table);
                }
            }
            triggers = busy;
            if (!triggers.isEmpty() && pass < ARM_PASSES) {
                sleep(backoffMs);
                backoffMs *= 2;
            }
        }
        if (!triggers.isEmpty()) {
            throw new StepFailure(FailureReason.TIMEOUT, true, triggers.size() + " table(s) of " + blue.where()
                    + " stayed locked while their disarmed guard was being dropped (" + String.join(", ",
                    triggers.stream().map(t -> t[0] + "." + t[1]).limit(5).toList()) + "): writes are allowed; "
                    + "send UnfenceWrites again to finish the cleanup");
        }
        boolean any = found.ddlTrigger() || found.guardBody() != null || found.ddlGuardBody() != null || found.token()
                || found.largeObjectRecord();
        blue.execute("DROP EVENT TRIGGER IF EXISTS " + Sql.ident(ObjectNames.DDL_GUARD_TRIGGER));
        blue.execute("DROP FUNCTION IF EXISTS " + DDL_GUARD);
        blue.execute("DROP FUNCTION IF EXISTS " + GUARD);
        blue.execute("DROP MATERIALIZED VIEW IF EXISTS " + REVOKES);
        blue.execute("DROP MATERIALIZED VIEW IF EXISTS " + TOKEN);
        try {
            blue.execute("DROP SCHEMA IF EXISTS " + Sql.ident(ObjectNames.SCHEMA));
        } catch (SQLException e) {
            if (!"2BP01".equals(e.getSQLState())) { // dependent_objects_still_exist: the drain marker table stays
                throw e;
            }
        }
        return any;
    }

    // ---- helpers ----

    /** Runs the statements in one transaction and one round trip, with the given lock_timeout. */
    private static void inTransaction(PgSession blue, Duration lockTimeout, List<String> statements) throws SQLException {
        Connection connection = blue.connection();
        connection.setAutoCommit(false);
        try {
            blue.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'; " + String.join("; ", statements));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static String names(List<FenceCheck.Gap> gaps) {
        return String.join(", ", gaps.stream().map(FenceCheck.Gap::name).limit(5).toList()) + (gaps.size() > 5 ? ", ..." : "");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure(FailureReason.INTERNAL, true, "interrupted while waiting for a busy table (the agent is stopping)");
        }
    }
}
