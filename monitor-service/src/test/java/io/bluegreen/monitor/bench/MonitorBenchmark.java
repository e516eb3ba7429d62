package io.bluegreen.monitor.bench;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.monitor.lag.PgConnector;
import io.bluegreen.runtime.kafka.TopicInstaller;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.bluegreen.schemas.serde.MessageCodec;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;

/**
 * Watches many databases on the local test bed and prints databases watched, interval held, CPU used and
 * connections open. Not a test: run it by hand (see the module README).
 *
 * <p>Builds its own Kafka broker and PostgreSQL 16 (Blue) and 17 (Green) servers with room for the slots:
 * every database gets a table, a publication and a slot on Blue and a subscription on Green
 * ({@code connect = false}, then enabled for the first {@code bench.active} databases, so that many apply
 * workers really run). The databases are announced in {@code ReplicationEstablished} events of
 * {@code bench.per-upgrade} databases each; a monitor (the real service, in this JVM) samples them every
 * {@code bench.interval}; the lag topic is read back to see whether each database got its sample every interval.
 *
 * <p>Properties: {@code bench.databases} (500), {@code bench.per-upgrade} (10), {@code bench.active} (16),
 * {@code bench.interval} (5s), {@code bench.schema-interval} (60s), {@code bench.duration} (120s),
 * {@code bench.baseline} (30s: PostgreSQL's CPU measured before the monitor starts), {@code bench.warmup-seconds} (180).
 */
public final class MonitorBenchmark {

    private static final String TEMPLATE = "bench_template";

    public static void main(String[] args) throws Exception {
        int databases = Integer.getInteger("bench.databases", 500);
        int perUpgrade = Integer.getInteger("bench.per-upgrade", 10);
        int active = Integer.getInteger("bench.active", 16);
        Duration interval = Duration.parse("PT" + System.getProperty("bench.interval", "5s").toUpperCase());
        Duration schemaInterval = Duration.parse("PT" + System.getProperty("bench.schema-interval", "60s").toUpperCase());
        Duration duration = Duration.parse("PT" + System.getProperty("bench.duration", "120s").toUpperCase());
        System.out.printf("[bench] %d databases (%d per upgrade, %d subscriptions enabled), interval %s, schema %s, "
                + "measuring %s on %d cores%n", databases, perUpgrade, active, interval, schemaInterval, duration,
                Runtime.getRuntime().availableProcessors());

        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
             LocalPostgres blue = LocalPostgres.builder(16).name("bench-blue")
                     .setting("max_replication_slots", Integer.toString(databases + 10))
                     .setting("max_wal_senders", Integer.toString(active + 10)).start();
             LocalPostgres green = LocalPostgres.builder(17).name("bench-green")
                     .setting("max_logical_replication_workers", Integer.toString(active + 4))
                     .setting("max_worker_processes", Integer.toString(active + 16)).start()) {
            long began = System.nanoTime();
            List<String> names = prepare(blue, green, databases, active);
            System.out.printf("[bench] %d databases with replication prepared in %d s%n", names.size(),
                    (System.nanoTime() - began) / 1_000_000_000);

            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicInstaller.ensureTopics(admin, 12, Optional.empty());
            }
            Map<String, List<Instant>> sampleTimes = new ConcurrentHashMap<>();
            Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
            LagReader reader = new LagReader(kafka.bootstrapServers(), sampleTimes, latencies);
            reader.start();
            announce(kafka.bootstrapServers(), blue, green, names, perUpgrade);

