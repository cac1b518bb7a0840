package io.tunet.stack.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.stack.support.Microscope;
import io.tunet.stack.support.RepoPaths;
import io.tunet.stack.support.ResultsDatabase;
import io.tunet.stack.support.ResultsDatabase.Timing;
import io.tunet.stack.support.ServingModel;
import io.tunet.stack.support.Stack;
import io.tunet.testkit.TestDirectories;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The whole line at a steady rate for a long time (issue 18): every service its own process as in {@code StackIT},
 * HPA-Synth fields at S = {@code size} published at {@code rate} fields/s for {@code minutes}, a share of them
 * labelled by a curator through the results sink (so training stores labels, retrains and its retention pass has
 * something to keep and something to drop), and training's retention pass every minute with a small unlabelled
 * window and a short blob grace, so that its blob garbage collection runs many times within the run.
 *
 * <p>Every minute it samples the memory of every process of the line (PSS, the proportional set size: resident
 * pages, each shared page divided among the processes that map it, so that PostgreSQL's backends, which all map
 * the same shared buffers, are not counted once per backend as a sum of their RSS would), the disk used by every data
 * directory (blob store, Kafka log dir, PostgreSQL tables and WAL, training's data folder), how many fields were
 * published and stored, the end-to-end latency of the fields stored in that minute, and training's retention
 * gauges. After a warm-up ({@code warmup}, a share of the run) it fits a line to each series and passes only if
 * <ul>
 *   <li>every process's PSS grows less than {@value #MEMORY_BOUND_PERCENT_PER_HOUR}% of its level per hour;</li>
 *   <li>what must not grow does not: the blob store and training's data folder grow at most by what retention keeps
 *       on purpose (the labelled fields' stains and sample-cache records, index lines, model artefacts in use), and
 *       training's run folders by at most 2 MiB per run (report, plots, snapshot);</li>
 *   <li>what must grow (Kafka's logs, within the topics' retention; PostgreSQL's rows) grows by a bounded number of
 *       bytes per field, and the WAL stays under {@code max_wal_size};</li>
 *   <li>the line lost nothing: every published field is stored;</li>
 *   <li>the garbage collector ran: retention dropped unlabelled samples and deleted blobs during the run.</li>
 * </ul>
 * Writes {@code target/soak/soak.csv}, {@code soak.png} (memory and disk over time) and {@code soak.md}; exits 1 on
 * a failed verdict.
 *
 * <p>Arguments ({@code key=value}): {@code minutes=30}, {@code rate=12} fields/s, {@code size=128}, {@code labels=0.05}
 * (share of fields a curator labels), {@code warmup=0.33} (share of the run left out of the fits),
 * {@code retrain-labels=0} (training's new-labels trigger; 0: a quarter of the labels the run will post).
 */
public final class SoakBenchmark {

    static final double MEMORY_BOUND_PERCENT_PER_HOUR = 5;
    /** Fields synthesised before the run and published round and round, each with bytes of its own. */
    private static final int POOL = 300;
    private static final String TRIGGER_TOKEN = "soak-trigger-token-0123456789";
    /** Labels posted before the first training run is requested, during the warm-up (libtorch loads then). */
    private static final int LABELS_BEFORE_FIRST_RUN = 40;
    private static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);
    private static final String SIMULATOR = "simulator";
    private static final List<String> LINE = List.of(Stack.INGEST, Stack.INFERENCE, Stack.RESULTS, Stack.TRAINING,
            Stack.BROKER, Stack.POSTGRES);
    static final String BLOBS = "blob store";
    static final String KAFKA = "Kafka log dir";
    static final String POSTGRES_TABLES = "PostgreSQL data (no WAL)";
    static final String POSTGRES_WAL = "PostgreSQL WAL";
    static final String TRAINING_DATA = "training data (no run folders)";
    static final String TRAINING_RUNS = "training run folders";
    /** In a sample's training map: 1 when a training run was in progress while the sample was taken, else 0. */
    static final String TRAINING_RUN_IN_PROGRESS = "training_run_in_progress";
    private static final List<String> TRAINING_METRICS = List.of(
            "training_retention_samples{state=\"labelled\"}", "training_retention_samples{state=\"unlabelled\"}",
            "training_retention_owned_blob_bytes", "training_retention_samples_dropped_total",
            "training_retention_blobs_deleted_total", "training_retention_index_compactions_total",
            "training_retention_failures_total", "training_retention_foreign_blobs_deleted_total",
            "training_retention_foreign_blob_bytes", "training_retention_foreign_horizon_seconds");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SoakBenchmark() {
    }

    /** One minute's sample. {@code running} is false for the sample taken after the last field was stored. */
    record Sample(double minutes, boolean running, double load, int published, long stored, int labels,
                  double p50Millis, double p99Millis, Map<String, Long> memory, Map<String, Long> disk,
                  Map<String, Double> training, Map<String, Long> collections, long trainingRuns) {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args, Map.of("minutes", "30", "rate", "12", "size", "128",
                "labels", "0.05", "warmup", "0.33", "retrain-labels", "0", "claim-checked", "0.1",
                "topic-retention-minutes", "5"));
        double minutes = options.getDouble("minutes");
        double rate = options.getDouble("rate");
        int size = options.getInt("size");
        double labelShare = options.getDouble("labels");
        double warmup = options.getDouble("warmup");
        double claimShare = options.getDouble("claim-checked");
        double topicRetentionMinutes = options.getDouble("topic-retention-minutes");
        int total = (int) Math.round(rate * minutes * 60);
        int expectedLabels = (int) Math.floor(total * labelShare);
        int retrainLabels = options.getInt("retrain-labels") > 0 ? options.getInt("retrain-labels")
                : Math.max(20, expectedLabels / 4);

        Path home = RepoPaths.target("soak");
        if (Files.isDirectory(home)) {
            Stack.killLeftovers(home);
            TestDirectories.deleteRecursively(home);
        }
        Files.createDirectories(home);
        Path model = ServingModel.export(Files.createDirectories(home.resolve("model")), size);
        System.out.println("synthesising " + POOL + " HPA-Synth fields at " + size + "²...");
        FieldSupply supply = FieldSupply.syntheticPool(size, POOL);
        double stainBytesPerField = supply.pool().stream().mapToLong(SoakBenchmark::stainBytes).average().orElseThrow();

        Map<String, String> training = new LinkedHashMap<>();
        training.put("TRAINING_RETENTION_EVERY", "1m");
        training.put("TRAINING_RETENTION_UNLABELLED_MAX", "1000");
        // an unlabelled sample's stains are gone within window + period + grace (3 min): well inside the warm-up
        training.put("TRAINING_RETENTION_UNLABELLED_MAX_AGE", "1m");
        training.put("TRAINING_RETENTION_BLOB_GRACE", "1m");
        training.put("TRAINING_TRIGGER_NEW_LABELS", Integer.toString(retrainLabels));
        training.put("TRAINING_TRIGGER_TOKEN", TRIGGER_TOKEN);
        // another name than the served model's, so inference keeps serving the e2e model whatever a run promotes
        training.put("TRAINING_MODEL_NAME", "tunet-soak");
        training.put("TRAINING_MODEL_INPUT_SIZE", Integer.toString(size));
        training.put("TRAINING_MODEL_EPOCHS", "2");
        training.put("TRAINING_MODEL_LEARNING_RATE", "0.001");

        double loadAtStart = BenchStats.loadAverage();
        String started = Instant.now().toString();
        System.out.printf(Locale.ROOT, "soak: %d fields at %.1f/s over %.0f min, %.0f%% labelled, retrain every %d new"
                + " labels; load average %.1f%n", total, rate, minutes, 100 * labelShare, retrainLabels, loadAtStart);
        List<Sample> samples = new ArrayList<>();
        List<String> missing;
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        Labeller labeller;
        long walLimit;
        try (Stack stack = Stack.start(home.resolve("stack"), model, Map.of(Stack.TRAINING, training), true);
                Microscope microscope = new Microscope(stack.bootstrap(), stack.blobStore());
                Microscope claimChecking = new Microscope(stack.bootstrap(), stack.blobStore(), 0)) {
            if (topicRetentionMinutes > 0) {
                shortenRetention(stack, topicRetentionMinutes);
            }
            ResultsDatabase database = new ResultsDatabase(stack.postgres());
            walLimit = maxWalSize(stack);
            labeller = new Labeller(stack);
            ExecutorService publishing = Executors.newFixedThreadPool(2);
            ScheduledExecutorService labelling = Executors.newSingleThreadScheduledExecutor();
            try {
                BlockingQueue<List<FieldImages>> chunks = new ArrayBlockingQueue<>(10);
                int chunk = (int) Math.max(1, Math.round(rate));
                Future<?> making = publishing.submit(() -> {
                    for (int from = 0; from < total; from += chunk) {
                        chunks.put(supply.fields("SOAK", from, Math.min(chunk, total - from)));
                    }
                    return null;
                });
                long start = System.nanoTime();
                Instant lastSample = Instant.now();
                // paced on one clock for the whole run (pacing per call would restart at every call and drift);
                // each field is acknowledged before the next, so "published" means the broker has it
                Future<?> sending = publishing.submit(() -> {
                    for (int sent = 0; sent < total; ) {
                        for (FieldImages field : chunks.take()) {
                            TimeUnit.NANOSECONDS.sleep(Math.max(0, start + (long) (sent * 1e9 / rate) - System.nanoTime()));
                            (isLabelled(sent, claimShare) ? claimChecking : microscope).publish(List.of(field), 0);
                            if (isLabelled(sent, labelShare)) {
                                labeller.expect(field);
                            }
                            published.add(field.sampleId());
                            sent++;
                        }
                    }
                    return null;
                });
                labelling.scheduleWithFixedDelay(() -> labeller.labelStored(database), 5, 5, TimeUnit.SECONDS);
                for (int minute = 0; ; minute++) {
                    long due = start + minute * SAMPLE_EVERY.toNanos();
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                    Instant now = Instant.now();
                    Sample sample = sample(stack, database, (System.nanoTime() - start) / 60e9, true, published.size(),
                            labeller.posted(), lastSample, now);
                    lastSample = now;
                    samples.add(sample);
                    print(sample);
                    if (sending.isDone() || minute >= Math.ceil(minutes)) {
                        break;
                    }
                }
                sending.get();
                making.get();
                System.out.println("all " + published.size() + " fields published; waiting until every one is stored...");
                missing = database.awaitStored(published, Duration.ofMinutes(10));
                labelling.shutdown();
                labelling.awaitTermination(1, TimeUnit.MINUTES);
                Instant now = Instant.now();
                Sample drained = sample(stack, database, (System.nanoTime() - start) / 60e9, false, published.size(),
                        labeller.posted(), lastSample, now);
                samples.add(drained);
                print(drained);
            } finally {
                publishing.shutdownNow();
                labelling.shutdownNow();
            }
        }

        Verdict verdict = Verdict.of(samples, new Verdict.Setting(minutes * warmup, labelShare, stainBytesPerField,
                Files.size(model), size, walLimit, claimShare, topicRetentionMinutes), published.size(), missing,
                labeller.failures());
        Path csv = home.resolve("soak.csv");
        Files.writeString(csv, csv(samples));
        Path png = home.resolve("soak.png");
        SoakPlot.write(samples, verdict, png, String.format(Locale.ROOT, "soak %s: %d fields at %.1f/s, S = %d, %.0f%%"
                + " labelled; load average %.1f at start", started, published.size(), rate, size, 100 * labelShare,
                loadAtStart));
        String report = "# Soak\n\n" + started + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + String.format(Locale.ROOT, "%.1f", loadAtStart) + " at start. Arguments: " + options
                + ". Fields: " + supply.description() + "; model TUNet cpu preset at S = " + size
                + ". Training's environment: " + training.entrySet().stream().filter(e -> !e.getKey().contains("TOKEN"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")) + "; a first run requested"
                + " after " + LABELS_BEFORE_FIRST_RUN + " labels.\n\n" + verdict.report() + "\nSamples: `" + csv.getFileName()
                + "`, plot: `" + png.getFileName() + "`.\n";
        Files.writeString(home.resolve("soak.md"), report);
        System.out.println(report);
        System.out.println("written to " + home.toAbsolutePath());
        System.exit(verdict.passed() ? 0 : 1);
    }

    /**
     * Gives the line's time-retained topics a retention of {@code minutes}, segments rolled every minute and record
     * timestamps at most a minute ahead, so that records, and with them the claim-checked stains only they reference,
     * age out within the run; and the compacted topics (ingest's changelogs, the broker's {@code __consumer_offsets}
     * and {@code __transaction_state}) segments of a minute (an hour for the changelogs in production, 100 MB for the
     * broker's) and tombstones kept a minute (24 h), so that the cleaner compacts them within the run: the Kafka log
     * directory and the blob store must then stay flat after the warm-up.
     */
    private static void shortenRetention(Stack stack, double minutes) throws Exception {
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        for (var topic : Topics.all()) {
            if (topic.compacted()) {
                continue;
            }
            changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), List.of(
                    set("retention.ms", Long.toString((long) (minutes * 60_000))), set("segment.ms", "60000"),
                    set("message.timestamp.after.max.ms", "60000")));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrap()))) {
            for (String name : admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(1, TimeUnit.MINUTES)) {
                // the changelogs' tombstones go after a minute too (24 h by default); the broker's own compacted
                // topics roll their 100 MB segments, and so compact, long after a soak
                if (name.endsWith("-changelog") || name.equals("__consumer_offsets")
                        || name.equals("__transaction_state")) {
                    changes.put(new ConfigResource(ConfigResource.Type.TOPIC, name), List.of(set("segment.ms", "60000"),
                            set("delete.retention.ms", "60000")));
                }
            }
            if (changes.keySet().stream().noneMatch(r -> r.name().endsWith("-changelog"))) {
                throw new IllegalStateException("ingest's changelog topics are not there to shorten");
            }
            admin.incrementalAlterConfigs(changes).all().get(1, TimeUnit.MINUTES);
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    /** Field {@code index} is labelled when it crosses the next multiple of 1/share: an even spread. */
    static boolean isLabelled(int index, double share) {
        return Math.floor((index + 1) * share) > Math.floor(index * share);
    }

    /** Whether training has a run in progress ({@code GET /training-runs/current}: 200, or 204 when none). */
    private static boolean trainingRunInProgress(Stack stack) throws InterruptedException {
        URI current = URI.create("http://127.0.0.1:" + stack.service(Stack.TRAINING).httpPort()
                + "/training-runs/current");
        try {
            return HTTP.send(HttpRequest.newBuilder(current).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static long stainBytes(FieldImages field) {
        return field.stains().values().stream().mapToLong(image -> image.bytes().length).sum();
    }

    private static Sample sample(Stack stack, ResultsDatabase database, double minutes, boolean running, int published,
            int labels, Instant from, Instant to) throws SQLException, InterruptedException {
        // a run takes a gigabyte or more and gives it back: whether one ran while PSS was read (asked before and after)
        boolean trainingBefore = trainingRunInProgress(stack);
        Map<String, Long> memory = new LinkedHashMap<>();
        stack.processes().forEach((name, tree) -> memory.put(name, tree.stream().mapToLong(SoakBenchmark::pssBytes).sum()));
        memory.put(SIMULATOR, pssBytes(ProcessHandle.current()));
        Map<String, Long> disk = new LinkedHashMap<>();
        disk.put(BLOBS, diskBytes(stack.blobStore()));
        disk.put(KAFKA, diskBytes(stack.kafka().dataDir()));
        long wal = diskBytes(stack.postgres().dataDir().resolve("pg_wal"));
        disk.put(POSTGRES_TABLES, diskBytes(stack.postgres().dataDir()) - wal);
        disk.put(POSTGRES_WAL, wal);
        long runs = diskBytes(stack.trainingData().resolve("runs"));
        disk.put(TRAINING_DATA, diskBytes(stack.trainingData()) - runs);
        disk.put(TRAINING_RUNS, runs);
        Map<String, Double> training = new LinkedHashMap<>();
        Map<String, Long> collections = new LinkedHashMap<>();
        long finishedRuns = 0;
        for (String module : Stack.SERVICES) {
            Map<String, Double> metrics;
            try {
                metrics = stack.service(module).metrics();
            } catch (IOException e) {
                System.out.println("  (no metrics from " + module + ": " + e.getMessage() + ")");
                continue;
            }
            collections.put(module, Math.round(sum(metrics, "jvm_gc_pause_seconds_count")));
            if (module.equals(Stack.TRAINING)) {
                for (String name : TRAINING_METRICS) {
                    training.put(name, metrics.getOrDefault(name, Double.NaN));
                }
                finishedRuns = Math.round(sum(metrics, "training_runs_total"));
                // where training's memory is: what the JVM accounts for (heap, metaspace and code, direct buffers);
                // its PSS less these is native memory outside the JVM's books (libtorch, glibc's arenas, stacks)
                training.put("jvm_heap_committed_bytes", sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\""));
                training.put("jvm_nonheap_committed_bytes",
                        sum(metrics, "jvm_memory_committed_bytes", "area=\"nonheap\""));
                training.put("jvm_heap_used_bytes", sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""));
                training.put("jvm_direct_buffer_bytes", sum(metrics, "jvm_buffer_memory_used_bytes", "id=\"direct\""));
            }
        }
        training.put(TRAINING_RUN_IN_PROGRESS, trainingBefore || trainingRunInProgress(stack) ? 1.0 : 0.0);
        double[] latencies = database.timingsStoredBetween(from, to).stream().mapToDouble(Timing::storedMillis).toArray();
        return new Sample(minutes, running, BenchStats.loadAverage(), published, database.storedSamples(), labels,
                BenchStats.percentile(latencies, 50), BenchStats.percentile(latencies, 99), memory, disk, training,
                collections, finishedRuns);
    }

    private static double sum(Map<String, Double> metrics, String name) {
        return sum(metrics, name, "");
    }

    /** The sum of a metric's series whose labels contain {@code label} (all of them for ""). */
    private static double sum(Map<String, Double> metrics, String name, String label) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().equals(name) && label.isEmpty()
                        || e.getKey().startsWith(name + "{") && e.getKey().contains(label))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * The PSS of a process in bytes ({@code /proc/<pid>/smaps_rollup}); 0 once it has gone (a PostgreSQL backend that
     * ended meanwhile).
     */
    static long pssBytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Bytes allocated on disk under {@code dir} ({@code du}: Kafka's index files are sparse, so their lengths would
     * overstate it by gigabytes). Files removed while {@code du} walks make it complain, not fail the total.
     */
    static long diskBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            du.waitFor(1, TimeUnit.MINUTES);
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("du " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + dir, e);
        }
    }

    private static long maxWalSize(Stack stack) throws SQLException {
        try (Connection connection = stack.postgres().connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT pg_size_bytes(current_setting('max_wal_size'))")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void print(Sample s) {
        System.out.printf(Locale.ROOT, "%5.1f min%s published %d stored %d labels %d runs %d p50 %.0f ms p99 %.0f ms load %.1f"
                + "%n  PSS MB %s%n  disk MB %s%n  training %s%n", s.minutes(), s.running() ? "" : " (drained)",
                s.published(), s.stored(), s.labels(), s.trainingRuns(), s.p50Millis(), s.p99Millis(), s.load(),
                megabytes(s.memory()), megabytes(s.disk()), s.training());
    }

    private static String megabytes(Map<String, Long> bytes) {
        return bytes.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6))
                .collect(Collectors.joining(", "));
    }

    static String csv(List<Sample> samples) {
        Sample first = samples.get(0);
        List<String> header = new ArrayList<>(List.of("minutes", "running", "load", "published", "stored", "labels",
                "p50_ms", "p99_ms", "training_runs"));
        first.memory().keySet().forEach(name -> header.add("pss_bytes " + name));
        first.disk().keySet().forEach(name -> header.add("disk_bytes " + name));
        first.training().keySet().forEach(header::add);
        first.collections().keySet().forEach(name -> header.add("gc_count " + name));
        StringBuilder csv = new StringBuilder(header.stream().map(SoakBenchmark::quoted).collect(Collectors.joining(",")))
                .append('\n');
        for (Sample s : samples) {
            List<String> row = new ArrayList<>(Arrays.asList(String.format(Locale.ROOT, "%.2f", s.minutes()),
                    Boolean.toString(s.running()), String.format(Locale.ROOT, "%.2f", s.load()),
                    Integer.toString(s.published()), Long.toString(s.stored()), Integer.toString(s.labels()),
                    String.format(Locale.ROOT, "%.0f", s.p50Millis()), String.format(Locale.ROOT, "%.0f", s.p99Millis()),
                    Long.toString(s.trainingRuns())));
            first.memory().keySet().forEach(name -> row.add(Long.toString(s.memory().getOrDefault(name, 0L))));
            first.disk().keySet().forEach(name -> row.add(Long.toString(s.disk().getOrDefault(name, 0L))));
            first.training().keySet().forEach(name -> row.add(String.format(Locale.ROOT, "%.0f",
                    s.training().getOrDefault(name, Double.NaN))));
            first.collections().keySet().forEach(name -> row.add(Long.toString(s.collections().getOrDefault(name, 0L))));
            csv.append(String.join(",", row)).append('\n');
        }
        return csv.toString();
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * The curator: once a field chosen for labelling is stored, posts its true labels to the results sink, as the
     * dashboard's form does (the sink publishes them on {@code feedback}); once {@value #LABELS_BEFORE_FIRST_RUN}
     * are posted, asks training for a run, so that its first run (and libtorch's memory) falls in the warm-up.
     */
    private static final class Labeller {

        private final Stack stack;
        private final ConcurrentLinkedQueue<FieldImages> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger posted = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private boolean runRequested;

        Labeller(Stack stack) {
            this.stack = stack;
        }

        void expect(FieldImages field) {
            if (field.labels().length > 0) {
                waiting.add(field);
            }
        }

        int posted() {
            return posted.get();
        }

        List<String> failures() {
            return failures;
        }

        /** One round (on a scheduler: it must not throw, or the scheduler stops calling it). */
        void labelStored(ResultsDatabase database) {
            try {
                List<FieldImages> candidates = new ArrayList<>(waiting);
                var stored = database.results(candidates.stream().map(FieldImages::sampleId).toList());
                for (FieldImages field : candidates) {
                    if (stored.containsKey(field.sampleId())) {
                        post(field);
                        waiting.remove(field);
                    }
                }
                if (!runRequested && posted.get() >= LABELS_BEFORE_FIRST_RUN) {
                    runRequested = true;
                    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(Stack.TRAINING, "/training-runs"))
                            .header("Authorization", "Bearer " + TRIGGER_TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
                    System.out.println("  training run requested: " + response.statusCode() + " " + response.body());
                }
            } catch (SQLException | IOException | RuntimeException e) {
                failures.add(e.toString());
                System.out.println("  labelling round failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void post(FieldImages field) throws IOException, InterruptedException {
            String body = "{\"labels\": " + Arrays.toString(field.labels()) + ", \"curator\": \"soak\"}";
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(Stack.RESULTS,
                    "/api/samples/" + field.sampleId() + "/labels"))
                    .header("Authorization", "Bearer " + Stack.CURATOR_TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (response.statusCode() != 202) {
                failures.add(field.sampleId() + ": " + response.statusCode() + " " + response.body());
            } else {
                posted.incrementAndGet();
            }
        }

        private URI uri(String module, String path) {
            return URI.create("http://127.0.0.1:" + stack.service(module).httpPort() + path);
        }

        private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The line's parts whose memory the verdict judges (this process, the simulator, is plotted but not judged). */
    static List<String> line() {
        return LINE;
    }
}
