package io.tunet.stack.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.tunet.simulator.publish.FieldImages;
import io.tunet.stack.support.Microscope;
import io.tunet.stack.support.RepoPaths;
import io.tunet.stack.support.ResultsDatabase;
import io.tunet.stack.support.ResultsDatabase.Timing;
import io.tunet.stack.support.ServingModel;
import io.tunet.stack.support.Stack;

/**
 * End-to-end throughput and latency of the whole line on this machine: every service its own process, as in
 * {@code StackIT}. For each offered rate the simulator publishes HPA-Synth fields (generated beforehand, so
 * synthesis does not compete) for a fixed time; the benchmark reads from PostgreSQL when each field was
 * assembled, classified and stored, relative to its last stain's publication, and how much CPU each process
 * used. The stage whose share of the latency and of the CPU grows first is the one that saturates.
 *
 * <p>Before the line starts, the same model decodes and predicts the same fields in this process with no Kafka
 * ({@link InferenceAlone}); the line's highest achieved rate is reported as a share of that.
 *
 * <p>Arguments ({@code key=value}): {@code rates=1,2,4,6,8} fields/s, {@code seconds=30} per rate (and for the
 * inference-alone measurement), {@code size=128} (model input, and the fields' size for synthetic fields),
 * {@code fields=synth} (HPA-Synth fields of {@code size}, a new one per publication) or {@code fields=full-size}
 * (the real HPA fields of {@code ../shared/data/hpa/full-size} as they are, 2048² and 3072² PNGs, and
 * six HPA-Synth fields at 2048², published round and round under new sample ids;
 * claim-checked like real fields). Writes {@code target/benchmarks/pipeline.md} or {@code pipeline-full-size.md}.
 */
public final class PipelineBenchmark {

    /** The inference service's default batch limit, which the stack runs with. */
    private static final int BATCH = 8;

    private PipelineBenchmark() {
    }

    /**
     * The service settings this run was given through the environment (a trade-off under study, such as
     * {@code KAFKA_STREAMS_COMMIT_INTERVAL_MS}; the services inherit this process's environment), or "none".
     */
    private static String serviceSettings() {
        String settings = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("(KAFKA_STREAMS|INGEST|INFERENCE|RESULTS|TRAINING)_.*")
                        && !e.getKey().matches(".*(TOKEN|PASSWORD|SECRET|KEY|JAAS).*"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(", "));
        return settings.isEmpty() ? "none" : settings;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args, Map.of("rates", "1,2,4,6,8", "seconds", "30", "size", "128",
                "fields", "synth"));
        double[] rates = Arrays.stream(options.get("rates").split(",")).mapToDouble(Double::parseDouble).toArray();
        int seconds = options.getInt("seconds");
        int size = options.getInt("size");

        boolean fullSize = switch (options.get("fields")) {
            case "synth" -> false;
            case "full-size" -> true;
            default -> throw new IllegalArgumentException("fields must be synth or full-size, got "
                    + options.get("fields"));
        };

        Path home = RepoPaths.target("pipeline-benchmark");
        Files.createDirectories(home);
        Path model = ServingModel.export(Files.createDirectories(home.resolve("model")), size);
        FieldSupply supply = fullSize ? FieldSupply.fullSize() : FieldSupply.synthetic(size);

