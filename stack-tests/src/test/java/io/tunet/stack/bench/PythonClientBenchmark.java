package io.tunet.stack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.topics.Topics;
import io.tunet.stack.support.PythonClient;
import io.tunet.stack.support.RepoPaths;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.TestDirectories;

/**
 * Python client throughput on this machine: {@code python3 -m tunet_client publish-dir} on a folder of copies of the
 * real 2048² field {@code 5c27f04c…} (four 8-bit PNG stains, 1.9 MB per field), once with every stain inline and once
 * claim-checked into a blob store ({@code --blob-root}), against the in-JVM test broker. Each copy carries its own
 * PNG text chunk, so every stain has its own bytes and blob. Timed from the process start to its exit (interpreter
 * start, imports, header checks of every field, then publishing with every acknowledgement awaited), and each stain
 * is checked to be on the topic once, inline or as a blob reference. The machine's load average is recorded with the
 * numbers; the result goes to {@code target/benchmarks/python-client.md}.
 *
 * <p>Arguments: {@code fields=<n>} (default 48). Run:
 * {@code ./mvnw -B -o -pl stack-tests test-compile exec:exec@python-benchmark}.
 */
public final class PythonClientBenchmark {

    private static final String FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final List<String> STAINS = List.of("red", "green", "blue", "yellow");

    private PythonClientBenchmark() {
    }

    record Result(String mode, int fields, long bytes, double seconds, int blobs) {
    }

    public static void main(String[] args) throws Exception {
        int fields = 48;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (!kv[0].equals("fields") || kv.length != 2) {
                throw new IllegalArgumentException("unknown argument " + arg + " (fields=<n>)");
            }
            fields = Integer.parseInt(kv[1]);
        }
        Path source = RepoPaths.shared().resolve("data/hpa/full-size");
        List<byte[]> stains = new ArrayList<>();
        for (String stain : STAINS) {
            stains.add(Files.readAllBytes(source.resolve(FIELD + "_" + stain + ".png")));
        }
        PythonClient python = PythonClient.find();
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        TestBroker broker = TestBroker.shared();
        Path work = RepoPaths.target("python-benchmark");
        TestDirectories.deleteRecursively(work);
        // warm-up (page cache, broker, the interpreter's byte code), not reported
        run(python, broker, work.resolve("warm-up"), stains, 4, null);
        List<Result> results = new ArrayList<>();
        results.add(run(python, broker, work.resolve("inline"), stains, fields, null));
        results.add(run(python, broker, work.resolve("claim-check"), stains, fields, work.resolve("blobs")));
        TestDirectories.deleteRecursively(work);
        String loadAfter = loadAverage();

        StringBuilder report = new StringBuilder("# Python client benchmark\n\n");
        report.append(String.format(Locale.ROOT, "%s, %d cores (%s), load average %s at start, %s at the end; %s; "
                        + "in-JVM test broker; real field %s (2048² 8-bit PNG, %.2f MB per field)%n%n", started,
                Runtime.getRuntime().availableProcessors(), cpuModel(), loadBefore, loadAfter, python.interpreter(),
                FIELD, stains.stream().mapToInt(b -> b.length).sum() / 1e6));
        report.append("| mode | fields | stains | MB | wall s | fields/s | stains/s | MB/s |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.2f | %.1f | %.1f |%n",
                    r.mode(), r.fields(), 4 * r.fields(), r.bytes() / 1e6, r.seconds(), r.fields() / r.seconds(),
                    4 * r.fields() / r.seconds(), r.bytes() / 1e6 / r.seconds()));
        }
        report.append("\nwall = one `python3 -m tunet_client publish-dir` process, start to exit (interpreter start "
                + "and imports included, every acknowledgement awaited).\n");
        Path out = Path.of("target", "benchmarks", "python-client.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    /** One publish-dir run over {@code fields} fresh copies; inline when {@code blobRoot} is null. */
    private static Result run(PythonClient python, TestBroker broker, Path dir, List<byte[]> stains, int fields,
                              Path blobRoot) throws Exception {
        Files.createDirectories(dir);
        String run = "py-bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < fields; i++) {
            String id = run + "-" + i;
            ids.add(id);
            for (int s = 0; s < STAINS.size(); s++) {
                byte[] copy = PngText.withText(stains.get(s), id);
                Files.write(dir.resolve(id + "_" + STAINS.get(s) + ".png"), copy);
                bytes += copy.length;
            }
        }
        List<String> arguments = new ArrayList<>(List.of("publish-dir", dir.toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--plate", run));
        if (blobRoot != null) {
            arguments.addAll(List.of("--blob-root", blobRoot.toString()));
        }
        long start = System.nanoTime();
        PythonClient.Result result = python.cli(arguments, Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.exitCode() != 0) {
            throw new IllegalStateException("publish-dir exited with " + result.exitCode() + ":\n" + result.output());
        }
        List<ConsumerRecord<String, Acquisition>> records = broker.readKeys(Topics.ACQUISITIONS, ids,
                Integer.MAX_VALUE, Duration.ofSeconds(5));
        Map<String, Integer> perStain = new TreeMap<>();
        int blobs = 0;
        for (ConsumerRecord<String, Acquisition> record : records) {
            perStain.merge(record.key() + "/" + record.value().getStain(), 1, Integer::sum);
            if (record.value().getImage().getContent() instanceof BlobRef) {
                blobs++;
            }
        }
        if (perStain.size() != 4 * fields || perStain.values().stream().anyMatch(n -> n != 1)) {
            throw new IllegalStateException("expected each of " + 4 * fields + " stains once, got " + perStain);
        }
        int expectedBlobs = blobRoot == null ? 0 : 4 * fields;
        if (blobs != expectedBlobs) {
            throw new IllegalStateException(blobs + " stains claim-checked, expected " + expectedBlobs);
        }
        Result r = new Result(blobRoot == null ? "inline" : "claim check (--blob-root)", fields, bytes, seconds, blobs);
        System.out.println(r);
        return r;
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