            Map<String, Object> properties = new HashMap<>();
            properties.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            properties.put("micronaut.server.port", -1);
            properties.put("bluegreen.topics.partitions", 12);
            properties.put("bluegreen.monitor.sample-interval", interval.toMillis() + "ms");
            properties.put("bluegreen.monitor.schema-interval", schemaInterval.toMillis() + "ms");
            properties.put("bluegreen.credentials.blue.username", blue.superuser());
            properties.put("bluegreen.credentials.blue.password", blue.password());
            properties.put("bluegreen.credentials.blue.hosts", "127.0.0.1,localhost");
            properties.put("bluegreen.credentials.green.username", green.superuser());
            properties.put("bluegreen.credentials.green.password", green.password());
            properties.put("bluegreen.credentials.green.hosts", "127.0.0.1,localhost");
            Duration baseline = Duration.parse("PT" + System.getProperty("bench.baseline", "30s").toUpperCase());
            long pgBefore = postgresCpuTicks(blue) + postgresCpuTicks(green);
            // PostgreSQL's own load (autovacuum of N databases, idle workers): a window with no monitor connected
            try (Connection blueAdmin = blue.connect("postgres"); Connection greenAdmin = green.connect("postgres")) {
                await().during(baseline).atMost(baseline.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> monitorConnections(blueAdmin) + monitorConnections(greenAdmin) == 0);
            }
            double pgBaseline = (postgresCpuTicks(blue) + postgresCpuTicks(green) - pgBefore) / 100.0
                    / baseline.toSeconds();
            System.out.printf("[bench] both PostgreSQL without the monitor: %.3f cores (over %d s)%n", pgBaseline,
                    baseline.toSeconds());
            try (EmbeddedServer monitor = ApplicationContext.run(EmbeddedServer.class, properties)) {
                long warmupStart = System.nanoTime();
                await("every database sampled within the warm-up")
                        .atMost(Duration.ofSeconds(Long.getLong("bench.warmup-seconds", 180)))
                        .pollInterval(Duration.ofMillis(200)).until(() -> sampleTimes.size() >= names.size());
                System.out.printf("[bench] all %d databases sampled %d ms after the monitor started%n", names.size(),
                        (System.nanoTime() - warmupStart) / 1_000_000);
                measure(monitor, blue, green, names.size(), interval, duration, sampleTimes, latencies, pgBaseline,
                        reader);
            }
            reader.stop();
        }
        System.exit(0);
    }

    private static void measure(EmbeddedServer monitor, LocalPostgres blue, LocalPostgres green, int databases,
                                Duration interval, Duration duration, Map<String, List<Instant>> sampleTimes,
                                Map<String, List<Long>> latencies, double pgBaseline, LagReader reader)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, Long> monitorCpuStart = monitorThreadCpu(threads);
        long processCpuStart = os.getProcessCpuTime();
        long pgCpuStart = postgresCpuTicks(blue) + postgresCpuTicks(green);
        Instant from = Instant.now();
        latencies.clear();
        long samplesBefore = reader.samples.get();
        long fingerprintedBefore = reader.fingerprinted.get();
        long wallStart = System.nanoTime();
        List<Integer> connections = new ArrayList<>();
        try (Connection blueAdmin = blue.connect("postgres"); Connection greenAdmin = green.connect("postgres")) {
            // count the monitor's connections every 250 ms for the whole window
            await().during(duration).atMost(duration.plusSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> connections.add(monitorConnections(blueAdmin) + monitorConnections(greenAdmin)));
        }
        long wallNanos = System.nanoTime() - wallStart;
        long samplesInWindow = reader.samples.get() - samplesBefore;
        long fingerprintedInWindow = reader.fingerprinted.get() - fingerprintedBefore;
        Instant to = Instant.now();
        Map<Long, Long> monitorCpuEnd = monitorThreadCpu(threads);
        long monitorCpu = 0;
        for (Map.Entry<Long, Long> end : monitorCpuEnd.entrySet()) {
            monitorCpu += end.getValue() - monitorCpuStart.getOrDefault(end.getKey(), 0L);
        }
        long processCpu = os.getProcessCpuTime() - processCpuStart;
        long pgCpuTicks = postgresCpuTicks(blue) + postgresCpuTicks(green) - pgCpuStart;
        double wallSeconds = wallNanos / 1e9;

        // interval held: every database's samples inside the window, their gaps, and how late each was published
        long expected = duration.toMillis() / interval.toMillis();
        List<Long> gaps = new ArrayList<>();
        int held = 0;
        for (List<Instant> times : sampleTimes.values()) {
            List<Instant> window;
            synchronized (times) {
                window = times.stream().filter(t -> !t.isBefore(from) && t.isBefore(to)).toList();
            }
            for (int i = 1; i < window.size(); i++) {
                gaps.add(Duration.between(window.get(i - 1), window.get(i)).toMillis());
            }
            if (window.size() >= expected - 1) {
                held++;
            }
        }
        List<Long> late = new ArrayList<>();
        latencies.values().forEach(list -> {
            synchronized (list) {
                late.addAll(list);
            }
        });
        Collections.sort(gaps);
        Collections.sort(late);
        System.out.println("[bench] ---------------------------------------------------------------");
        System.out.printf("[bench] databases watched          %d (%d with samples)%n", databases, sampleTimes.size());
        System.out.printf("[bench] interval held              %d of %d databases got >= %d samples in %.0f s "
                + "(interval %d ms)%n", held, databases, expected - 1, wallSeconds, interval.toMillis());
        System.out.printf("[bench] gap between samples (ms)   p50 %d, p99 %d, max %d (%d gaps)%n", pct(gaps, 50),
                pct(gaps, 99), pct(gaps, 100), gaps.size());
        System.out.printf("[bench] tick to publish (ms)       p50 %d, p99 %d, max %d%n", pct(late, 50), pct(late, 99),
                pct(late, 100));
        System.out.printf("[bench] CPU, monitor threads       %.3f cores (%.1f%% of 2 cores)%n",
                monitorCpu / 1e9 / wallSeconds, 100 * monitorCpu / 1e9 / wallSeconds / 2);
        System.out.printf("[bench] CPU, whole JVM (+broker)   %.3f cores%n", processCpu / 1e9 / wallSeconds);
        System.out.printf("[bench] CPU, both PostgreSQL       %.3f cores (%.3f without the monitor)%n",
                pgCpuTicks / 100.0 / wallSeconds, pgBaseline);
        System.out.printf("[bench] samples published          %d (%.0f/s), %.1f%% with both fingerprints%n",
                samplesInWindow, samplesInWindow / wallSeconds, 100.0 * fingerprintedInWindow / Math.max(1, samplesInWindow));
        System.out.printf("[bench] fingerprinted at the end     %d of %d databases (both sides, latest sample)%n",
                reader.latestFingerprinted.values().stream().filter(b -> b).count(), databases);
        System.out.printf("[bench] connections open           max %d, mean %.1f (monitor's, on both servers)%n",
                connections.stream().mapToInt(Integer::intValue).max().orElse(0),
                connections.stream().mapToInt(Integer::intValue).average().orElse(0));
        System.out.println(scrape(monitor));
        System.out.println("[bench] ---------------------------------------------------------------");
    }

    /** One scrape of /prometheus after two warm-up scrapes; its size and time. */
    private static String scrape(EmbeddedServer monitor) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(monitor.getURI().resolve("/prometheus"))
                .timeout(Duration.ofSeconds(60)).build();
        try {
            for (int i = 0; i < 2; i++) {
                http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            }
            long began = System.nanoTime();
            String metrics = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return String.format("[bench] /prometheus                %d KB, %d lines, scraped in %d ms",
                    metrics.length() / 1024, metrics.lines().count(), (System.nanoTime() - began) / 1_000_000);
        } catch (Exception e) {
            return "[bench] /prometheus                not scraped: " + e;
        }
    }

    private static long pct(List<Long> sorted, int percentile) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** CPU time of the monitor's own threads: sampler, probes, publisher, events consumer, Kafka producer. */
    private static Map<Long, Long> monitorThreadCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("bluegreen-monitor")) {
                long time = threads.getThreadCpuTime(info.getThreadId());
                if (time >= 0) {
                    cpu.put(info.getThreadId(), time);
                }
            }
        }
        return cpu;
    }

    /** utime + stime of the postmaster, its reaped children and its live children, in clock ticks. */
    private static long postgresCpuTicks(LocalPostgres server) throws Exception {
        String pid = Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim();
        long ticks = 0;
        String[] main = stat(pid);
        ticks += Long.parseLong(main[13]) + Long.parseLong(main[14]) + Long.parseLong(main[15]) + Long.parseLong(main[16]);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String[] fields = stat(proc.getFileName().toString());
                    if (fields[3].equals(pid)) {
                        ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                    }
                } catch (Exception gone) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks;
    }

    private static String[] stat(String pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        // the command name may hold spaces: split after its closing parenthesis
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] tail = rest.split(" ");
        String[] fields = new String[tail.length + 2];
        fields[0] = pid;
        fields[1] = "comm";
        System.arraycopy(tail, 0, fields, 2, tail.length);
        return fields;
    }

    private static int monitorConnections(Connection admin) throws SQLException {
        try (Statement statement = admin.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + PgConnector.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> prepare(LocalPostgres blue, LocalPostgres green, int count, int active)
            throws Exception {
        for (LocalPostgres server : List.of(blue, green)) {
            server.createDatabase(TEMPLATE);
            sql(server, TEMPLATE, "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, payload text, "
                    + "created_at timestamptz DEFAULT now())");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(String.format("bench_%04d", i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String name : names) {
                work.add(pool.submit(() -> {
                    for (LocalPostgres server : List.of(blue, green)) {
                        sql(server, "postgres", "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE
                                + " STRATEGY FILE_COPY");
                    }
                    sql(blue, name, "CREATE PUBLICATION pub_" + name + " FOR TABLE items",
                            "SELECT pg_create_logical_replication_slot('slot_" + name + "', 'pgoutput')");
                    sql(green, name, "CREATE SUBSCRIPTION sub_" + name + " CONNECTION '" + blue.conninfo(name)
                            + " password=" + blue.password() + "' PUBLICATION pub_" + name
                            + " WITH (connect = false, slot_name = 'slot_" + name + "')");
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < Math.min(active, names.size()); i++) {
            sql(green, names.get(i), "ALTER SUBSCRIPTION sub_" + names.get(i) + " ENABLE");
            sql(blue, names.get(i), "INSERT INTO items (payload) SELECT md5(g::text) FROM generate_series(1, 100) g");
        }
        return names;
    }

    private static void announce(String bootstrap, LocalPostgres blue, LocalPostgres green, List<String> names,
                                 int perUpgrade) throws Exception {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new AvroMessageSerializer<>())) {
            for (int start = 0; start < names.size(); start += perUpgrade) {
                String upgradeId = "bench-" + UUID.randomUUID();
                List<ReplicatedDatabase> databases = names.subList(start, Math.min(names.size(), start + perUpgrade))
                        .stream().map(name -> new ReplicatedDatabase(name,
                                new ReplicationNames("pub_" + name, "slot_" + name, "sub_" + name))).toList();
                ReplicationEstablished event = ReplicationEstablished.newBuilder().setUpgradeId(upgradeId)
                        .setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setBlue(ClusterRef.newBuilder().setHost(blue.host()).setPort(blue.port())
                                .setCredentialsRef("blue").build())
                        .setGreen(ClusterRef.newBuilder().setHost(green.host()).setPort(green.port())
                                .setCredentialsRef("green").build())
                        .setDatabases(databases).setLagThresholdBytes(16L << 20).setHoldDurationMs(60_000).build();
                producer.send(new ProducerRecord<>(Topics.UPGRADE_EVENTS, upgradeId, event)).get();
            }
        }
    }

    private static void sql(LocalPostgres server, String database, String... statements) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(server + " database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Reads the lag topic: sample times per database, and how long after its tick each sample was published. */
    private static final class LagReader {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, List<Instant>> sampleTimes;
        private final Map<String, List<Long>> latencies;
        private final Thread thread;
        private volatile boolean running = true;
        final java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong fingerprinted = new java.util.concurrent.atomic.AtomicLong();
        final Map<String, Boolean> latestFingerprinted = new ConcurrentHashMap<>();

        LagReader(String bootstrap, Map<String, List<Instant>> sampleTimes, Map<String, List<Long>> latencies) {
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.sampleTimes = sampleTimes;
            this.latencies = latencies;
            this.thread = new Thread(this::run, "bench-lag-reader");
            this.thread.setDaemon(true);
        }

        void start() {
            consumer.subscribe(List.of(Topics.LAG));
            thread.start();
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ReplicationLagMeasured sample = (ReplicationLagMeasured) MessageCodec.standard().decode(record);
                    String key = sample.getUpgradeId() + "/" + sample.getDatabase();
                    samples.incrementAndGet();
                    boolean both = sample.getBlueSchemaFingerprint() != null && sample.getGreenSchemaFingerprint() != null;
                    if (both) {
                        fingerprinted.incrementAndGet();
                    }
                    latestFingerprinted.put(key, both);
                    List<Instant> times = sampleTimes.computeIfAbsent(key, k -> new ArrayList<>());
                    synchronized (times) {
                        times.add(sample.getOccurredAt());
                    }
                    List<Long> late = latencies.computeIfAbsent(key, k -> new ArrayList<>());
                    synchronized (late) {
                        late.add(record.timestamp() - sample.getOccurredAt().toEpochMilli());
                    }
                }
            }
            consumer.close();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }
    }
}
