package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.Catalog;
import io.bluegreen.pg.replication.FenceCheck;
import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.pg.replication.StepContext;
import io.bluegreen.pg.replication.StepFailure;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.WritesFenced;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fences writes on one Blue database so that nothing commits there after the drain point:
 * <ol>
 *   <li>{@code ALTER DATABASE … SET default_transaction_read_only = on}: new sessions start read-only;</li>
 *   <li>terminate every other client session of the database (walsenders are left alone, PITFALLS 20) and wait
 *       until they have left {@code pg_stat_activity} (termination is asynchronous, PITFALLS 17);</li>
 *   <li>a statement-level trigger on every user table that raises {@code read_only_sql_transaction}, because a
 *       read-only default alone is not a fence: {@code BEGIN READ WRITE} would still write (PITFALLS 19). The
 *       triggers depend on one function, {@code bluegreen.refuse_write()}, so unfencing drops them all at once;</li>
 *   <li>terminate again (sessions that connected meanwhile), wait, and report Blue's WAL position.</li>
 * </ol>
 * Everything is read from the catalogs first, so a repeat changes nothing.
 */
public final class WriteFence {

    private static final String FUNCTION = Sql.ident(ObjectNames.SCHEMA) + "." + Sql.ident(ObjectNames.FENCE_FUNCTION);
    private static final int LOCK_ATTEMPTS = 5;

    private final ReplicationAdmin admin;
    private final Duration terminationTimeout;

    public WriteFence(ReplicationAdmin admin, Duration terminationTimeout) {
        this.admin = admin;
        this.terminationTimeout = terminationTimeout;
    }

    public SpecificRecord fence(StepContext ctx, FenceWrites command) throws SQLException, InterruptedException {
        String database = command.getTarget().getDatabase();
        try (PgSession blue = admin.open(command.getTarget())) {
            blue.execute("SET default_transaction_read_only = off");
            boolean changed = false;
            if (!Catalog.readOnlyByDefault(blue)) {
                blue.execute(Sql.alterDatabaseSet(database, "default_transaction_read_only", "on"));
                changed = true;
            }
            if (!blue.exists("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    + "WHERE n.nspname = ? AND p.proname = ?", ObjectNames.SCHEMA, ObjectNames.FENCE_FUNCTION)) {
                blue.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(ObjectNames.SCHEMA));
                blue.execute("CREATE OR REPLACE FUNCTION " + FUNCTION + "() RETURNS trigger LANGUAGE plpgsql AS $fence$ "
                        + "BEGIN RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', MESSAGE = format("
                        + "'database %s is fenced for a blue/green switchover: writes are refused until UnfenceWrites', "
                        + "current_database()); END $fence$");
                changed = true;
            }
            int terminated = terminateOthers(blue);
            int guarded = 0;
            for (int attempt = 1; ; attempt++) {
                try {
                    guarded += guardTables(blue);
                    break;
                } catch (SQLException e) {
                    // lock_not_available: a session that arrived after the first pass holds a lock; end it and retry
                    if (!"55P03".equals(e.getSQLState()) || attempt >= LOCK_ATTEMPTS) {
                        throw e;
                    }
                    terminated += terminateOthers(blue);
                }
            }
            terminated += terminateOthers(blue);
            changed |= guarded > 0;
            String lsn = blue.currentWalLsn().toString();
            if (!changed && terminated == 0) {
                return ctx.succeeded(blue.where() + " is already fenced at " + lsn, true,
                        Map.of("database", database, "fenceLsn", lsn, "terminatedSessions", "0"));
            }
            WritesFenced result = new WritesFenced();
            result.setDatabase(database);
            result.setTerminatedSessions(terminated);
            result.setFenceLsn(lsn);
            return ctx.stamp(result);
        }
    }

    /** Adds the fence trigger to every unguarded table in one transaction; the number added. */
    private static int guardTables(PgSession blue) throws SQLException {
        List<String[]> tables = blue.list(FenceCheck.UNGUARDED_TABLES, rs -> new String[]{rs.getString(1), rs.getString(2)});
        if (tables.isEmpty()) {
            return 0;
        }
        var connection = blue.connection();
        connection.setAutoCommit(false);
        try {
            blue.execute("SET LOCAL lock_timeout = '2s'");
            for (String[] table : tables) {
                blue.execute(Sql.createFenceTrigger(table[0], table[1], ObjectNames.FENCE_TRIGGER, FUNCTION));
            }
            connection.commit();
            return tables.size();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Terminates every other client session of the database and waits until they are gone; how many. */
    private int terminateOthers(PgSession blue) throws SQLException, InterruptedException {
        List<Integer> pids = blue.list(FenceCheck.OTHER_SESSIONS, rs -> rs.getInt(1));
        if (pids.isEmpty()) {
            return 0;
        }
        for (int pid : pids) {
            blue.list("SELECT pg_terminate_backend(?)", rs -> rs.getBoolean(1), pid);
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
            Thread.sleep(2);
        }
    }

    public SpecificRecord unfence(StepContext ctx, UnfenceWrites command) throws SQLException {
        String database = command.getTarget().getDatabase();
        try (PgSession blue = admin.open(command.getTarget())) {
            blue.execute("SET default_transaction_read_only = off");
            boolean readOnly = Catalog.readOnlyByDefault(blue);
            if (readOnly) {
                blue.execute(Sql.alterDatabaseReset(database, "default_transaction_read_only"));
            }
            boolean function = blue.exists("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    + "WHERE n.nspname = ? AND p.proname = ?", ObjectNames.SCHEMA, ObjectNames.FENCE_FUNCTION);
            if (function) {
                blue.execute("DROP FUNCTION IF EXISTS " + FUNCTION + "() CASCADE");
            }
            boolean nothing = !readOnly && !function;
            return ctx.succeeded(nothing ? blue.where() + " was not fenced"
                            : "writes to " + blue.where() + " are allowed again (sessions opened "
                            + "during the fence keep their read-only default until they reconnect)", nothing,
                    Map.of("database", database));
        }
    }
}
