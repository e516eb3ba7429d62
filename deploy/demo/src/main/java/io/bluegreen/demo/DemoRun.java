package io.bluegreen.demo;

import io.bluegreen.demo.bench.Json;
import io.bluegreen.demo.rehearsal.BlueName;
import io.bluegreen.demo.rehearsal.Catalogs;
import io.bluegreen.demo.rehearsal.Comparison;
import io.bluegreen.demo.rehearsal.DefaultSchema;
import io.bluegreen.demo.rehearsal.Endpoint;
import io.bluegreen.demo.rehearsal.GreenHandover;
import io.bluegreen.demo.rehearsal.Ledger;
import io.bluegreen.demo.rehearsal.Phases;
import io.bluegreen.demo.rehearsal.Progress;
import io.bluegreen.demo.rehearsal.SqlErrors;
import io.bluegreen.demo.rehearsal.TableFigures;
import io.bluegreen.demo.rehearsal.UpgradeApi;
import io.bluegreen.demo.rehearsal.Workload;
import io.bluegreen.demo.rehearsal.WorkloadClients;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rehearsal of one upgrade on the local stack, the way a platform team would run its own: an RDS PostgreSQL 16
 * instance with the team's databases and schema (or the demo's), workload clients writing to it through Blue's name
 * for the whole upgrade, a plan submitted to the coordinator's REST API (automatic switchover, rename repoint),
 * progress printed as it goes, and at the end the proof:
 * <ul>
 *   <li>every acknowledged write is on Green exactly once (the ledger, {@link Ledger});</li>
 *   <li>every user table of the fenced old Blue equals Green as it was handed over (row count and an order-free
 *       checksum; {@link GreenHandover}, {@link Comparison});</li>
 *   <li>no sequence of Green is behind Blue's, and no sequence-fed column would get a value it holds already;</li>
 *   <li>Blue's name answers with the target major.</li>
 * </ul>
 * It prints progress and the summary to the stream it is given, nothing else.
 */
public final class DemoRun {

    static final String BLUE = "demo-orders";
    static final String USER = "app_admin";
    static final String BLUE_VERSION = "16.15";
    static final String BLUE_GROUP = "demo-orders-pg16";
    static final String TARGET_VERSION = "17.11";
    private static final Duration GREEN_WRITE_WAIT = Duration.ofSeconds(30);
    /** The plan's default {@code namePrefix}: the upgrade's publications and slots begin with it. */
    private static final String REPLICATION_PREFIX = "blue_green";
    private static final Set<String> FINAL_PHASES = Set.of("COMPLETED", "FAILED", "ROLLED_BACK");

