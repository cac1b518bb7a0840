package io.tunet.core.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import io.tunet.core.model.ModelDescription;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.onnx.OnnxExporter;
import io.tunet.core.onnx.OnnxModelMetadata;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.TrainingStep;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training and inference throughput of the {@code cpu} preset at 128² and 256² for batches 1, 8 and 32,
 * ONNX Runtime beside the PyTorch engine, FLOPs per image and achieved GFLOP/s against the peak of a large
 * matrix product measured in the same run. Prints a Markdown table and writes it to a file.
 */
@Command(name = "tunet-benchmark", mixinStandardHelpOptions = true,
        description = "Throughput of the cpu preset on this machine (PyTorch engine and ONNX Runtime).")
public final class TunetBenchmark implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "128,256", description = "Input sizes.")
    int[] sizes;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "Batch sizes.")
    int[] batches;

    @Option(names = "--seconds", defaultValue = "3", description = "Minimum timed seconds per measurement.")
    double seconds;

    @Option(names = "--out", defaultValue = "target/benchmarks/tunet-core.md", description = "Report file.")
    Path out;

    @Option(names = "--ort-threads", split = ",", description = "Only time ONNX Runtime, for each size, each of these "
            + "intra-op thread counts (0 = ONNX Runtime's default) and each batch size, then exit.")
    int[] ortThreads;

    @Option(names = "--allocator-probe", description = "Only time training steps of the cpu TUNet at 256², "
            + "batch 8 (wall and process CPU time: the allocator shows in the CPU time), then exit.")
    boolean allocatorProbe;

    private final Random random = new Random(1);

    /** Runs the benchmark; see {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TunetBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (allocatorProbe) {
            NetworkSpec spec = NetworkSpec.tunet(TunetConfig.CPU.withInputSize(256));
            Timing step = timeTraining(spec, 8);
            System.out.printf(Locale.ROOT, "allocator probe (GLIBC_TUNABLES=%s, LD_PRELOAD=%s, OMP_WAIT_POLICY=%s, "
                            + "load %s): %.2f s/step wall, %.2f s/step process CPU%n",
                    System.getenv("GLIBC_TUNABLES"), System.getenv("LD_PRELOAD"), System.getenv("OMP_WAIT_POLICY"),
                    loadAverage(), step.secondsPerCall(), step.cpuSecondsPerCall());
            return 0;
        }
        if (ortThreads != null) {
            return ortThreadSweep();
        }
        double peak = peakGflops();
        StringBuilder report = new StringBuilder();
        report.append("# tunet-core benchmark\n\n")
                .append(String.format(Locale.ROOT, "%s, %d cores, load average %s, PyTorch %s, ONNX Runtime %s, "
                                + "DJL %s. ",
                        LocalDateTime.now().withNano(0).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                        Runtime.getRuntime().availableProcessors(), loadAverage(),
                        Engine.getEngine("PyTorch").getVersion(), onnxRuntimeVersion(),
                        Engine.getDjlVersion()))
                .append(String.format(Locale.ROOT, "Peak: %.1f GFLOP/s (2048² float matrix product, PyTorch). ", peak))
                .append("Environment: GLIBC_TUNABLES=").append(System.getenv("GLIBC_TUNABLES"))
                .append(", LD_PRELOAD=").append(System.getenv("LD_PRELOAD"))
                .append(", OMP_WAIT_POLICY=").append(System.getenv("OMP_WAIT_POLICY")).append(".\n")
                .append("Training = Adam step on random data with the TUNet loss; its GFLOP/s counts 3× the forward "
                        + "FLOPs (forward + backward). Inference = forward pass incl. copying the batch in.\n\n")
                .append("| model | S | GFLOP/img | batch | train samples/s | train GFLOP/s | PyTorch img/s | "
                        + "ORT img/s | ORT / PyTorch | ORT GFLOP/s | ORT % of peak |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        System.out.print(report);
        for (int size : sizes) {
            NetworkSpec spec = NetworkSpec.tunet(TunetConfig.CPU.withInputSize(size));
            ModelDescription description = ModelDescription.of("tunet/cpu", spec);
            double gflop = description.flopsPerImage() / 1e9;
            List<Timing> ort = timeOnnxRuntime(spec);
            List<Timing> torch = timePyTorchInference(spec);
            for (int i = 0; i < batches.length; i++) {
                int batch = batches[i];
                double train = batch / timeTraining(spec, batch).secondsPerCall();
                double torchRate = batch / torch.get(i).secondsPerCall();
                double ortRate = batch / ort.get(i).secondsPerCall();
                String row = String.format(Locale.ROOT,
                        "| tunet/cpu | %d | %.2f | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %.0f%% |%n",
                        size, gflop, batch, train, 3 * gflop * train, torchRate, ortRate, ortRate / torchRate,
                        gflop * ortRate, 100 * gflop * ortRate / peak);
                System.out.print(row);
                report.append(row);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println("\nwritten to " + out.toAbsolutePath());
        return 0;
    }

    /** The ONNX Runtime library actually loaded (DJL's engine reports the version it was built against). */
    private static String onnxRuntimeVersion() {
        Engine.getEngine("OnnxRuntime");
        return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The 1-minute load average (other processes share these cores), or "n/a" off Linux. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private record Timing(double secondsPerCall, double cpuSecondsPerCall) {
    }

    private interface Call {
        void run();
    }

    /** One warm-up call, then calls until at least {@link #seconds} have passed (and at least two). */
    private Timing time(Call call) {
        call.run();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        int calls = 0;
        while (calls < 2 || System.nanoTime() - start < seconds * 1e9) {
            call.run();
            calls++;
        }
        return new Timing((System.nanoTime() - start) / 1e9 / calls, (processCpuNanos() - cpuStart) / 1e9 / calls);
    }

    private double peakGflops() {
        int n = 2048;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray a = manager.randomUniform(0, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(0, 1, new Shape(n, n));
            Timing t = time(() -> {
                try (NDManager step = manager.newSubManager()) {
                    a.matMul(b).attach(step);
                }
            });
            return 2.0 * n * n * n / t.secondsPerCall() / 1e9;
        }
    }

    private float[][] randomImages(int count, int size) {
        float[][] images = new float[count][4 * size * size];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
        }
        return images;
    }

    private static float[] flatten(float[][] images) {
        float[] flat = new float[images.length * images[0].length];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, i * images[i].length, images[i].length);
        }
        return flat;
    }

    private Timing timeTraining(NetworkSpec spec, int batch) {
        int size = spec.inputSize();
        float[] images = flatten(randomImages(batch, size));
        float[] classes = new float[batch * TunetConfig.NUM_CLASSES];
        float[] masks = new float[batch * TunetConfig.NUM_CLASSES * size * size];
        for (int i = 0; i < classes.length; i += 5) {
            classes[i] = 1;
        }
        for (int i = 0; i < masks.length; i += 3) {
            masks[i] = 1;
        }
        try (Model model = Networks.newModel(spec);
                Trainer trainer = TrainingStep.newTrainer(model, spec,
                        TrainingStep.defaultLossFor(spec), Tracker.fixed(1e-4f),
                        batch)) {
            return time(() -> {
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDList inputs = new NDList(step.create(images, new Shape(batch, 4, size, size)));
                    NDList labels = new NDList(step.create(classes, new Shape(batch, TunetConfig.NUM_CLASSES)),
                            step.create(masks, new Shape(batch, TunetConfig.NUM_CLASSES, size, size)));
                    TrainingStep.run(trainer, inputs, labels);
                }
            });
        }
    }

    private List<Timing> timePyTorchInference(NetworkSpec spec) {
        int size = spec.inputSize();
        List<Timing> timings = new ArrayList<>();
        try (Model model = Networks.newInitializedModel(spec, 1)) {
            for (int batch : batches) {
                float[] images = flatten(randomImages(batch, size));
                timings.add(time(() -> {
                    try (NDManager step = model.getNDManager().newSubManager()) {
                        NDArray x = step.create(images, new Shape(batch, 4, size, size));
                        NDList out = model.getBlock().forward(new ParameterStore(step, false), new NDList(x), false);
                        out.get(0).getNDArrayInternal().sigmoid().toFloatArray();
                        out.get(1).toFloatArray();
                    }
                }));
            }
        }
        return timings;
    }

    /** ONNX Runtime alone: images/s and process CPU per image by size, intra-op threads and batch size. */
    private int ortThreadSweep() throws IOException {
        StringBuilder report = new StringBuilder();
        report.append("# ONNX Runtime: batch size × intra-op threads\n\n")
                .append(String.format(Locale.ROOT, "%s, %d cores, load average %s at start, ONNX Runtime %s, DJL %s, "
                                + "TUNet cpu preset, one session, batches back to back for at least %.0f s each.%n%n",
                        LocalDateTime.now().withNano(0).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                        Runtime.getRuntime().availableProcessors(), loadAverage(), onnxRuntimeVersion(),
                        Engine.getDjlVersion(), seconds))
                .append("| S | intra-op threads | batch | ORT img/s | ms per batch | process CPU ms per image | load |\n")
                .append("|---|---|---|---|---|---|---|\n");
        System.out.print(report);
        for (int size : sizes) {
            NetworkSpec spec = NetworkSpec.tunet(TunetConfig.CPU.withInputSize(size));
            for (int threads : ortThreads) {
                List<Timing> timings = timeOnnxRuntime(spec, threads);
                for (int i = 0; i < batches.length; i++) {
                    Timing timing = timings.get(i);
                    String row = String.format(Locale.ROOT, "| %d | %s | %d | %.1f | %.1f | %.1f | %s |%n", size,
                            threads == 0 ? "default" : Integer.toString(threads), batches[i],
                            batches[i] / timing.secondsPerCall(), 1000 * timing.secondsPerCall(),
                            1000 * timing.cpuSecondsPerCall() / batches[i], loadAverage());
                    System.out.print(row);
                    report.append(row);
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println("\nwritten to " + out.toAbsolutePath());
        return 0;
    }

    private List<Timing> timeOnnxRuntime(NetworkSpec spec) throws IOException {
        return timeOnnxRuntime(spec, Integer.getInteger(OnnxTunet.THREADS_PROPERTY, 0));
    }

    private List<Timing> timeOnnxRuntime(NetworkSpec spec, int intraOpThreads) throws IOException {
        int size = spec.inputSize();
        Path file = Files.createTempFile("tunet-benchmark", ".onnx");
        List<Timing> timings = new ArrayList<>();
        try {
            try (Model model = Networks.newInitializedModel(spec, 1)) {
                OnnxExporter.export(model.getBlock(), OnnxModelMetadata.untuned("tunet", "benchmark", size), file);
            }
            try (OnnxTunet onnx = OnnxTunet.load(file, Device.cpu(), intraOpThreads);
                    OnnxTunet.Session session = onnx.newSession()) {
                for (int batch : batches) {
                    float[][] images = randomImages(batch, size);
                    timings.add(time(() -> session.predict(images)));
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return timings;
    }
}
