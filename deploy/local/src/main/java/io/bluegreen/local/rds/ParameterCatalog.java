package io.bluegreen.local.rds;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of each parameter group family, as {@code DescribeEngineDefaultParameters} and
 * {@code DescribeDBParameters} answer them: default, apply type, data type, allowed values, whether it may be
 * modified, and its source. Families {@code postgres16/17} (every parameter instance-level) and
 * {@code aurora-postgresql16/17} (each parameter in the cluster group, the instance group, or both, as Aurora splits
 * them). Version differences are PostgreSQL's: 17 removed {@code old_snapshot_threshold}, {@code db_user_namespace}
 * and {@code trace_recovery_messages} and added {@code transaction_timeout} and {@code summarize_wal}.
 */
final class ParameterCatalog {

    static final String LOGICAL_REPLICATION = "rds.logical_replication";
    static final List<String> FAMILIES = List.of("postgres16", "postgres17", "aurora-postgresql16", "aurora-postgresql17");

    /** Where a parameter lives on Aurora; RDS PostgreSQL families have every parameter in both kinds of group. */
    enum Scope { INSTANCE, CLUSTER, BOTH }

    /**
     * One parameter of a family.
     *
     * @param defaultValue the engine default (an RDS formula such as {@code {DBInstanceClassMemory/32768}}), or null
     *                     when RDS leaves PostgreSQL's built-in default
     * @param majors       the PostgreSQL majors that have it
     * @param source       {@code engine-default}, or {@code system} for values RDS sets itself
     */
    record Definition(String name, String defaultValue, boolean isStatic, String dataType, String allowedValues,
                      boolean modifiable, String source, Scope auroraScope, Set<Integer> majors, String description) {

        String applyType() {
            return isStatic ? "static" : "dynamic";
        }

        boolean in(String family, boolean cluster) {
            int major = Integer.parseInt(family.substring(family.length() - 2));
            if (!majors.contains(major)) {
                return false;
            }
            if (!family.startsWith(EngineVersion.AURORA)) {
                return true;
            }
            return auroraScope == Scope.BOTH || auroraScope == (cluster ? Scope.CLUSTER : Scope.INSTANCE);
        }

        /** Checks a value against the data type and allowed values; AWS's InvalidParameterValue otherwise. */
        void check(String value) {
            boolean ok;
            if (value.startsWith("{") && value.endsWith("}") && dataType.equals("integer")) {
                ok = true; // an RDS formula
            } else if (allowedValues == null) {
                ok = true;
            } else if (dataType.equals("integer") || dataType.equals("real")) {
                ok = inRange(value);
            } else if (dataType.equals("list")) {
                ok = value.isEmpty() || List.of(allowedValues.split(",")).containsAll(List.of(value.split("\\s*,\\s*")));
            } else {
                ok = List.of(allowedValues.split(",")).contains(value);
            }
            if (!ok) {
                throw RdsFault.invalidParameter("Invalid parameter value: " + value + " for: " + name
                        + " allowed values are: " + allowedValues);
            }
        }

        private boolean inRange(String value) {
            int dash = allowedValues.indexOf('-', 1);
            try {
                double number = Double.parseDouble(value);
                double low = Double.parseDouble(allowedValues.substring(0, dash));
                double high = Double.parseDouble(allowedValues.substring(dash + 1));
                return number >= low && number <= high && (dataType.equals("real") || number == Math.rint(number));
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    private static final Set<Integer> ALL = Set.of(16, 17);
    private static final Set<Integer> ONLY_16 = Set.of(16);
    private static final Set<Integer> ONLY_17 = Set.of(17);
    private static final String INT_MAX = "2147483647";
    private static final String LIBRARIES = "auto_explain,orafce,pg_cron,pg_hint_plan,pg_partman_bgw,pg_prewarm,"
            + "pg_similarity,pg_stat_statements,pg_tle,pg_transport,pgaudit,pglogical,plprofiler";

    private static final List<Definition> DEFINITIONS = List.of(
            new Definition(LOGICAL_REPLICATION, "0", true, "boolean", "0,1", true, "engine-default", Scope.CLUSTER, ALL,
                    "Enables logical decoding."),
            new Definition("shared_buffers", "{DBInstanceClassMemory/32768}", true, "integer", "16-1073741823", true,
                    "engine-default", Scope.INSTANCE, ALL, "(8kB) Sets the number of shared memory buffers used by the server."),
            new Definition("shared_preload_libraries", "pg_stat_statements", true, "list", LIBRARIES, true,
                    "engine-default", Scope.BOTH, ALL, "Lists shared libraries to preload into server."),
            new Definition("work_mem", null, false, "integer", "64-" + INT_MAX, true, "engine-default", Scope.BOTH, ALL,
                    "(kB) Sets the maximum memory to be used for query workspaces."),
            new Definition("maintenance_work_mem", "GREATEST({DBInstanceClassMemory*1024/63963136},65536)", false,
                    "integer", "1024-" + INT_MAX, true, "engine-default", Scope.BOTH, ALL,
                    "(kB) Sets the maximum memory to be used for maintenance operations."),
            new Definition("max_connections", "LEAST({DBInstanceClassMemory/9531392},5000)", true, "integer",
                    "6-262143", true, "engine-default", Scope.INSTANCE, ALL,
                    "Sets the maximum number of concurrent connections."),
            new Definition("log_min_duration_statement", null, false, "integer", "-1-" + INT_MAX, true,
                    "engine-default", Scope.BOTH, ALL,
                    "(ms) Sets the minimum execution time above which statements will be logged."),
            new Definition("statement_timeout", null, false, "integer", "0-" + INT_MAX, true, "engine-default",
                    Scope.BOTH, ALL, "(ms) Sets the maximum allowed duration of any statement."),
            new Definition("idle_in_transaction_session_timeout", null, false, "integer", "0-" + INT_MAX, true,
                    "engine-default", Scope.BOTH, ALL, "(ms) Sets the maximum allowed idle time between queries,"
                    + " when in a transaction."),
            new Definition("random_page_cost", null, false, "real", "0-" + INT_MAX, true, "engine-default", Scope.BOTH,
                    ALL, "Sets the planner's estimate of the cost of a nonsequentially fetched disk page."),
            new Definition("max_replication_slots", "20", true, "integer", "5-8388607", true, "engine-default",
                    Scope.CLUSTER, ALL, "Sets the maximum number of simultaneously defined replication slots."),
            new Definition("max_wal_senders", "20", true, "integer", "5-8388607", true, "engine-default", Scope.CLUSTER,
                    ALL, "Sets the maximum number of simultaneously running WAL sender processes."),
            new Definition("max_logical_replication_workers", "4", true, "integer", "0-262143", true,
                    "engine-default", Scope.CLUSTER, ALL, "Maximum number of logical replication worker processes."),
            new Definition("max_worker_processes", "GREATEST(${DBInstanceVCPU*2},8)", true, "integer", "0-262143", true,
                    "engine-default", Scope.BOTH, ALL, "Sets the maximum number of concurrent worker processes."),
            new Definition("wal_sender_timeout", "30000", false, "integer", "0-3600000", true, "engine-default",
                    Scope.CLUSTER, ALL, "(ms) Sets the maximum time to wait for WAL replication."),
            new Definition("old_snapshot_threshold", null, true, "integer", "-1-86400", true, "engine-default",
                    Scope.BOTH, ONLY_16, "(min) Time before a snapshot is too old to read pages changed after the"
                    + " snapshot was taken."),
            new Definition("db_user_namespace", null, false, "boolean", "0,1", true, "engine-default", Scope.BOTH,
                    ONLY_16, "Enables per-database user names."),
            new Definition("trace_recovery_messages", null, false, "string",
                    "debug5,debug4,debug3,debug2,debug1,log,notice,warning,error", true, "engine-default", Scope.BOTH,
                    ONLY_16, "Enables logging of recovery-related debugging information."),
            new Definition("transaction_timeout", null, false, "integer", "0-" + INT_MAX, true, "engine-default",
                    Scope.BOTH, ONLY_17, "(ms) Sets the maximum allowed duration of any transaction within a session"
                    + " (not a prepared transaction)."),
            new Definition("summarize_wal", null, false, "boolean", "0,1", true, "engine-default", Scope.BOTH, ONLY_17,
                    "Starts the WAL summarizer process to enable incremental backup."),
            new Definition("rds.force_ssl", "1", false, "boolean", "0,1", true, "engine-default", Scope.BOTH, ALL,
                    "Force SSL connections."),
            new Definition("autovacuum", "1", false, "boolean", "0,1", true, "engine-default", Scope.BOTH, ALL,
                    "Starts the autovacuum subprocess."),
            new Definition("autovacuum_max_workers", "GREATEST({DBInstanceClassMemory/64371566592},3)", true, "integer",
                    "1-262143", true, "engine-default", Scope.BOTH, ALL,
                    "Sets the maximum number of simultaneously running autovacuum worker processes."),
            new Definition("checkpoint_timeout", "300", false, "integer", "30-86400", true, "engine-default",
                    Scope.CLUSTER, ALL, "(s) Sets the maximum time between automatic WAL checkpoints."),
            new Definition("checkpoint_completion_target", "0.9", false, "real", "0-1", true, "engine-default",
                    Scope.CLUSTER, ALL, "Time spent flushing dirty buffers during checkpoint, as fraction of checkpoint interval."),
            new Definition("effective_cache_size", "{DBInstanceClassMemory/16384}", false, "integer", "1-" + INT_MAX,
                    true, "engine-default", Scope.INSTANCE, ALL, "(8kB) Sets the planner's assumption about the size of"
                    + " the disk cache."),
            new Definition("default_statistics_target", null, false, "integer", "1-10000", true, "engine-default",
                    Scope.BOTH, ALL, "Sets the default statistics target."),
            new Definition("deadlock_timeout", null, false, "integer", "1-" + INT_MAX, true, "engine-default",
                    Scope.BOTH, ALL, "(ms) Sets the time to wait on a lock before checking for deadlock."),
            new Definition("lock_timeout", null, false, "integer", "0-" + INT_MAX, true, "engine-default", Scope.BOTH,
                    ALL, "(ms) Sets the maximum allowed duration of any wait for a lock."),
            new Definition("log_statement", null, false, "string", "none,ddl,mod,all", true, "engine-default",
                    Scope.BOTH, ALL, "Sets the type of statements logged."),
            new Definition("log_connections", null, false, "boolean", "0,1", true, "engine-default", Scope.BOTH, ALL,
                    "Logs each successful connection."),
            new Definition("log_disconnections", null, false, "boolean", "0,1", true, "engine-default", Scope.BOTH,
                    ALL, "Logs end of a session, including duration."),
            new Definition("max_locks_per_transaction", "64", true, "integer", "10-" + INT_MAX, true,
                    "engine-default", Scope.BOTH, ALL, "Sets the maximum number of locks per transaction."),
            new Definition("max_parallel_workers", "GREATEST(${DBInstanceVCPU/2},8)", false, "integer", "0-1024", true,
                    "engine-default", Scope.BOTH, ALL, "Sets the maximum number of parallel workers that can be active"
                    + " at one time."),
            new Definition("max_parallel_workers_per_gather", null, false, "integer", "0-1024", true,
                    "engine-default", Scope.BOTH, ALL, "Sets the maximum number of parallel processes per executor node."),
            new Definition("synchronous_commit", null, false, "string", "local,on,off", true, "engine-default",
                    Scope.BOTH, ALL, "Sets the current transaction's synchronization level."),
            new Definition("temp_buffers", null, false, "integer", "100-1073741823", true, "engine-default",
                    Scope.BOTH, ALL, "(8kB) Sets the maximum number of temporary buffers used by each session."),
            new Definition("timezone", "UTC", false, "string", null, true, "engine-default", Scope.CLUSTER, ALL,
                    "Sets the time zone for displaying and interpreting time stamps."),
            new Definition("track_io_timing", "1", false, "boolean", "0,1", true, "engine-default", Scope.BOTH, ALL,
                    "Collects timing statistics for database I/O activity."),
            new Definition("hot_standby_feedback", null, false, "boolean", "0,1", true, "engine-default", Scope.BOTH,
                    ALL, "Allows feedback from a hot standby to the primary that will avoid query conflicts."),
            new Definition("wal_level", "replica", true, "string", "replica,logical", false, "system", Scope.CLUSTER,
                    ALL, "Sets the level of information written to the WAL (RDS sets it from rds.logical_replication)."),
            new Definition("port", "{EndPointPort}", true, "integer", "1-65535", false, "system", Scope.BOTH, ALL,
                    "Sets the TCP port the server listens on."),
            new Definition("archive_command", "/etc/rds/dbbin/pgscripts/rds_wal_archive %p", false, "string", null,
                    false, "system", Scope.BOTH, ALL, "Sets the shell command that will be called to archive a WAL file."),
            new Definition("rds.extensions", null, false, "list", null, false, "system", Scope.BOTH, ALL,
                    "List of extensions that are available for use in this instance."));

    private ParameterCatalog() {
    }

    static boolean isFamily(String family) {
        return FAMILIES.contains(family);
    }

    /** The parameters of a family's DB parameter group ({@code cluster} false) or DB cluster parameter group. */
    static List<Definition> parameters(String family, boolean cluster) {
        List<Definition> listed = new ArrayList<>();
        for (Definition definition : DEFINITIONS) {
            if (definition.in(family, cluster)) {
                listed.add(definition);
            }
        }
        return listed;
    }

    static Optional<Definition> find(String family, boolean cluster, String name) {
        return parameters(family, cluster).stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
