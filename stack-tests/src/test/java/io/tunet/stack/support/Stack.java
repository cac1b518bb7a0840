package io.tunet.stack.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tunet.testkit.FreePorts;

/**
 * The whole line on this machine, each part its own process as in production: a KRaft broker
 * ({@code bin/kafka-local}), PostgreSQL, and ingest, inference, training and the results sink from their packaged
 * Quarkus applications, sharing one blob-store folder. Everything lives under one folder of {@code target/}.
 */
public final class Stack implements AutoCloseable {

    public static final String INGEST = "ingest-service";
    public static final String INFERENCE = "inference-service";
    public static final String TRAINING = "training-service";
    /** The JVM option training runs with everywhere (README, "Soak"). */
    public static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=60000";
    public static final String RESULTS = "results-sink";
    public static final List<String> SERVICES = List.of(RESULTS, INGEST, INFERENCE, TRAINING);
    /** Names of the broker and the database in {@link #processes()}. */
    public static final String BROKER = "broker";
    public static final String POSTGRES = "postgres";
    /** The results sink's tokens: reads, and reads plus curators' labels. */
    public static final String VIEWER_TOKEN = "e2e-viewer-token-0123456789";
    public static final String CURATOR_TOKEN = "e2e-curator-token-0123456789";

    /** Generous: four JVMs starting at once on two cores take a while. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Path home;
    private final LocalKafka kafka;
    private final LocalPostgres postgres;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Path blobStore;

    private final boolean fixedHeaps;

    private Stack(Path home, Path model, Map<String, Map<String, String>> overrides, boolean fixedHeaps) {
        this.home = home;
        this.fixedHeaps = fixedHeaps;
        this.kafka = new LocalKafka(home.resolve("kafka"));
        this.postgres = new LocalPostgres(home.resolve("postgres"));
        this.blobStore = home.resolve("blobs");
        Map<String, String> common = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap(),
                "KAFKA_BOOTSTRAP", kafka.bootstrap(),
                "TUNET_BLOB_STORE", blobStore.toString());
        add(RESULTS, "512m", common, Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(),
                // the sink's two roles (LocalPostgres creates them); it refuses a configured server without them
                "QUARKUS_DATASOURCE_USERNAME", LocalPostgres.RUNTIME,
                "QUARKUS_DATASOURCE_PASSWORD", LocalPostgres.RUNTIME_PASSWORD,
                "QUARKUS_FLYWAY_USERNAME", LocalPostgres.OWNER,
                "QUARKUS_FLYWAY_PASSWORD", LocalPostgres.OWNER_PASSWORD,
                "RESULTS_AUTH_VIEWER_TOKEN", VIEWER_TOKEN,
                "RESULTS_AUTH_CURATOR_TOKEN", CURATOR_TOKEN), overrides);
        add(INGEST, "768m", common, Map.of(), overrides);
        add(INFERENCE, "1g", common, Map.of("INFERENCE_MODEL_PATH", model.toString()), overrides);
        // as in its image and bin/tunet-stream: libtorch's freed memory goes back to the system between runs
        add(TRAINING, "1g", common, Map.of("TRAINING_DATA_DIR", trainingData().toString(),
                "JAVA_TOOL_OPTIONS", TRIM_NATIVE_HEAP), overrides);
    }

    /**
     * Starts broker, database and the four services and waits until every one reports ready.
     *
     * @param overrides extra environment per service module (e.g. inference batch settings)
     */
    public static Stack start(Path home, Path model, Map<String, Map<String, String>> overrides)
            throws InterruptedException {
        return start(home, model, overrides, false);
    }

