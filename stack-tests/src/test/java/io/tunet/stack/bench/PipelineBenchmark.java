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

import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.stack.support.Microscope;
import io.tunet.stack.support.RepoPaths;
import io.tunet.stack.support.ResultsDatabase;
import io.tunet.stack.support.ResultsDatabase.Timing;
import io.tunet.stack.support.ServingModel;
import io.tunet.stack.support.Stack;
import io.tunet.synth.HpaSynth;

/**
 * End-to-end throughput and latency of the whole line on this machine: every service its own process, as in
 * {@code StackIT}. For each offered rate the simulator publishes HPA-Synth fields (generated beforehand, so
 * synthesis does not compete) for a fixed time; the benchmark reads from PostgreSQL when each field was
 * assembled, classified and stored, relative to its last stain's publication, and how much CPU each process
 * used. The stage whose share of the latency and of the CPU grows first is the one that saturates.
 *
 * <p>Arguments ({@code key=value}): {@code rates=1,2,4,6,8} fields/s, {@code seconds=30} per rate,
 * {@code size=128} (field size and model input). Writes {@code target/benchmarks/pipeline.md}.
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("rates", "1,2,4,6,8", "seconds", "30", "size", "128"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !options.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; expected " + options.keySet());
            }
            options.put(kv[0], kv[1]);
        }
        double[] rates = Arrays.stream(options.get("rates").split(",")).mapToDouble(Double::parseDouble).toArray();
        int seconds = Integer.parseInt(options.get("seconds"));
        int size = Integer.parseInt(options.get("size"));

        Path home = RepoPaths.target("pipeline-benchmark");
        Files.createDirectories(home);
        Path model = ServingModel.export(Files.createDirectories(home.resolve("model")), size);
        HpaSynth synth = HpaSynth.builder().size(size).build();
        StringBuilder report = new StringBuilder();
        report.append("# Pipeline benchmark\n\n").append(Instant.now()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average before start ")
                .append(String.format("%.1f", loadAverage())).append(". Fields S = ").append(size)
                .append(", model TUNet cpu preset at S = ").append(size).append(", ").append(seconds)
                .append(" s per rate. Latency = from the last stain published to the row stored in PostgreSQL; the stage"
                        + " columns are the medians of when the field left each stage. CPU = cores busy per process"
                        + " (1.0 = one core).\n\n")
                .append("| offered fields/s | achieved fields/s | p50 ms | p99 ms | assembled p50 | classified p50 | stored p50"
                        + " | CPU ingest | CPU inference | CPU results | CPU training | CPU broker | CPU PostgreSQL | CPU simulator |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        try (Stack stack = Stack.start(home.resolve("stack-" + System.currentTimeMillis()), model, Map.of());
                Microscope microscope = new Microscope(stack.bootstrap(), stack.blobStore())) {
            ResultsDatabase database = new ResultsDatabase(stack.postgres());
            System.out.println("warming up (20 fields)...");
            List<String> warm = microscope.publish(fields(synth, "WARM", 20), 2);
            database.awaitStored(warm, Duration.ofMinutes(5));
            int plate = 0;
            for (double rate : rates) {
                List<FieldImages> fields = fields(synth, "BENCH" + (++plate), (int) Math.max(10, rate * seconds));
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
                String line = String.format("| %.1f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %s |%s%n", rate, achieved,
                        percentile(timings, Timing::storedMillis, 50), percentile(timings, Timing::storedMillis, 99),
                        percentile(timings, Timing::assembledMillis, 50), percentile(timings, Timing::classifiedMillis, 50),
                        percentile(timings, Timing::storedMillis, 50), cpuColumns(cpuBefore, cpuAfter, wall),
                        missing.isEmpty() ? "" : " " + missing.size() + " fields not stored after 10 min");
                System.out.print(line);
                report.append(line);
            }
        }
        Path out = Path.of("target", "benchmarks", "pipeline.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static List<FieldImages> fields(HpaSynth synth, String plate, int count) {
        SyntheticFieldSource source = new SyntheticFieldSource(synth, plate.hashCode(), new PlateLayout(plate, 4));
        List<FieldImages> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(source.field(i));
        }
        return fields;
    }

    private static final List<String> PROCESSES = List.of(Stack.INGEST, Stack.INFERENCE, Stack.RESULTS, Stack.TRAINING,
            "broker", "postgres", "simulator");

    /** CPU seconds used so far by each process of the line (PostgreSQL with its backends). */
    private static Map<String, Double> cpuSeconds(Stack stack) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String service : List.of(Stack.INGEST, Stack.INFERENCE, Stack.RESULTS, Stack.TRAINING)) {
            cpu.put(service, cpu(ProcessHandle.of(stack.service(service).pid()).orElseThrow()));
        }
        cpu.put("broker", cpu(ProcessHandle.of(stack.kafka().pid()).orElseThrow()));
        ProcessHandle postmaster = ProcessHandle.of(stack.postgres().pid()).orElseThrow();
        cpu.put("postgres", cpu(postmaster) + postmaster.descendants().mapToDouble(PipelineBenchmark::cpu).sum());
        cpu.put("simulator", cpu(ProcessHandle.current()));
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
        double[] values = timings.stream().mapToDouble(value).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * values.length) - 1;
        return values[Math.max(0, Math.min(values.length - 1, index))];
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
