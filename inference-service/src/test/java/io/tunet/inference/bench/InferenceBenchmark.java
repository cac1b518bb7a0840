package io.tunet.inference.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.Pipelines;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.model.Devices;
import io.tunet.inference.model.ModelLoader;
import io.tunet.inference.model.ModelRegistry;
import io.tunet.inference.model.ServingModel;
import io.tunet.inference.pipeline.PipelineSettings;
import io.tunet.schemas.Classification;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Serving benchmark, not a test: prints and writes {@code target/benchmarks/inference.md}.
 *
 * <ol>
 * <li>Model alone: TUNet (the CPU preset: base width 16, depth 4) at S = 128, 256, 512 on ONNX Runtime and
 * on DJL's PyTorch engine, same weights, batches of 1, 8 and 32: samples/s and p50/p99 batch latency.</li>
 * <li>Whole pipeline through a real (in-JVM) broker at S = 128, batch limits 1, 8, 32: samples/s under
 * overload and p50/p99 of the per-sample latency (arrival at the service to result) at a light load.</li>
 * <li>Leak check: resident memory (VmRSS) after 50 hot swaps under traffic.</li>
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -o -pl inference-service test-compile exec:exec@benchmark} (arguments:
 * {@code -Dbench.args="sizes=128,256 batches=1,8,32 seconds=3 swaps=50 overload=200 light-rate=5 torch-budget=90"}).
 */
public final class InferenceBenchmark {

    private static final String MODEL_NAME = "bench";