    /**
     * What the rehearsal showed.
     *
     * @param phases             each phase with its start and end, from the audit trail
     * @param tablesMismatched   {@code db.schema.table: why}, old Blue against Green as handed over
     * @param sequencesBehind    {@code db.schema.sequence: why} (and sequence-fed columns that would collide)
     * @param writesCommitted    acknowledged workload transactions
     * @param lostWrites         acknowledged, not on Green
     * @param duplicatedWrites   on Green more than once
     * @param workloadErrors     statements that failed by themselves (constraint, deadlock), rolled back
     * @param writeUnavailableMs the longest time no client got an answer from a server
     * @param failure            why the rehearsal did not complete or could not check something; null when all went
     */
    public record Report(String upgradeId, String blueVersion, String greenVersion, String targetVersion,
                         List<Phases.Phase> phases, String snapshotLsn, String snapshotLsnMethod, int tablesCompared,
                         List<String> tablesMismatched, List<String> sequencesBehind, long writesCommitted,
                         long lostWrites, long duplicatedWrites, long workloadErrors, long writeUnavailableMs,
                         boolean completed, String failure) {

        public Report {
            phases = List.copyOf(phases);
            tablesMismatched = List.copyOf(tablesMismatched);
            sequencesBehind = List.copyOf(sequencesBehind);
        }

        /**
         * Completed, compared and whole: no table mismatched (and some compared), no sequence behind, no write lost or
         * doubled, Green on the target major, nothing that could not be checked.
         */
        public boolean proven() {
            return completed && failure == null && tablesCompared > 0 && tablesMismatched.isEmpty()
                    && sequencesBehind.isEmpty() && lostWrites == 0 && duplicatedWrites == 0
                    && Endpoint.major(greenVersion) == Endpoint.major(targetVersion);
        }

        /** One JSON object: the fields above by name, {@code phases} as {@code {name, start, end}}, and {@code proven}. */
        public String toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("upgradeId", upgradeId);
            json.put("blueVersion", blueVersion);
            json.put("greenVersion", greenVersion);
            json.put("targetVersion", targetVersion);
            List<Map<String, Object>> phaseList = new ArrayList<>();
            for (Phases.Phase phase : phases) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", phase.name());
                p.put("start", phase.start());
                p.put("end", phase.end());
                phaseList.add(p);
            }
            json.put("phases", phaseList);
            json.put("snapshotLsn", snapshotLsn);
            json.put("snapshotLsnMethod", snapshotLsnMethod);
            json.put("tablesCompared", tablesCompared);
            json.put("tablesMismatched", tablesMismatched);
            json.put("sequencesBehind", sequencesBehind);
            json.put("writesCommitted", writesCommitted);
            json.put("lostWrites", lostWrites);
            json.put("duplicatedWrites", duplicatedWrites);
            json.put("workloadErrors", workloadErrors);
            json.put("writeUnavailableMs", writeUnavailableMs);
            json.put("completed", completed);
            json.put("failure", failure);
            json.put("proven", proven());
            return Json.write(json);
        }

        /** The summary, one line per figure. */
        public List<String> summary() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%-20s %s", "upgrade", upgradeId == null ? "not submitted" : upgradeId
                    + (completed ? " COMPLETED" : " not completed")));
            lines.add(String.format(Locale.ROOT, "%-20s Blue %s -> Green %s (target %s)", "versions", blueVersion,
                    greenVersion == null ? "not reached" : greenVersion, targetVersion));
            lines.add(String.format(Locale.ROOT, "%-20s %s", "snapshot LSN", snapshotLsn == null ? "not captured"
                    : snapshotLsn + " (" + snapshotLsnMethod + ")"));
            for (Phases.Phase phase : phases) {
                lines.add(String.format(Locale.ROOT, "%-20s %-24s %7.1f s", "phase", phase.name(),
                        Duration.between(phase.start(), phase.end()).toMillis() / 1000.0));
            }
            lines.add(String.format(Locale.ROOT, "%-20s %d (%d mismatched)", "tables compared", tablesCompared,
                    tablesMismatched.size()));
            tablesMismatched.forEach(m -> lines.add(String.format(Locale.ROOT, "%-20s %s", "  MISMATCH", m)));
            lines.add(String.format(Locale.ROOT, "%-20s %d", "sequences behind", sequencesBehind.size()));
            sequencesBehind.forEach(s -> lines.add(String.format(Locale.ROOT, "%-20s %s", "  BEHIND", s)));
            lines.add(String.format(Locale.ROOT, "%-20s %d", "writes committed", writesCommitted));
            lines.add(String.format(Locale.ROOT, "%-20s %d", "lost writes", lostWrites));
            lines.add(String.format(Locale.ROOT, "%-20s %d", "duplicated writes", duplicatedWrites));
            lines.add(String.format(Locale.ROOT, "%-20s %d", "workload errors", workloadErrors));
            lines.add(String.format(Locale.ROOT, "%-20s %d ms (longest time without an answer to any client)",
                    "write unavailable", writeUnavailableMs));
            if (failure != null) {
                lines.add(String.format(Locale.ROOT, "%-20s %s", "failure", failure));
            }
            lines.add(proven() ? "PROVEN: the upgrade completed, Green equals the fenced Blue and holds every "
                    + "acknowledged write once" : "NOT PROVEN");
            return lines;
        }
    }

    private final PrintStream out;
    private final DemoOptions options;
    private final String password;

    /** A run with a master password made for it. */
    public DemoRun(PrintStream out, DemoOptions options) {
        this(out, options, LocalStack.generatedMasterPassword());
    }

    /**
     * @param out      where progress and the summary go (stderr when the caller prints {@link Report#toJson()})
     * @param password the master password of the local databases; handed to the services as configuration only
     */
    public DemoRun(PrintStream out, DemoOptions options, String password) {
        this.out = out;
        this.options = options;
        this.password = password;
    }

    /**
     * @throws IllegalArgumentException when a file of the options is missing, empty or unreadable (before anything
     *                                  starts), or when the schema file fails on Blue
     */
    public Report run() throws Exception {
        String schema = options.schema() == null ? null : readSchema(options.schema());
        Workload workload = options.workload() == null ? DefaultSchema.workload(options.databases())
                : Workload.read(options.workload());
        long began = System.nanoTime();
        out.println("bluegreen rehearsal: starting Kafka (KRaft), the local RDS endpoint and the services");
        try (LocalStack stack = LocalStack.start(USER, password)) {
            out.printf(Locale.ROOT, "  stack up in %.1f s; coordinator at %s%n", seconds(began), stack.coordinator());
            RdsClient rds = stack.rds();
            long creating = System.nanoTime();
            Endpoint blue = createBlue(rds);
            double created = seconds(creating);
            prepareDatabases(blue, schema);
            String blueVersion = query(blue, options.databases().get(0), "SHOW server_version");
            out.printf(Locale.ROOT, "  Blue %s: PostgreSQL %s at %s:%d (created in %.1f s, filled in %.1f s); databases %s"
                    + " with %s; workload: %s, %d clients, %s%n", BLUE, blueVersion, blue.host(), blue.port(), created,
                    seconds(creating) - created, options.databases(),
                    schema == null ? "the demo's schema" : "the schema of " + options.schema(),
                    options.workload() == null ? "the demo's" : options.workload().toString(), options.clients(),
                    options.rate() == 0 ? "as fast as answered" : options.rate() + " statements/s");
            try (GreenHandover handover = new GreenHandover(options.databases(), blue.major(), USER, password);
                 UpgradeApi api = new UpgradeApi(stack.coordinator(), stack.apiUser().name(), stack.apiUser().password())) {
                WorkloadClients clients = new WorkloadClients(workload, options.databases(), options.clients(),
                        options.rate(), new BlueName(rds, blue, handover), USER, password);
                clients.start();
                try {
                    return upgrade(rds, api, blue, blueVersion, clients, handover, schema == null, began);
                } finally {
                    clients.stop();
                }
            }
        }
    }

    private Report upgrade(RdsClient rds, UpgradeApi api, Endpoint blue, String blueVersion, WorkloadClients clients,
                           GreenHandover handover, boolean defaultSchema, long began) throws Exception {
        String id = null;
        Map<?, ?> last = Map.of();
        String failure = null;
        try {
            id = String.valueOf(api.submit(plan(blue)).get("upgradeId"));
            out.printf(Locale.ROOT, "  submitted upgrade %s: %s %s -> %s, %s strategy, automatic switchover, rename repoint%n",
                    id, BLUE, blueVersion, TARGET_VERSION, options.strategy());
            last = watch(api, id, clients, handover);
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        String phase = String.valueOf(last.get("phase"));
        boolean completed = "COMPLETED".equals(phase);
        if (failure == null && !FINAL_PHASES.contains(phase)) {
            failure = "gave up after " + options.timeout().toSeconds() + " s with the upgrade in " + phase;
        } else if (failure == null && !completed) {
            failure = "the upgrade stopped in " + phase + ": " + last.get("lastFailure");
        }
        long proving = System.nanoTime();
        Endpoint answering = null;
        if (completed) {
            answering = awaitGreenWrite(rds, blue, clients);
        }
        clients.stop();
        Proof proof = new Proof();
        try {
            answering = answering != null ? answering : resolve(rds);
            checkLedger(answering, clients, proof);
            if (completed) {
                proof.greenVersion = query(answering, options.databases().get(0), "SHOW server_version");
                if (answering.sameServer(blue)) {
                    proof.failures.add("the upgrade COMPLETED but Blue's name still reaches Blue (PostgreSQL "
                            + proof.greenVersion + "): the repoint did not rename");
                } else {
                    compare(rds, blue, answering, handover, proof);
                    if (defaultSchema) {
                        newRowOnGreen(answering, proof);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            proof.failures.add("the proof could not be completed (" + SqlErrors.state(e) + "): " + e.getMessage());
        }
        if (failure == null && !proof.failures.isEmpty()) {
            failure = String.join("; ", proof.failures);
        }
        List<Phases.Phase> phases = List.of();
        if (id != null) {
            try {
                phases = Phases.of(api.events(id));
            } catch (RuntimeException e) {
                failure = failure == null ? "the audit trail could not be read: " + e.getMessage() : failure;
            }
        }
        out.printf(Locale.ROOT, "  checked in %.1f s%n", seconds(proving));
        String greenVersion = proof.greenVersion != null ? proof.greenVersion
                : last.get("green") instanceof Map<?, ?> green && green.get("engineVersion") != null
                ? String.valueOf(green.get("engineVersion")) : null;
        Report report = new Report(id, blueVersion, greenVersion, TARGET_VERSION, phases,
                (String) last.get("snapshotLsn"), (String) last.get("snapshotLsnMethod"), proof.tablesCompared,
                proof.mismatches, proof.behind, clients.committed(), proof.lost, proof.duplicated, clients.workloadErrors(),
                clients.longestUnavailable().toMillis(), completed, failure);
        clients.longestUnavailableEndedAt().ifPresent(at -> out.println("  the longest time without an answer ended at "
                + at + Phases.at(report.phases(), at).map(name -> " in " + name).orElse("")));
        proof.examples.forEach(line -> out.println("  " + line));
        if (clients.workloadErrors() > 0) {
            out.println("  last workload error: " + clients.lastWorkloadError());
        }
        out.println();
        out.printf(Locale.ROOT, "  rehearsal finished in %.1f s%n", seconds(began));
        report.summary().forEach(line -> out.println("  " + line));
        return report;
    }

    /** What the checks after the upgrade found. */
    private static final class Proof {
        String greenVersion;
        int tablesCompared;
        long lost;
        long duplicated;
        final List<String> mismatches = new ArrayList<>();
        final List<String> behind = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> examples = new ArrayList<>();
    }

    private Map<String, Object> plan(Endpoint blue) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", BLUE, "region", LocalStack.REGION, "engine", "postgres",
                "host", blue.host(), "port", blue.port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
        plan.put("targetVersion", TARGET_VERSION);
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", options.databases());
        plan.put("strategy", options.strategy());
        plan.put("lagThresholdBytes", 256 * 1024);
        plan.put("holdDurationMs", 2000);
        plan.put("switchoverMode", "automatic");
        plan.put("repoint", "rename");
        plan.put("verifyMode", "row_count");
        plan.put("sequenceMargin", 1000);
        return plan;
    }

    /**
     * Polls the upgrade until it ends or the timeout; prints a line when the phase or the steps waited for change, when
     * a new lag sample came while replicating (at most one a second), and every 5 s otherwise.
     */
    private Map<?, ?> watch(UpgradeApi api, String id, WorkloadClients clients, GreenHandover handover)
            throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + options.timeout().toNanos();
        String shown = "";
        String shownLag = "";
        long shownAt = 0;
        Map<?, ?> view = Map.of();
        boolean unanswered = false;
        while (System.nanoTime() < deadline) {
            try {
                view = api.view(id);
                unanswered = false;
            } catch (UpgradeApi.RefusedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!unanswered) {
                    out.println("  the coordinator did not answer (" + e.getMessage() + "); asking again");
                }
                unanswered = true;
                Thread.sleep(500);
                continue;
            }
            String phase = String.valueOf(view.get("phase"));
            if (Set.of("REPLICATING", "READY_FOR_SWITCHOVER", "SWITCHING_OVER").contains(phase)
                    && view.get("green") instanceof Map<?, ?> green && green.get("host") != null
                    && green.get("port") instanceof Number port) {
                handover.prepare(String.valueOf(green.get("host")), port.intValue());
            }
            String waiting = Progress.waiting(view);
            String lag = phase.equals("REPLICATING") ? Progress.lag(lag(api, id)) : "";
            long now = System.nanoTime();
            boolean changed = !(phase + waiting).equals(shown);
            boolean newLag = !lag.isEmpty() && !lag.equals(shownLag) && now - shownAt >= 1_000_000_000L;
            if (changed || newLag || now - shownAt >= 5_000_000_000L) {
                out.println(Progress.line((now - began) / 1e9, phase, waiting, lag, clients.committed()));
                shown = phase + waiting;
                shownLag = lag;
                shownAt = now;
            }
            if (FINAL_PHASES.contains(phase)) {
                return view;
            }
            Thread.sleep(250);
        }
        return view;
    }

    /** The latest lag of each database, from the coordinator; empty when it has none or does not answer. */
    private static Map<String, Long> lag(UpgradeApi api, String id) {
        try {
            return api.lag(id);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * After COMPLETED: waits until a workload transaction committed on Green, so the write-unavailable window is
     * closed; Blue's name as it resolves then.
     */
    private Endpoint awaitGreenWrite(RdsClient rds, Endpoint blue, WorkloadClients clients) throws InterruptedException {
        long deadline = System.nanoTime() + GREEN_WRITE_WAIT.toNanos();
        while (clients.committedOnGreen() == 0 && System.nanoTime() < deadline) {
            Endpoint now = resolve(rds);
            if (now.sameServer(blue)) {
                return now; // not renamed: no client will reach Green
            }
            Thread.sleep(50);
        }
        if (clients.committedOnGreen() == 0) {
            out.printf(Locale.ROOT, "  no workload transaction committed on Green within %d s of COMPLETED%n",
                    GREEN_WRITE_WAIT.toSeconds());
        }
        return resolve(rds);
    }

    /** Every acknowledged write on Green exactly once, database by database. */
    private void checkLedger(Endpoint green, WorkloadClients clients, Proof proof) throws SQLException {
        for (String database : options.databases()) {
            try (Connection c = DriverManager.getConnection(green.jdbcUrl(database), USER, password)) {
                Ledger.Check check = Ledger.check(database, clients.acknowledged(database), Catalogs.acks(c));
                proof.lost += check.lost();
                proof.duplicated += check.duplicated();
                proof.examples.addAll(check.examples());
            }
        }
    }

    /**
     * Every user table of the fenced old Blue against Green as it was handed over; every sequence of Blue against
     * Green now; every sequence-fed column of Green against its sequence.
     */
    private void compare(RdsClient rds, Endpoint blue, Endpoint green, GreenHandover handover, Proof proof)
            throws SQLException {
        Endpoint oldBlue = oldBlue(rds, blue);
        handover.problem().ifPresent(proof.failures::add);
        if (handover.heldAt().isEmpty() && handover.problem().isEmpty()) {
            proof.failures.add("Green's state at the handover was not held (no client resolved Blue's name to Green): "
                    + "compared with Green as it is now");
        }
        out.printf(Locale.ROOT, "  comparing the fenced old Blue %s with Green %s%s%n", oldBlue, green,
                handover.heldAt().map(at -> " as handed over at " + at).orElse(" as it is now"));
        for (String database : options.databases()) {
            try (Connection b = session(oldBlue, database); Connection now = session(green, database)) {
                Optional<Connection> held = handover.session(database);
                Map<String, TableFigures> blueTables = Catalogs.tables(b);
                Map<String, TableFigures> greenTables = Catalogs.tables(held.orElse(now));
                proof.tablesCompared += Comparison.compared(blueTables, greenTables);
                proof.mismatches.addAll(Comparison.tableMismatches(database, blueTables, greenTables));
                proof.behind.addAll(Comparison.sequencesBehind(database, Catalogs.sequences(b), Catalogs.sequences(now)));
                proof.behind.addAll(Comparison.columnsBehind(database, Catalogs.sequenceColumns(now)));
                List<String> left = Catalogs.replicationObjects(b, REPLICATION_PREFIX);
                if (!left.isEmpty()) {
                    proof.failures.add("old Blue " + oldBlue + " still has " + String.join(", ", left) + " in " + database
                            + " after the clean-up (a slot left there retains WAL for ever)");
                }
            }
        }
        if (proof.failures.stream().noneMatch(f -> f.startsWith("old Blue "))) {
            out.printf(Locale.ROOT, "  old Blue %s: no %s replication slot or publication left%n", oldBlue, REPLICATION_PREFIX);
        }
    }

    /** The old Blue after the rename: the instance that still answers at Blue's endpoint under another name. */
    private static Endpoint oldBlue(RdsClient rds, Endpoint blue) {
        for (DBInstance instance : rds.describeDBInstances().dbInstances()) {
            if (instance.endpoint() != null && instance.endpoint().port() != null
                    && !instance.dbInstanceIdentifier().equals(BLUE)) {
                Endpoint candidate = Endpoint.of(instance);
                if (candidate.sameServer(blue)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("no instance other than " + BLUE + " answers at Blue's endpoint " + blue.host()
                + ":" + blue.port() + ": the old Blue cannot be compared");
    }

    /** A new order on Green through its bigserial column, as an application would write it. */
    private void newRowOnGreen(Endpoint green, Proof proof) {
        for (String database : options.databases()) {
            if (!database.equals("billing")) {
                try (Connection c = DriverManager.getConnection(green.jdbcUrl(database), USER, password);
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("INSERT INTO orders"
                             + " (customer_id, total, items) VALUES ((SELECT min(id) FROM customers), 1.00,"
                             + " '{\"note\": \"first order on Green\"}') RETURNING id")) {
                    rs.next();
                    out.printf(Locale.ROOT, "  a new order on Green (%s) took id %d from the synced sequence%n", database,
                            rs.getLong(1));
                } catch (SQLException e) {
                    proof.behind.add(database + ".public.orders: a new row on Green failed (SQLSTATE "
                            + SqlErrors.state(e) + "): " + e.getMessage());
                }
                return;
            }
        }
    }

    private Connection session(Endpoint endpoint, String database) throws SQLException {
        Connection c = DriverManager.getConnection(endpoint.jdbcUrl(database), USER, password);
        try (Statement s = c.createStatement()) {
            s.execute(Catalogs.TEXT_SETTINGS);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static String readSchema(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new IllegalArgumentException("schema file " + file + " is empty");
            }
            return text;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("schema file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("schema file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Blue as production has it: its own tuned parameter group, with logical replication off (the plan allows the one
     * reboot that turns it on; the tuning is kept in the copy and carried to Green's 17 group, except the parameter 17
     * no longer has), tags and backups that Green inherits.
     */
    private Endpoint createBlue(RdsClient rds) throws InterruptedException {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName(BLUE_GROUP).dbParameterGroupFamily("postgres16")
                .description("the demo Blue's own tuning"));
        rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(BLUE_GROUP).parameters(
                tuned("work_mem", "16384"), tuned("log_min_duration_statement", "1000"),
                tuned("old_snapshot_threshold", "60")));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion(BLUE_VERSION)
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password)
                .dbParameterGroupName(BLUE_GROUP).backupRetentionPeriod(7)
                .tags(Tag.builder().key("team").value("orders").build()));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            DBInstance instance = describe(rds);
            if ("available".equals(instance.dbInstanceStatus()) && instance.endpoint() != null) {
                return Endpoint.of(instance);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Blue " + BLUE + " did not become available in 2 minutes: "
                        + instance.dbInstanceStatus());
            }
            Thread.sleep(200);
        }
    }

    private static Parameter tuned(String name, String value) {
        return Parameter.builder().parameterName(name).parameterValue(value).applyMethod("pending-reboot").build();
    }

    /**
     * Creates the databases, applies the schema (the file whole, as one simple-protocol query, so dollar-quoted bodies
     * and several statements per line work), and the ledger.
     */
    private void prepareDatabases(Endpoint blue, String schemaFile) throws SQLException {
        try (Connection c = DriverManager.getConnection(blue.jdbcUrl("postgres"), USER, password);
             Statement s = c.createStatement()) {
            for (String database : options.databases()) {
                s.execute("CREATE DATABASE " + database);
            }
        }
        for (String database : options.databases()) {
            try (Connection c = DriverManager.getConnection(blue.jdbcUrl(database) + "&preferQueryMode=simple", USER,
                    password); Statement s = c.createStatement()) {
                try {
                    s.execute(schemaFile == null ? DefaultSchema.schema(database) : schemaFile);
                } catch (SQLException e) {
                    if (schemaFile == null) {
                        throw e;
                    }
                    throw new IllegalArgumentException("schema file " + options.schema() + " failed on database "
                            + database + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage());
                }
                s.execute(Ledger.CREATE);
            }
        }
    }

    private static DBInstance describe(RdsClient rds) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(BLUE)).dbInstances().get(0);
    }

    private static Endpoint resolve(RdsClient rds) {
        return Endpoint.of(describe(rds));
    }

    private String query(Endpoint endpoint, String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl(database), USER, password);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
