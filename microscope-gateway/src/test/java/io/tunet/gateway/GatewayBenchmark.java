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
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.gateway.folder.FolderOutcomes;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.OmeTiffFixtures;
import io.tunet.testkit.TestBroker;

/**
 * Gateway throughput on this machine for real 2048² 8-bit PNG fields (the shared field {@code 5c27f04c…}: stains of
 * 0.27–0.62 MB, so every one is claim-checked into the blob store), printed and written to
 * {@code target/benchmarks/gateway.md}. Each copy carries its own PNG text chunk, so every file has its own SHA-256
 * and its own blob, as real acquisitions do. Scenarios: (a) a backlog, the folder filled before the gateway starts
 * (with no quiet period, so every file is complete at once), timed from the start, start-up included; (b) files
 * renamed into the
 * folder one by one from a temporary name while the gateway runs (published at once), timed from the first write to
 * the last acknowledgement; (c) a backlog of 16-bit OME-TIFF fields, four 2048² channels in one file (the real
 * field's stains made 16-bit with noise in the low byte, written by tifffile), each decoded and sent as four 16-bit
 * PNGs. Every stain is checked to be on the topic once. The machine's load average is recorded with the numbers.
 *
 * <p>Arguments: {@code fields=<per PNG scenario>} (default 96), {@code ome-fields=<per OME-TIFF run>} (default 16),
 * {@code workers=<list>} (default {@code 1,2}: the backlogs are run with each). Run:
 * {@code ./mvnw -B -o -pl microscope-gateway test-compile exec:exec@benchmark}.
 */
public final class GatewayBenchmark {

    private static final String FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final int SIDE = 2048;

    private GatewayBenchmark() {
    }

    record Result(String scenario, String format, int workers, int fields, int files, long bytes, double seconds,
                  double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        int fields = 96;
        int omeFields = 16;
        List<Integer> workers = List.of(1, 2);
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "fields" -> fields = Integer.parseInt(kv[1]);
                case "ome-fields" -> omeFields = Integer.parseInt(kv[1]);
                case "workers" -> workers = java.util.Arrays.stream(kv[1].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (fields=<n> ome-fields=<n> workers=<list>)");
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
        short[][] channels = sixteenBit(stains);
        backlogOme(broker, temp.resolve("warm-up-ome"), channels, 2, workers.get(workers.size() - 1));
        deleteRecursively(temp.resolve("warm-up-ome"));
        for (int w : workers) {
            results.add(backlogOme(broker, temp.resolve("ome-" + w), channels, omeFields, w));
            deleteRecursively(temp.resolve("ome-" + w));
        }
        deleteRecursively(temp);
        String loadAfter = loadAverage();

        StringBuilder report = new StringBuilder();
        report.append("# microscope-gateway benchmark\n\n");
        report.append(String.format(Locale.ROOT, "%s, %d cores (%s), load average %s at start, %s at the end; "
                        + "in-JVM test broker; real field %s (2048² 8-bit PNG, %.2f MB per field; as a 16-bit "
                        + "OME-TIFF, %.1f MB per field), every stain claim-checked into a local blob store (fsync per "
                        + "blob)%n%n", started, Runtime.getRuntime().availableProcessors(), cpuModel(), loadBefore,
                loadAfter, FIELD, stains.values().stream().mapToInt(b -> b.length).sum() / 1e6,
                results.get(results.size() - 1).bytes() / 1e6 / results.get(results.size() - 1).fields()));
        report.append("| scenario | field as | workers | fields | files | MB | wall s | files/s | fields/s | MB/s | "
                + "publish p50 ms | publish p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            report.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.1f | %.2f | %.1f | %.2f | %.1f "
                            + "| %.0f | %.0f |%n", r.scenario(), r.format(), r.workers(), r.fields(), r.files(),
                    r.bytes() / 1e6, r.seconds(), r.files() / r.seconds(), r.fields() / r.seconds(),
                    r.bytes() / 1e6 / r.seconds(), r.p50(), r.p99()));
        }
        report.append("\npublish = from a file found complete to its acknowledgement (read, header check or OME-TIFF "
                + "decode and four 16-bit PNG encodes, SHA-256, blob write and sync, journal syncs, broker "
                + "acknowledgement, batch wait).\n");
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
            return result("backlog (files present at start)", "4 × 8-bit PNG", workers, fields, 4 * fields, bytes,
                    seconds, registry);
        }
    }

    /** OME-TIFF fields written into the folder first, then the gateway started; timed as {@link #backlog}. */
    private static Result backlogOme(TestBroker broker, Path dir, short[][] channels, int fields, int workers)
            throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(dir.resolve("watch"), dir.resolve("blobs"),
                broker.bootstrapServers()).withBatch(64, workers).withQuietPeriod(Duration.ZERO);
        Files.createDirectories(settings.watchDir());
        String run = "bench-ome-" + UUID.randomUUID().toString().substring(0, 8);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            files.add(settings.watchDir().resolve(run + "-" + i + ".ome.tif"));
        }
        OmeTiffFixtures.writeCopies(files, SIDE, SIDE, List.of("red", "green", "blue", "yellow"), channels);
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path done = settings.watchDir().resolve(FolderOutcomes.DONE);
        long start = System.nanoTime();
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, registry, e -> { })) {
            while (StainFiles.count(done) < fields) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            verify(broker, run, fields);
            return result("backlog (files present at start)", "1 × 16-bit OME-TIFF", workers, fields, fields, bytes,
                    seconds, registry);
        }
    }

    /** The real field's stains as 16-bit channels: each 8-bit level × 257, plus noise in the low byte, as a camera gives. */
    private static short[][] sixteenBit(Map<Stain, byte[]> stains) throws Exception {
        short[][] channels = new short[4][];
        Random noise = new Random(42);
        int c = 0;
        for (Stain stain : List.of(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER)) {
            GrayImage image = ImageCodec.decode(stains.get(stain), DecodeLimits.defaults());
            if (image.width() != SIDE || image.height() != SIDE) {
                throw new IllegalStateException(FIELD + " is " + image.width() + "x" + image.height() + ", not " + SIDE
                        + "²");
            }
            short[] channel = new short[SIDE * SIDE];
            for (int i = 0; i < channel.length; i++) {
                channel[i] = (short) Math.min(65535, Math.round(image.pixels()[i] * 255) * 257 + noise.nextInt(256));
            }
            channels[c++] = channel;
        }
        return channels;
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
            return result("renamed into the folder while running", "4 × 8-bit PNG", workers, fields, 4 * fields, bytes,
                    seconds, registry);
        }
    }

    private static Result result(String name, String format, int workers, int fields, int files, long bytes,
                                 double seconds, SimpleMeterRegistry registry) {
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
        Result result = new Result(name, format, workers, fields, files, bytes, seconds, p50, p99);
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