    private InferenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("sizes", "128,256,512", "batches", "1,8,32",
                "seconds", "3", "swaps", "50", "pipeline-size", "128", "overload", "200", "light-rate", "5", "torch-budget", "90"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !options.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "', known: " + options.keySet());
            }
            options.put(kv[0], kv[1]);
        }
        int[] sizes = ints(options.get("sizes"));
        int[] batches = ints(options.get("batches"));
        double seconds = Double.parseDouble(options.get("seconds"));
        double torchBudget = Double.parseDouble(options.get("torch-budget"));
        Path out = Files.createDirectories(Path.of("target", "benchmarks"));
        Path work = Files.createTempDirectory("inference-bench");
        StringBuilder report = new StringBuilder();
        report.append("# inference-service benchmark\n\n").append(machine()).append('\n');

        report.append("\n## Model alone: ONNX Runtime vs PyTorch engine (same weights)\n\n")
                .append("TUNet CPU preset (base width 16, depth 4), float32, batches run back to back for about ")
                .append(options.get("seconds")).append(" s each; latency = one batch.\n\n")
                .append("| S | batch | ORT samples/s | ORT p50 ms | ORT p99 ms | PyTorch samples/s | PyTorch p50 ms "
                        + "| PyTorch p99 ms |\n|---|---|---|---|---|---|---|---|\n");
        for (int size : sizes) {
            NetworkSpec spec = NetworkSpec.tunet(TunetConfig.CPU.withInputSize(size));
            try (Model torch = Networks.newInitializedModel(spec, 1)) {
                Path file = OnnxExporter.export(torch.getBlock(), OnnxModelMetadata.untuned("tunet", "1", size),
                        work.resolve("tunet-" + size + ".onnx"));
                double torchMillisPerSample = 0;
                for (int batch : batches) {
                    Stats ort = onnx(file, size, batch, seconds);
                    // On a crowded machine the slowest PyTorch rows would take many minutes: skip those whose
                    // estimate (from the smaller batches) is above the budget, and say so in the table.
                    double estimate = torchMillisPerSample * batch * 3 / 1000;
                    Stats pt = estimate > torchBudget ? null : pytorch(torch, size, batch, seconds);
                    if (pt != null) {
                        torchMillisPerSample = Math.max(torchMillisPerSample, pt.p50 / batch);
                    }
                    String row = String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %s |%n",
                            size, batch, ort.perSecond, ort.p50, ort.p99, pt == null
                                    ? String.format(Locale.ROOT, "skipped (about %.0f s) | | ", estimate)
                                    : String.format(Locale.ROOT, "%.1f | %.1f | %.1f", pt.perSecond, pt.p50, pt.p99));
                    System.out.print(row);
                    report.append(row);
                }
            }
        }

        int pipelineSize = Integer.parseInt(options.get("pipeline-size"));
        report.append("\n## Whole pipeline through a real broker (S = ").append(pipelineSize).append(", ORT, ")
                .append(Devices.Selection.cpu().requested()).append(")\n\n")
                .append("TUNet base 16, depth 2. Overload: ").append(options.get("overload"))
                .append(" samples published at once, samples/s from first publish to last result. Light load: ")
                .append(options.get("light-rate")).append(" samples/s for 8 s. Latency = `inferenceLatencyMillis` "
                        + "(poll to result built). Max wait 10 ms, one inference thread, one decode thread; inline "
                        + "48x48 PNG stains.\n\n")
                .append("| batch limit | overload samples/s | overload p50 ms | overload p99 ms | light p50 ms "
                        + "| light p99 ms |\n|---|---|---|---|---|---|\n");
        TestBroker broker = TestBroker.shared();
        Path pipelineModel = TestModels.export(work, 5, pipelineSize, "1");
        for (int batch : batches) {
            String row = pipeline(broker, pipelineModel, work, batch, Integer.parseInt(options.get("overload")),
                    Integer.parseInt(options.get("light-rate")));
            System.out.print(row);
            report.append(row);
        }

        report.append("\n## Leak check: hot swaps\n\n").append(swaps(work, Integer.parseInt(options.get("swaps"))))
                .append('\n');
        Files.writeString(out.resolve("inference.md"), report.toString());
        System.out.println(report);
        System.out.println("written to " + out.resolve("inference.md").toAbsolutePath());
        System.exit(0); // the shared test broker and DJL's engines keep non-daemon threads
    }

    private record Stats(double perSecond, double p50, double p99) {
    }

    private static Stats onnx(Path file, int size, int batch, double seconds) {
        float[][] images = images(batch, size);
        try (OnnxTunet model = OnnxTunet.load(file); OnnxTunet.Session session = model.newSession()) {
            return measure(batch, seconds, () -> session.predict(images));
        }
    }

    private static Stats pytorch(Model model, int size, int batch, double seconds) {
        float[] flat = new float[batch * 4 * size * size];
        float[][] images = images(batch, size);
        for (int i = 0; i < batch; i++) {
            System.arraycopy(images[i], 0, flat, i * images[i].length, images[i].length);
        }
        return measure(batch, seconds, () -> {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.create(flat, new Shape(batch, 4, size, size));
                NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
                outputs.get(0).getNDArrayInternal().sigmoid().toFloatArray();
                outputs.get(1).toFloatArray();
            }
        });
    }

    private static Stats measure(int batch, double seconds, Runnable run) {
        run.run(); // warm-up
        List<Double> millis = new ArrayList<>();
        long start = System.nanoTime();
        long budget = (long) (seconds * 1e9);
        while (millis.size() < 2 || (System.nanoTime() - start < budget && millis.size() < 500)) {
            long t = System.nanoTime();
            run.run();
            millis.add((System.nanoTime() - t) / 1e6);
        }
        double total = (System.nanoTime() - start) / 1e9;
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(millis.size() * batch / total, percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    private static String pipeline(TestBroker broker, Path model, Path work, int batch, int overload, int lightRate)
            throws Exception {
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(work.resolve("blobs"));
        String group = Broker.groupAtEndOfSamples(broker);
        PipelineSettings settings = PipelineSettings.defaults(broker.bootstrapServers(), group)
                .withBatching(batch, Duration.ofMillis(10)).withThreads(1, 1, Math.max(64, 2 * batch), 32);
        try (Pipelines service = new Pipelines(settings, blobs, "tunet", false)) {
            service.registry.loadFile(model, OptionalLong.of(1));
            service.start();
            while (!service.pipeline.ready()) {
                Thread.sleep(20);
            }
            // warm the path (first poll, first batches) before measuring
            run(broker, "warm", 2 * batch, 0);

            long start = System.nanoTime();
            List<ConsumerRecord<String, Classification>> heavy = run(broker, "heavy", overload, 0);
            double perSecond = overload / ((System.nanoTime() - start) / 1e9);
            double[] heavyLatency = latencies(heavy);

            List<ConsumerRecord<String, Classification>> light = run(broker, "light", 8 * lightRate, 1000 / lightRate);
            double[] lightLatency = latencies(light);
            return String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", batch, perSecond,
                    percentile(heavyLatency, 0.5), percentile(heavyLatency, 0.99), percentile(lightLatency, 0.5),
                    percentile(lightLatency, 0.99));
        }
    }

    /** Publishes {@code n} samples, one every {@code intervalMillis}, and waits for all their classifications. */
    private static List<ConsumerRecord<String, Classification>> run(TestBroker broker, String tag, int n,
            long intervalMillis) throws Exception {
        String prefix = "bench-" + tag + "-" + UUID.randomUUID() + "-";
        Sample[] samples = new Sample[16];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = TestSamples.inline("template", i);
        }
        try (KafkaProducer<String, Sample> producer = broker.producer(Topics.SAMPLES)) {
            for (int i = 0; i < n; i++) {
                Sample sample = Sample.newBuilder(samples[i % samples.length]).setSampleId(prefix + i)
                        .setAssembledAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), prefix + i, sample));
                if (intervalMillis > 0) {
                    producer.flush();
                    Thread.sleep(intervalMillis);
                }
            }
        }
        List<ConsumerRecord<String, Classification>> results = Broker.readUntilKeys(broker, Topics.CLASSIFICATIONS,
                r -> r.key().startsWith(prefix), n, Duration.ofMinutes(5), Duration.ZERO);
        if (results.size() < n) {
            throw new IllegalStateException("only " + results.size() + " of " + n + " samples came back");
        }
        return results;
    }

    private static double[] latencies(List<ConsumerRecord<String, Classification>> results) {
        return results.stream().mapToDouble(r -> r.value().getInferenceLatencyMillis()).sorted().toArray();
    }

    private static String swaps(Path work, int count) throws Exception {
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(work.resolve("swap-blobs"));
        InferenceMetrics metrics = new InferenceMetrics(new SimpleMeterRegistry());
        int size = 128;
        byte[][] files = {TestModels.bytes(TestModels.export(work, 41, size, "1")),
            TestModels.bytes(TestModels.export(work, 42, size, "2"))};
        float[][] images = images(4, size);
        StringBuilder table = new StringBuilder("TUNet CPU-test preset at S = 128 (base 16, depth 2); each swap loads "
                + "from the blob store (sha256 checked), warms up, swaps, and a batch of 4 runs on the new model.\n\n"
                + "| swaps | VmRSS MiB |\n|---|---|\n");
        try (ModelRegistry registry = new ModelRegistry(MODEL_NAME, blobs, new ModelLoader(Devices.Selection.cpu(), 4),
                io.tunet.inference.model.LoadMarkers.in(blobs.root().resolveSibling("load-markers")), metrics)) {
            for (int i = 1; i <= count; i++) {
                ModelVersion version = TestModels.promoted(MODEL_NAME, i, files[i % 2], blobs, size);
                if (registry.offer(version) != ModelRegistry.Outcome.SWAPPED) {
                    throw new IllegalStateException("swap " + i + " did not happen");
                }
                ServingModel model = registry.current().orElseThrow();
                model.acquire();
                try (OnnxTunet.Session session = model.newSession()) {
                    session.predict(images);
                } finally {
                    model.release();
                }
                if (i == 1 || i == 5 || i % 10 == 0) {
                    String row = String.format(Locale.ROOT, "| %d | %.0f |%n", i, rssMiB());
                    System.out.print("swaps " + row);
                    table.append(row);
                }
            }
        }
        return table.toString();
    }

    private static double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static float[][] images(int batch, int size) {
        Random random = new Random(batch * 31L + size);
        float[][] images = new float[batch][4 * size * size];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
        }
        return images;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // keep "unknown CPU": the numbers are still worth writing
        }
        return String.format(Locale.ROOT, "Machine: %s, %d cores visible to the JVM; ONNX Runtime 1.23.2 "
                + "(ai.djl.onnxruntime.num_threads=%s), PyTorch 2.7.1 (DJL 0.36). Run at %s.%n", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("ai.djl.onnxruntime.num_threads", "default"),
                Instant.now());
    }
}
