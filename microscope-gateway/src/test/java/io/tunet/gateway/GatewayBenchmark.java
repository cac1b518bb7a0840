package io.tunet.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;

/**
 * Gateway throughput on this machine for real 2048² 8-bit PNG fields (the shared field {@code 5c27f04c…}: stains of
 * 0.27–0.62 MB, so every one is claim-checked into the blob store), printed and written to
 * {@code target/benchmarks/gateway.md}. Each copy carries its own PNG text chunk, so every file has its own SHA-256
 * and its own blob, as real acquisitions do. Scenarios: (a) a backlog, the folder filled before the gateway starts
 * (with no quiet period, so every file is complete at once), timed from the start, start-up included; (b) files
 * renamed into the
 * folder one by one from a temporary name while the gateway runs (published at once), timed from the first write to
 * the last acknowledgement. Every file is checked to be on the topic once. The machine's load average is recorded
 * with the numbers.
 *
 * <p>Arguments: {@code fields=<per scenario>} (default 96), {@code workers=<list>} (default {@code 1,2}: the backlog
 * is run with each). Run: {@code ./mvnw -B -o -pl microscope-gateway test-compile exec:exec@benchmark}.
 */
public final class GatewayBenchmark {

    private static final String FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";

    private GatewayBenchmark() {
    }

    record Result(String scenario, int workers, int fields, long bytes, double seconds, double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        int fields = 96;
        List<Integer> workers = List.of(1, 2);
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "fields" -> fields = Integer.parseInt(kv[1]);
                case "workers" -> workers = java.util.Arrays.stream(kv[1].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (fields=<n> workers=<list>)");
            }
        }
        Path source = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        Map<Stain, byte[]> stains = new EnumMap<>(Stain.class);
        for (Map.Entry<Stain, String> stain : StainFiles.HPA_NAMES.entrySet()) {
            stains.put(stain.getKey(), Files.readAllBytes(source.resolve(FIELD + "_" + stain.getValue() + ".png")));
        }
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        TestBroker broker = TestBroker.shared();
        Path temp = Files.createTempDirectory("gateway-bench");
        // warm-up (JIT, broker, page cache), not reported
        backlog(broker, temp.resolve("warm-up"), stains, 8, workers.get(workers.size() - 1));
        deleteRecursively(temp.resolve("warm-up"));
        List<Result> results = new ArrayList<>();
        for (int w : workers) {
            results.add(backlog(broker, temp.resolve("backlog-" + w), stains, fields, w));
            deleteRecursively(temp.resolve("backlog-" + w));
        }
        int renamedWorkers = workers.get(workers.size() - 1);
        results.add(renamedIn(broker, temp.resolve("renamed-" + renamedWorkers), stains, fields, renamedWorkers));
        deleteRecursively(temp);
        String loadAfter = loadAverage();

