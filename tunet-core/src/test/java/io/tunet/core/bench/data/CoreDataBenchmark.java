package io.tunet.core.bench.data;

import io.tunet.core.augment.Augmenter;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.Preprocessing;
import io.tunet.imaging.Resize;
import io.tunet.core.masks.GroundTruthMasks;
import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.core.masks.RunLength;
import io.tunet.core.masks.ThresholdMethod;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times the data side of tunet-core on the real full-size HPA fields: decode, resize and tensor assembly;
 * ground-truth masks, mask cleaning and run-length encoding at 128, 256 and 512; augmentation. Prints a
 * table and writes it to {@code target/benchmarks/core-data.txt}, with PNGs of the real green stain, its
 * Otsu mask and the cleaned mask for eyeballing. Run from the module directory (see the module README or
 * the report for the command). Each figure is the median of several runs after warm-up.
 */
public final class CoreDataBenchmark {

    private static final String[] FIELDS = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"};
    private static final int[] SIZES = {128, 256, 512};
    private static final int RUNS = 7;
    private static final int WARMUPS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CoreDataBenchmark() {
    }

    /** Runs the benchmark; the optional argument is the output directory (default target/benchmarks). */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        Files.createDirectories(out);
        StringBuilder report = new StringBuilder();
        line(report, "tunet-core data benchmark (%d cores, Java %s, load average %.1f at start); median of %d runs"
                + " after %d warm-ups; cpu = thread CPU ms, wall = wall-clock ms",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), RUNS, WARMUPS);
        line(report, "");
        line(report, "%-10s %-22s %10s %10s", "field", "step", "cpu", "wall");
        GrayImage green512 = null;
        for (String id : FIELDS) {
            byte[][] bytes = new byte[4][];
            for (Channel channel : Channel.values()) {
                bytes[channel.ordinal()] = Files.readAllBytes(
                        Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size").resolve(id + "_" + channel.fileSuffix() + ".png"));
            }
            GrayImage[] stains = new GrayImage[4];
            Timing decode = median(() -> {
                for (int c = 0; c < 4; c++) {
                    stains[c] = ImageCodec.decode(bytes[c], DecodeLimits.defaults());
                }
            });
            Timing header = median(() -> {
                for (int c = 0; c < 4; c++) {
                    ImageCodec.readHeader(bytes[c], DecodeLimits.defaults());
                }
            });
            String field = stains[0].width() + "²";
            row(report, "%-10s %-22s", field, "readHeader x4", header);
            row(report, "%-10s %-22s", field, "decode x4", decode);
            for (int size : SIZES) {
                Timing tensor = median(() -> Preprocessing.toTensor(stains[0], stains[1], stains[2], stains[3], size));
                row(report, "%-10s %-22s", field, "resize+tensor S=" + size, tensor);
                row(report, "%-10s %-22s", field, "decode+tensor S=" + size, decode.plus(tensor));
            }
            if (green512 == null) {
                GrayImage green = stains[Channel.GREEN.ordinal()];
                green512 = new GrayImage(512, 512, 8, Resize.area(green.pixels(), green.width(), green.height(), 512, 512));
            }
        }
        line(report, "");
        line(report, "%-6s %-38s %10s %10s", "S", "mask step (per plane unless noted)", "cpu", "wall");
        // the paper's cleaning (off by default, inference.masks.* switches it on): its cost is what is timed
        MaskPostProcessor cleaner = MaskPostProcessor.builder().optOpeningRadius(1).optMinComponentArea(8).build();
        Augmenter augmenter = Augmenter.defaults();
        for (int size : SIZES) {
            float[] green = Resize.area(green512.pixels(), 512, 512, size, size);
            float[] probabilities = noisyProbabilities(green, size);
            byte[] gt = GroundTruthMasks.proteinMask(green, size, size, ThresholdMethod.OTSU);
            byte[] cleaned = cleaner.clean(probabilities, size, size);
            float[] image = new float[4 * size * size];
            float[] mask = new float[gt.length];
            for (int i = 0; i < gt.length; i++) {
                mask[i] = gt[i];
            }
            SplittableRandom rng = new SplittableRandom(1);
            String s = Integer.toString(size);
            row(report, "%-6s %-38s", s, "Otsu GT mask",
                    median(() -> GroundTruthMasks.proteinMask(green, size, size, ThresholdMethod.OTSU)));
            Timing clean = median(() -> cleaner.clean(probabilities, size, size));
            row(report, "%-6s %-38s", s, "clean (binarise, open r=1, area 8)", clean);
            row(report, "%-6s %-38s", s, "clean x28 (upper bound per sample)", clean.times(28));
            row(report, "%-6s %-38s", s, "RLE encode", median(() -> RunLength.encode(cleaned)));
            row(report, "%-6s %-38s", s, "augment 4 + 1 mask plane (as training)",
                    median(() -> augmenter.apply(image, 4, mask, 1, size, rng)));
            if (size == 512) {
                writePng(out.resolve("core-data-green-512.png"), green, size, true);
                writePng(out.resolve("core-data-otsu-512.png"), toFloat(gt), size, false);
                writePng(out.resolve("core-data-noisy-512.png"), probabilities, size, false);
                writePng(out.resolve("core-data-cleaned-512.png"), toFloat(cleaned), size, false);
                line(report, "%-6s %-38s %9.1f%%", s, "Otsu foreground of the real green", 100.0 * sum(gt) / gt.length);
            }
        }
        Files.writeString(out.resolve("core-data.txt"), report.toString());
        System.out.print(report);
        System.out.println("written to " + out.toAbsolutePath().resolve("core-data.txt"));
    }

    /** The Otsu mask blurred into probabilities with salt-and-pepper noise, as a raw decoder output might look. */
    private static float[] noisyProbabilities(float[] green, int size) {
        byte[] mask = GroundTruthMasks.proteinMask(green, size, size, ThresholdMethod.OTSU);
        float[] p = new float[mask.length];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < p.length; i++) {
            double base = mask[i] == 1 ? 0.8 : 0.15;
            double noise = random.nextDouble() < 0.03 ? 0.7 : 0;
            p[i] = (float) Math.min(1, Math.abs(base + noise - (mask[i] == 1 ? 2 * noise : 0)));
        }
        return p;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Median thread CPU time and median wall time of one step, in ms. */
    private record Timing(double cpu, double wall) {
        Timing plus(Timing other) {
            return new Timing(cpu + other.cpu, wall + other.wall);
        }

        Timing times(int factor) {
            return new Timing(cpu * factor, wall * factor);
        }
    }

    /**
     * Times a step. The work here is single-threaded, so its thread CPU time is what a quiet machine's wall
     * time would be, even while other builds share the cores; the wall time is recorded beside it.
     */
    private static Timing median(Work work) throws Exception {
        for (int w = 0; w < WARMUPS; w++) {
            work.run();
        }
        double[] cpu = new double[RUNS];
        double[] wall = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            work.run();
            wall[r] = (System.nanoTime() - start) / 1e6;
            cpu[r] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        return new Timing(cpu[RUNS / 2], wall[RUNS / 2]);
    }

    private static void row(StringBuilder report, String labels, String first, String second, Timing timing) {
        line(report, labels + " %10.3f %10.3f", first, second, timing.cpu(), timing.wall());
    }

    private static void writePng(Path path, float[] values, int size, boolean stretch) throws IOException {
        float[] scaled = values.clone();
        if (stretch) {
            float max = 0;
            for (float v : scaled) {
                max = Math.max(max, v);
            }
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = max > 0 ? scaled[i] / max : 0;
            }
        }
        Files.write(path, ImageCodec.encodePng(new GrayImage(size, size, 8, scaled), 8));
    }

    private static float[] toFloat(byte[] mask) {
        float[] out = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i];
        }
        return out;
    }

    private static long sum(byte[] mask) {
        long sum = 0;
        for (byte b : mask) {
            sum += b;
        }
        return sum;
    }

    private static void line(StringBuilder report, String format, Object... args) {
        report.append(String.format(format, args)).append('\n');
    }
}
