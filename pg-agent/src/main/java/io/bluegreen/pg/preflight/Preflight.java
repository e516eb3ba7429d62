package io.bluegreen.pg.preflight;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.result.PreflightCompleted;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Gathers the facts of Blue (and Green when given) and applies {@link PreflightRules}. Changes nothing. */
public final class Preflight {

    static final String NO_IDENTITY = "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relpersistence = 'p' "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema', '" + ObjectNames.SCHEMA + "') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND ("
            + "(c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)) "
            + "OR c.relreplident = 'n' "
            + "OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident))"
            + ") ORDER BY 1";
    static final String IDENTITY_FULL = "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relreplident = 'f' "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";
    static final String UNLOGGED = "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'u' ORDER BY 1";

    private final ReplicationAdmin admin;

    public Preflight(ReplicationAdmin admin) {
        this.admin = admin;
    }

    public SpecificRecord run(StepContext ctx, RunPreflight command) throws SQLException {
        List<PreflightFinding> findings = new ArrayList<>();
        List<String> databases = command.getDatabases();
        int needed = databases.size();
        int blueMajor;
        Integer greenMajor = null;
        Set<String> greenExtensions = null;
        ClusterRef green = command.getGreen();
        if (green != null) {
            try (PgSession session = openGreen(green, databases.get(0))) {
                greenMajor = session.serverMajor();
                findings.add(PreflightRules.privileges("Green", session.text("SELECT current_user"),
                        flag(session, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"),
                        member(session, "rds_superuser"), member(session, "rds_replication")));
                findings.add(PreflightRules.headroom("Green", "max_logical_replication_workers",
                        setting(session, "max_logical_replication_workers"),
                        (int) session.number("SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL"), needed));
                findings.add(PreflightRules.headroom("Green", "max_worker_processes", setting(session, "max_worker_processes"),
                        (int) session.number("SELECT count(*) FROM pg_stat_activity WHERE backend_type NOT IN "
                                + "('client backend', 'walsender', 'checkpointer', 'background writer', 'walwriter', "
                                + "'startup', 'archiver', 'logger')"), needed));
                findings.add(PreflightRules.headroom("Green", "max_replication_slots (replication origins)",
                        setting(session, "max_replication_slots"),
                        (int) session.number("SELECT count(*) FROM pg_replication_origin"), needed));
                greenExtensions = new HashSet<>(session.list("SELECT name FROM pg_available_extensions", rs -> rs.getString(1)));
            }
        }
        try (PgSession blue = admin.open(new DatabaseTarget(command.getBlue(), databases.get(0), Role.BLUE))) {
            blueMajor = blue.serverMajor();
            findings.add(0, PreflightRules.versions(blueMajor, command.getTargetMajor(), greenMajor));
            findings.add(PreflightRules.walLevel("Blue", blue.text("SHOW wal_level"),
                    Optional.ofNullable(blue.text("SELECT setting FROM pg_settings WHERE name = 'rds.logical_replication'")),
                    command.getLogicalReplicationPending()));
            findings.add(PreflightRules.privileges("Blue", blue.text("SELECT current_user"),
                    flag(blue, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"),
                    member(blue, "rds_superuser"), member(blue, "rds_replication")));
            Set<String> ours = new HashSet<>();
            for (String database : databases) {
                ours.add(ObjectNames.forDatabase(command.getNamePrefix(), database).getSlot());
            }
            int slotsInUse = (int) blue.list("SELECT slot_name FROM pg_replication_slots", rs -> rs.getString(1)).stream()
                    .filter(name -> !ours.contains(name)).count();
            findings.add(PreflightRules.headroom("Blue", "max_replication_slots", setting(blue, "max_replication_slots"),
                    slotsInUse, needed));
            findings.add(PreflightRules.headroom("Blue", "max_wal_senders", setting(blue, "max_wal_senders"),
                    (int) blue.number("SELECT count(*) FROM pg_stat_replication"), needed));
        }
        for (String database : databases) {
            try (PgSession blue = admin.open(new DatabaseTarget(command.getBlue(), database, Role.BLUE))) {
                databaseFindings(blue, database, command, greenExtensions, findings);
            }
        }
        if (green != null) {
            for (String database : databases) {
                ReplicationNames names = ObjectNames.forDatabase(command.getNamePrefix(), database);
                try (PgSession session = admin.open(new DatabaseTarget(green, database, Role.GREEN))) {
                    Optional<String[]> sub = session.first("SELECT subname, shobj_description(oid, 'pg_subscription') "
                            + "FROM pg_subscription WHERE subname = ?", rs -> new String[]{rs.getString(1), rs.getString(2)},
                            names.getSubscription());
                    if (sub.isPresent()) {
                        findings.add(PreflightRules.existingObject(database, "subscription", sub.get()[0], sub.get()[1],
                                command.getUpgradeId()));
                    }
                } catch (SQLException e) {
                    if (!"3D000".equals(e.getSQLState())) {
                        throw e;
                    }
                    findings.add(PreflightRules.finding("green_databases", Severity.ERROR, database, List.of(database),
                            "database " + database + " does not exist on Green (" + green.getHost() + "): Green must be a "
                                    + "clone of Blue that holds every database of the plan; clone Blue again"));
                }
            }
        }
        PreflightCompleted result = new PreflightCompleted();
        result.setPassed(findings.stream().noneMatch(f -> f.getSeverity() == Severity.ERROR));
        result.setFindings(findings);
        result.setBlueMajor(blueMajor);
        result.setGreenMajor(greenMajor);
        return ctx.stamp(result);
    }

    private static void databaseFindings(PgSession blue, String database, RunPreflight command, Set<String> greenExtensions,
                                         List<PreflightFinding> findings) throws SQLException {
        PreflightRules.replicaIdentity(database, blue.list(NO_IDENTITY, rs -> rs.getString(1)),
                blue.list(IDENTITY_FULL, rs -> rs.getString(1))).ifPresent(findings::add);
        PreflightRules.unlogged(database, blue.list(UNLOGGED, rs -> rs.getString(1))).ifPresent(findings::add);
        PreflightRules.largeObjects(database, blue.number("SELECT count(*) FROM pg_largeobject_metadata"))
                .ifPresent(findings::add);
        Set<String> extensions = new HashSet<>(blue.list("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
                rs -> rs.getString(1)));
        if (greenExtensions != null) {
            PreflightRules.extensions(database, extensions, greenExtensions).ifPresent(findings::add);
        } else if (!extensions.isEmpty()) {
            findings.add(PreflightRules.finding("extensions", Severity.INFO, database, List.copyOf(extensions),
                    database + " uses extension(s) the target engine must offer: " + String.join(", ", extensions)));
        }
        ReplicationNames names = ObjectNames.forDatabase(command.getNamePrefix(), database);
        Optional<String[]> publication = blue.first("SELECT pubname, obj_description(oid, 'pg_publication') FROM pg_publication "
                + "WHERE pubname = ?", rs -> new String[]{rs.getString(1), rs.getString(2)}, names.getPublication());
        publication.ifPresent(p -> findings.add(PreflightRules.existingObject(database, "publication", p[0], p[1],
                command.getUpgradeId())));
        if (blue.exists("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", names.getSlot())) {
            // a slot has no comment: it is ours when the publication of the same upgrade is
            findings.add(PreflightRules.existingObject(database, "slot", names.getSlot(),
                    publication.map(p -> p[1]).orElse(null), command.getUpgradeId()));
        }
    }

    /** Green's cluster-level facts: from the plan's first database, or {@code postgres} when Green lacks it. */
    private PgSession openGreen(ClusterRef green, String database) throws SQLException {
        try {
            return admin.open(new DatabaseTarget(green, database, Role.GREEN));
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw e;
            }
            return admin.open(new DatabaseTarget(green, "postgres", Role.GREEN));
        }
    }

    private static int setting(PgSession session, String name) throws SQLException {
        return Integer.parseInt(session.text("SELECT setting FROM pg_settings WHERE name = ?", name));
    }

    private static boolean flag(PgSession session, String sql) throws SQLException {
        return Boolean.TRUE.equals(session.first(sql, rs -> rs.getBoolean(1)).orElse(false));
    }

    private static boolean member(PgSession session, String role) throws SQLException {
        return session.exists("SELECT 1 FROM pg_roles r WHERE r.rolname = ? AND pg_has_role(current_user, r.oid, 'member')", role);
    }
}