        StringBuilder report = new StringBuilder();
        report.append("# microscope-gateway benchmark\n\n");
        report.append(String.format(Locale.ROOT, "%s, %d cores (%s), load average %s at start, %s at the end; "
                        + "in-JVM test broker; real field %s (2048² 8-bit PNG, %.2f MB per field), every stain "
                        + "claim-checked into a local blob store (fsync per blob)%n%n", started,
                Runtime.getRuntime().availableProcessors(), cpuModel(), loadBefore, loadAfter, FIELD,
                stains.values().stream().mapToInt(b -> b.length).sum() / 1e6));
        report.append("| scenario | workers | fields | files | MB | wall s | files/s | fields/s | MB/s | "
                + "publish p50 ms | publish p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.2f | %.1f | %.2f | %.1f | %.0f "
                            + "| %.0f |%n", r.scenario(), r.workers(), r.fields(), 4 * r.fields(), r.bytes() / 1e6,
                    r.seconds(), 4 * r.fields() / r.seconds(), r.fields() / r.seconds(),
                    r.bytes() / 1e6 / r.seconds(), r.p50(), r.p99()));
        }
        report.append("\npublish = from a file found complete to its acknowledgement (read, header check, SHA-256, "
                + "blob write and sync, journal syncs, broker acknowledgement, batch wait).\n");
        Path out = Path.of("target", "benchmarks", "gateway.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    /** The folder filled first, then the gateway started; timed from its start to the last file in done/. */
    private static Result backlog(TestBroker broker, Path dir, Map<Stain, byte[]> stains, int fields, int workers)
            throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(dir.resolve("watch"), dir.resolve("blobs"),
                broker.bootstrapServers()).withBatch(64, workers).withQuietPeriod(Duration.ZERO);
        Files.createDirectories(settings.watchDir());
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        long bytes = 0;
        for (int i = 0; i < fields; i++) {
            for (Map.Entry<Stain, byte[]> stain : stains.entrySet()) {
                byte[] copy = withText(stain.getValue(), run + "-" + i);
                Files.write(settings.watchDir().resolve(StainFiles.name(run + "-" + i, stain.getKey())), copy);
                bytes += copy.length;
            }
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        long start = System.nanoTime();
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, registry, e -> { })) {
            while (StainFiles.count(done) < 4 * fields) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            verify(broker, run, fields);
            return result("backlog (files present at start)", workers, fields, bytes, seconds, registry);
        }
    }

    /** Files written under a temporary name and renamed into the running gateway's folder, one after another. */
    private static Result renamedIn(TestBroker broker, Path dir, Map<Stain, byte[]> stains, int fields, int workers)
            throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(dir.resolve("watch"), dir.resolve("blobs"),
                broker.bootstrapServers()).withBatch(64, workers);
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<byte[]> copies = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < fields; i++) {
            for (Map.Entry<Stain, byte[]> stain : stains.entrySet()) {
                byte[] copy = withText(stain.getValue(), run + "-" + i);
                copies.add(copy);
                names.add(StainFiles.name(run + "-" + i, stain.getKey()));
                bytes += copy.length;
            }
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, registry, e -> { })) {
            Thread.sleep(1000);
            long start = System.nanoTime();
            for (int i = 0; i < copies.size(); i++) {
                Path part = settings.watchDir().resolve(names.get(i) + ".part");
                Files.write(part, copies.get(i));
                Files.move(part, settings.watchDir().resolve(names.get(i)), StandardCopyOption.ATOMIC_MOVE);
            }
            while (StainFiles.count(done) < 4 * fields) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            verify(broker, run, fields);
            return result("renamed into the folder while running", workers, fields, bytes, seconds, registry);
        }
    }

    private static Result result(String name, int workers, int fields, long bytes, double seconds,
                                 SimpleMeterRegistry registry) {
        Timer publish = registry.get("gateway.publish").timer();
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : publish.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        Result result = new Result(name, workers, fields, bytes, seconds, p50, p99);
        System.out.println(result);
        return result;
    }

    private static void verify(TestBroker broker, String run, int fields) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            ids.add(run + "-" + i);
        }
        Map<String, Long> perStain = StainFiles.perStain(broker.readKeys(Topics.ACQUISITIONS, ids, Integer.MAX_VALUE,
                Duration.ofSeconds(3)));
        if (perStain.size() != 4 * fields || perStain.values().stream().anyMatch(n -> n != 1L)) {
            throw new IllegalStateException("expected each of " + 4 * fields + " stains once, got " + perStain);
        }
    }

    /** The PNG with a tEXt chunk after IHDR: the same image, other bytes. */
    static byte[] withText(byte[] png, String text) {
        byte[] data = ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        int afterHeader = 8 + 25; // signature, then IHDR: length, type, 13 bytes of data, CRC
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterHeader);
        System.arraycopy(chunk.array(), 0, out, afterHeader, chunk.capacity());
        System.arraycopy(png, afterHeader, out, afterHeader + chunk.capacity(), png.length - afterHeader);
        return out;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
