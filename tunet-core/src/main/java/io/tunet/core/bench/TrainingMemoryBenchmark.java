package io.tunet.core.bench;

import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingOptions;
import io.tunet.core.training.TunetTraining;
import io.tunet.imaging.hpa.HpaDirectory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one JVM keeps after each training run: {@code TunetTraining.train} called again and again, as the training
 * service retrains, on the same fields or ({@code --grow}) on a training set that grows before every run as the
 * service's labelled set does (validation: the first {@code --validation} fields; training: the ones after), with
 * the process's proportional set size (PSS, from {@code /proc/self/smaps_rollup}) and the JVM's heap read after
 * every run and a full GC. The slope of PSS over the runs
 * after the first (which warms libtorch's and the allocator's pools) is what a long-running service gains per
 * retraining run; it should be near zero.
 */
@Command(name = "training-memory-benchmark", mixinStandardHelpOptions = true,
        description = "PSS after each of N training runs in one JVM, and its growth per run.")
public final class TrainingMemoryBenchmark implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "An HPA-layout directory (e.g. from hpa-synth generate).")
    Path data;

    @Option(names = "--cache", required = true, description = "Sample cache root.")
    Path cache;

    @Option(names = "--runs", defaultValue = "8", description = "Training runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--size", defaultValue = "64", description = "Input size S (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--preset", defaultValue = "cpu", description = "TUNet preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--train", defaultValue = "240", description = "Training fields (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--validation", defaultValue = "60", description = "Validation fields (default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--grow", defaultValue = "0",
            description = "Training fields added before each run after the first, as the service's labelled set grows "
                    + "(default: ${DEFAULT-VALUE}).")
    int grow;

    @Option(names = "--settle-ms", defaultValue = "4000",
            description = "Wait after the GC before reading PSS (default: ${DEFAULT-VALUE}).")
    long settleMillis;

    @Option(names = "--out", defaultValue = "target/benchmarks/training-memory.md", description = "Report file.")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainingMemoryBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 3) {
            throw new IllegalArgumentException("--runs must be at least 3 (the first is warm-up), got " + runs);
        }
        SampleSet pool = TrainingData.loadAll(HpaDirectory.open(data),
                SampleCache.open(cache, size, ThresholdMethod.OTSU));
        int needed = validation + train + (runs - 1) * grow;
        if (pool.size() < needed) {
            throw new IllegalArgumentException(data + " holds " + pool.size() + " fields; --validation " + validation
                    + ", --train " + train + " and --grow " + grow + " over " + runs + " runs need " + needed);
        }
        SampleSet validationSet = pool.subset(IntStream.range(0, validation).toArray());
        NetworkSpec spec = NetworkSpec.tunet(TunetConfig.preset(preset).withInputSize(size));
        Path scratch = Files.createTempDirectory("training-memory");

        StringBuilder table = new StringBuilder(
                "| after run | training fields | PSS MB | heap used MB | run s |\n|---:|---:|---:|---:|---:|\n");
        List<Double> pss = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            long start = System.nanoTime();
            int trainSize = run == 0 ? 0 : train + (run - 1) * grow;
            if (run > 0) {
                TrainingData fields = new TrainingData(
                        pool.subset(IntStream.range(validation, validation + trainSize).toArray()), validationSet, size);
                // the defaults the training service runs with, range test included, for one epoch
                TunetTraining.train(spec, fields, TrainingOptions.builder().setOutputDirectory(scratch)
                        .optEpochs(1).optSeed(run).optProgress(false).build());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            Thread.sleep(settleMillis);
            double megabytes = pssKilobytes() / 1024.0;
            pss.add(megabytes);
            String row = String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f |%n", run, trainSize, megabytes,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6, seconds);
            System.out.print(row);
            table.append(row);
        }
        double slope = slope(pss.subList(2, pss.size()));
        String report = "# Training memory per run\n\n"
                + String.format(Locale.ROOT, "%s, %d cores, %s; TUNet %s at %d², %d training fields (%+d per run) and "
                        + "%d validation fields of %s, one epoch per run; PSS read %d ms after a full GC; environment "
                        + "GLIBC_TUNABLES=%s LRU_CACHE_CAPACITY=%s ONEDNN_PRIMITIVE_CACHE_CAPACITY=%s.%n%n",
                LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                preset, size, train, grow, validation, data, settleMillis, System.getenv("GLIBC_TUNABLES"),
                System.getenv("LRU_CACHE_CAPACITY"), System.getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY"))
                + table
                + String.format(Locale.ROOT, "%nPSS growth per run (least squares over runs 2-%d, the first run being warm-up): %+.1f MB%n", runs,
                        slope);
        System.out.printf(Locale.ROOT, "PSS growth per run (least squares over runs 2-%d): %+.1f MB%n", runs, slope);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        return 0;
    }

    private static long pssKilobytes() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/smaps_rollup")).stream()
                .filter(line -> line.startsWith("Pss:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .sum();
    }

    /** Least-squares slope of the values against their index. */
    static double slope(List<Double> values) {
        int n = values.size();
        if (n < 2) {
            return Double.NaN;
        }
        double meanX = (n - 1) / 2.0;
        double meanY = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            covariance += (i - meanX) * (values.get(i) - meanY);
            variance += (i - meanX) * (i - meanX);
        }
        return covariance / variance;
    }
}