    /**
     * As {@link #start(Path, Path, Map)}; with {@code fixedHeaps} every service's heap is fixed at its maximum and
     * touched at start, as a site that wants flat memory runs them (docs/deployment.md; the soak).
     */
    public static Stack start(Path home, Path model, Map<String, Map<String, String>> overrides, boolean fixedHeaps)
            throws InterruptedException {
        Stack stack = new Stack(home, model, overrides, fixedHeaps);
        // a test JVM ended by a timeout or Ctrl-C must not leave a broker, a database or services behind
        Thread cleanup = new Thread(() -> {
            try {
                stack.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stack-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            stack.kafka.start();
            stack.postgres.start();
            for (ServiceProcess service : stack.services.values()) {
                service.start();
            }
            for (ServiceProcess service : stack.services.values()) {
                service.awaitReady(READY_TIMEOUT);
            }
            return stack;
        } catch (RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Kills what an earlier stack in {@code home} left running (a test JVM killed before its cleanup ran), found
     * through the PID files of the services, the broker and PostgreSQL, so that its folder can be reused.
     */
    public static void killLeftovers(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            return;
        }
        List<Path> pidFiles;
        try (var files = Files.walk(home, 3)) {
            pidFiles = files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList();
        }
        for (Path pidFile : pidFiles) {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
            if (!first.matches("\\d+")) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(first))
                    .filter(p -> p.info().commandLine().map(c -> c.contains("quarkus-run.jar")
                            || c.contains(home.toString()) || c.contains("postgres")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void add(String module, String heap, Map<String, String> common, Map<String, String> own,
            Map<String, Map<String, String>> overrides) {
        Map<String, String> environment = new LinkedHashMap<>(common);
        environment.putAll(own);
        environment.putAll(overrides.getOrDefault(module, Map.of()));
        services.put(module, new ServiceProcess(module, FreePorts.next(), heap, fixedHeaps, environment,
                home.resolve(module)));
    }

    public String bootstrap() {
        return kafka.bootstrap();
    }

    public Path blobStore() {
        return blobStore;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    /** Training's data folder (dataset index, blob ledger, sample cache, run folders). */
    public Path trainingData() {
        return home.resolve("training");
    }

    /**
     * Every process of the line right now, by name: the four services (module names), {@value #BROKER} and
     * {@value #POSTGRES}, the latter as its postmaster followed by its backends and helpers (all its children).
     */
    public Map<String, List<ProcessHandle>> processes() {
        Map<String, List<ProcessHandle>> processes = new LinkedHashMap<>();
        for (String module : List.of(INGEST, INFERENCE, RESULTS, TRAINING)) {
            processes.put(module, ProcessHandle.of(service(module).pid()).stream().toList());
        }
        processes.put(BROKER, ProcessHandle.of(kafka.pid()).stream().toList());
        List<ProcessHandle> postgresTree = new ArrayList<>();
        ProcessHandle.of(postgres.pid()).ifPresent(postmaster -> {
            postgresTree.add(postmaster);
            postmaster.descendants().forEach(postgresTree::add);
        });
        processes.put(POSTGRES, postgresTree);
        return processes;
    }

    public ServiceProcess service(String module) {
        ServiceProcess service = services.get(module);
        if (service == null) {
            throw new IllegalArgumentException("no service " + module + "; the stack runs " + services.keySet());
        }
        return service;
    }

    /** SIGKILL of one service, then a fresh start of it, waiting until it is ready again. */
    public void killAndRestart(String module) throws InterruptedException {
        ServiceProcess service = service(module);
        service.kill();
        service.start();
        service.awaitReady(READY_TIMEOUT);
    }

    /** Waits until every service reports ready (after a broker or database outage, say). */
    public void awaitAllReady(Duration timeout) throws InterruptedException {
        for (ServiceProcess service : services.values()) {
            service.awaitReady(timeout);
        }
    }

    /** Names of services whose readiness does not answer 200 right now. */
    public List<String> notReady() {
        return services.values().stream().filter(s -> !s.ready()).map(ServiceProcess::module).toList();
    }

    @Override
    public void close() throws InterruptedException {
        List<ServiceProcess> newestFirst = new ArrayList<>(services.values());
        Collections.reverse(newestFirst);
        for (ServiceProcess service : newestFirst) {
            service.stop();
        }
        postgres.close();
        kafka.close();
    }
}
