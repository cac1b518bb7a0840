package io.tunet.core.bench;

import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.StepRates;
import io.tunet.core.training.TrainingData;
import io.tunet.imaging.hpa.HpaDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The training data path on HPA-sized directories: for each directory, the sample cache's build time and size
 * on disk at each input size, then, per case, training steps on the cached data against the same steps on random
 * data, and the peak resident memory of the process that ran them. Each case runs in a JVM of its own (the same
 * class path, {@code -Xmx} as given), so that its peak RSS is its own. Prints a Markdown report and writes it.
 */
@Command(name = "data-path-benchmark", mixinStandardHelpOptions = true,
        description = "Sample cache build, training step rate on cached vs random data, peak RSS.")
public final class DataPathBenchmark implements Callable<Integer> {

    @Option(names = "--data", split = ",", required = true, description = "HPA-layout directories.")
    List<Path> data;

    @Option(names = "--cache", required = true, description = "Cache root.")
    Path cache;

    @Option(names = "--cases", split = ",", defaultValue = "128:cpu:8:200,512:cpu:8:12,512:paper:2:2",
            description = "size:preset:batch:steps (default: ${DEFAULT-VALUE}).")
    List<String> cases;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps before each timing.")
    int warmup;

    @Option(names = "--fresh", description = "Delete each cache folder first, to time a full build.")
    boolean fresh;

    @Option(names = "--heap", defaultValue = "2g", description = "-Xmx of each case's JVM (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--out", defaultValue = "target/benchmarks/data-path.md", description = "Report file.")
    Path out;

    @Option(names = "--child", hidden = true)
    String child;

    private record Case(int size, String preset, int batch, int steps) {
        static Case parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 4) {
                throw new IllegalArgumentException("a case is size:preset:batch:steps, got '" + text + "'");
            }
            return new Case(Integer.parseInt(parts[0]), parts[1], Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]));
        }

        NetworkSpec spec() {
            return NetworkSpec.tunet(TunetConfig.preset(preset).withInputSize(size));
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DataPathBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (child != null) {
            return runCase(Case.parse(child));
        }
        List<Case> parsed = cases.stream().map(Case::parse).toList();
        StringBuilder builds = new StringBuilder("| data | fields | S | build s | fields/s | on disk |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        StringBuilder steps = new StringBuilder("| data | fields | S | preset | batch | steps | cached data "
                + "samples/s | random data samples/s | ratio | data path alone samples/s | peak RSS |\n"
                + "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Path directory : data) {
            HpaDirectory hpa = HpaDirectory.open(directory);
            int fields = hpa.entries().size();
            for (int size : parsed.stream().mapToInt(Case::size).distinct().toArray()) {
                SampleCache samples = SampleCache.open(cache, size, ThresholdMethod.OTSU);
                if (fresh) {
                    deleteRecursively(samples.folder());
                    samples = SampleCache.open(cache, size, ThresholdMethod.OTSU);
                }
                long start = System.nanoTime();
                int[] lastTenth = {0};
                TrainingData.loadAll(hpa, hpa.entries(), samples, done -> {
                    if (done * 10 / fields > lastTenth[0]) {
                        lastTenth[0] = done * 10 / fields;
                        System.out.printf(Locale.ROOT, "  cache %s at %d²: %d/%d%n", directory.getFileName(), size,
                                done, fields);
                    }
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                long bytes = folderSize(samples.folder());
                String row = String.format(Locale.ROOT, "| %s | %,d | %d | %.0f | %.1f | %.2f GB |%n",
                        directory.getFileName(), fields, size, seconds, fields / seconds, bytes / 1e9);
                System.out.print(row);
                builds.append(row);
            }
            for (Case c : parsed) {
                String result = runChild(directory, c);
                String[] numbers = result.split(" ");
                double real = Double.parseDouble(numbers[0]);
                double random = Double.parseDouble(numbers[1]);
                double alone = Double.parseDouble(numbers[2]);
                long rssKb = Long.parseLong(numbers[3]);
                String row = String.format(Locale.ROOT,
                        "| %s | %,d | %d | %s | %d | %d | %.2f | %.2f | %.0f%% | %.1f | %.2f GB |%n",
                        directory.getFileName(), fields, c.size(), c.preset(), c.batch(), c.steps(), real, random,
                        100 * real / random, alone, rssKb * 1024 / 1e9);
                System.out.print(row);
                steps.append(row);
            }
        }
        String report = "# Training data path\n\n"
                + String.format(Locale.ROOT, "%s, %d cores; each case in its own JVM (-Xmx%s), %d untimed steps "
                        + "first; augmentation on; cached data through the prefetching batch builder, random data "
                        + "prepared before the clock starts, the two in alternating blocks on one model; the data path "
                        + "alone: the batch builder with no training step beside it.%n%n",
                LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                Runtime.getRuntime().availableProcessors(), heap, warmup)
                + "## Sample cache build\n\n" + builds + "\n## Training steps\n\n" + steps;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
        System.out.println("written " + out.toAbsolutePath());
        return 0;
    }

    private String runChild(Path directory, Case c) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), DataPathBenchmark.class.getName(),
                "--child", c.size() + ":" + c.preset() + ":" + c.batch() + ":" + c.steps(),
                "--data", directory.toString(), "--cache", cache.toString(), "--warmup", Integer.toString(warmup)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring("RESULT ".length());
                } else {
                    System.out.println("  [" + c.size() + " " + c.preset() + "] " + line);
                }
            }
        }
        int status = process.waitFor();
        if (status != 0 || result == null) {
            throw new IllegalStateException("case " + c + " on " + directory + " failed with status " + status);
        }
        return result;
    }

    private int runCase(Case c) throws Exception {
        HpaDirectory hpa = HpaDirectory.open(data.get(0));
        SampleSet samples = TrainingData.loadAll(hpa, SampleCache.open(cache, c.size(), ThresholdMethod.OTSU));
        StepRates.Rates rates = StepRates.measure(c.spec(), samples, c.batch(), warmup, c.steps(), 42);
        double alone = StepRates.dataPathAlone(samples, c.size(), c.spec().hasMasks(), c.batch(),
                Math.max(20, c.steps()), 43);
        System.out.printf(Locale.ROOT, "RESULT %.4f %.4f %.4f %d%n", rates.real(), rates.random(), alone, peakRssKb());
        return 0;
    }

    /** VmHWM of this process in kB (Linux), or -1 elsewhere. */
    private static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long folderSize(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