        System.out.println("inference alone: the same model and fields in this process, no Kafka...");
        double loadBeforeAlone = BenchStats.loadAverage();
        // the service's decode threads, as this run gives them (the services inherit this process's environment)
        int decodeThreads = Integer.parseInt(System.getenv().getOrDefault("INFERENCE_PIPELINE_DECODE_THREADS", "1"));
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("INFERENCE_PIPELINE_DECODE_THREADS must be at least 1, got "
                    + decodeThreads);
        }
        InferenceAlone.Result alone = InferenceAlone.run(model, supply.fields("ALONE", fullSize ? 8 : 32), size, BATCH,
                decodeThreads, 5, seconds, Files.createDirectories(home.resolve("alone-blobs")));
        String aloneLine = String.format("Inference alone, same run (decode + preprocess + ONNX Runtime predict in one"
                + " process, same model and fields, no Kafka, batches of up to %d, %d decode threads and one inference"
                + " thread as the service): **%.2f fields/s** over %.0f s, %.0f ms of CPU per field (load average %.1f"
                + " before, %.1f after).%n", BATCH, decodeThreads, alone.samplesPerSecond(), alone.seconds(),
                alone.cpuMillisPerSample(), loadBeforeAlone, BenchStats.loadAverage());
        System.out.print(aloneLine);

        StringBuilder report = new StringBuilder();
        report.append("# Pipeline benchmark\n\n").append(Instant.now()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average before start ")
                .append(String.format("%.1f", loadBeforeAlone)).append(". Arguments: ").append(options)
                .append(". Settings the services take from this process's environment: ").append(serviceSettings())
                .append(". Fields: ").append(supply.description())
                .append("; model TUNet cpu preset at S = ").append(size).append(", ").append(seconds)
                .append(" s per rate. Latency = from the last stain published to the row stored in PostgreSQL; the stage"
                        + " columns are the medians of when the field left each stage. CPU = cores busy per process"
                        + " (1.0 = one core); load = the machine's 1-minute load average at the end of the rate.\n\n")
                .append(aloneLine).append("\n")
                .append("| offered fields/s | achieved fields/s | p50 ms | p99 ms | assembled p50 | classified p50 | stored p50"
                        + " | CPU ingest | CPU inference | CPU results | CPU training | CPU broker | CPU PostgreSQL | CPU simulator"
                        + " | load |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double saturation = 0;
        try (Stack stack = Stack.start(home.resolve("stack-" + System.currentTimeMillis()), model, Map.of());
                Microscope microscope = new Microscope(stack.bootstrap(), stack.blobStore())) {
            ResultsDatabase database = new ResultsDatabase(stack.postgres());
            System.out.println("warming up (20 fields)...");
            List<String> warm = microscope.publish(supply.fields("WARM", 20), 2);
            database.awaitStored(warm, Duration.ofMinutes(5));
            int plate = 0;
            for (double rate : rates) {
                List<FieldImages> fields = supply.fields("BENCH" + (++plate), (int) Math.max(10, rate * seconds));
                Map<String, Double> cpuBefore = cpuSeconds(stack);
                long start = System.nanoTime();
                long startMillis = System.currentTimeMillis();
                List<String> ids = microscope.publish(fields, rate);
                List<String> missing = database.awaitStored(ids, Duration.ofMinutes(10));
                double wall = (System.nanoTime() - start) / 1e9;
                Map<String, Double> cpuAfter = cpuSeconds(stack);
                List<Timing> timings = database.timings(ids);
                long lastStored = timings.stream().mapToLong(Timing::storedAtMillis).max().orElse(startMillis);
                double achieved = timings.size() / ((lastStored - startMillis) / 1000.0);
                saturation = Math.max(saturation, achieved);
                String line = String.format("| %.1f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %.1f |%s%n", rate, achieved,
                        percentile(timings, Timing::storedMillis, 50), percentile(timings, Timing::storedMillis, 99),
                        percentile(timings, Timing::assembledMillis, 50), percentile(timings, Timing::classifiedMillis, 50),
                        percentile(timings, Timing::storedMillis, 50), cpuColumns(cpuBefore, cpuAfter, wall),
                        BenchStats.loadAverage(), missing.isEmpty() ? "" : " " + missing.size() + " fields not stored after 10 min");
                System.out.print(line);
                report.append(line);
            }
        }
        report.append(String.format("%nThe line's highest achieved rate, %.2f fields/s, is %.0f%% of inference alone"
                + " (%.2f fields/s).%n", saturation, 100 * saturation / alone.samplesPerSecond(),
                alone.samplesPerSecond()));
        Path out = Path.of("target", "benchmarks", fullSize ? "pipeline-full-size.md" : "pipeline.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static final String SIMULATOR = "simulator";
    private static final List<String> PROCESSES = List.of(Stack.INGEST, Stack.INFERENCE, Stack.RESULTS, Stack.TRAINING,
            Stack.BROKER, Stack.POSTGRES, SIMULATOR);

    /** CPU seconds used so far by each process of the line (PostgreSQL with its backends) and by this one. */
    private static Map<String, Double> cpuSeconds(Stack stack) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        stack.processes().forEach((name, tree) -> cpu.put(name, tree.stream().mapToDouble(PipelineBenchmark::cpu).sum()));
        cpu.put(SIMULATOR, cpu(ProcessHandle.current()));
        return cpu;
    }

    private static double cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static String cpuColumns(Map<String, Double> before, Map<String, Double> after, double wall) {
        List<String> columns = new ArrayList<>();
        for (String process : PROCESSES) {
            columns.add(String.format("%.2f", (after.get(process) - before.getOrDefault(process, 0.0)) / wall));
        }
        return String.join(" | ", columns);
    }

    private static double percentile(List<Timing> timings, ToDoubleFunction<Timing> value, double p) {
        return BenchStats.percentile(timings.stream().mapToDouble(value).toArray(), p);
    }
}
