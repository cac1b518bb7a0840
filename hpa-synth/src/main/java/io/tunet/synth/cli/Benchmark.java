package io.tunet.synth.cli;

import io.tunet.synth.HpaSynth;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Single-thread generation speed at several sizes, true masks included: wall time, the thread's own CPU
 * time per field (mean, median, fastest), and where the time goes by stage.
 */
final class Benchmark {

    private static final double TARGET_MS_AT_512 = 20;

    private Benchmark() {
    }

    static String run(int[] sizes, double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        HpaSynth.Stage[] stages = HpaSynth.Stage.values();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "HPA-Synth v%d generation, one thread, masks included (%s, %d cores, Java %s, load average %.2f)%n",
                HpaSynth.VERSION, System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        sb.append(String.format(Locale.ROOT, "%6s %7s %9s %10s %10s %10s %10s%n", "size", "fields", "fields/s",
                "wall ms", "cpu ms", "cpu p50", "cpu min"));
        StringBuilder breakdown = new StringBuilder(String.format(Locale.ROOT, "%nMean CPU ms per field by stage:%n%6s", "size"));
        for (HpaSynth.Stage s : stages) {
            breakdown.append(String.format(Locale.ROOT, " %10s", s.name().toLowerCase(Locale.ROOT)));
        }
        breakdown.append(String.format(Locale.ROOT, "%n"));
        for (int size : sizes) {
            HpaSynth synth = HpaSynth.builder().size(size).build();
            long[] stageNanos = new long[stages.length];
            long warmEnd = System.nanoTime() + (long) (Math.min(2, seconds / 2) * 1e9);
            long index = 0;
            while (System.nanoTime() < warmEnd || index < 3) {
                synth.generateTimed(99, index++, stageNanos);
            }
            Arrays.fill(stageNanos, 0);
            long[] cpu = new long[1024];
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            int n = 0;
            while (System.nanoTime() < end || n < 5) {
                long c = threads.getCurrentThreadCpuTime();
                synth.generateTimed(1, n, stageNanos);
                if (n == cpu.length) {
                    cpu = Arrays.copyOf(cpu, 2 * n);
                }
                cpu[n++] = threads.getCurrentThreadCpuTime() - c;
            }
            double wall = (System.nanoTime() - t0) / 1e6;
            long[] sorted = Arrays.copyOf(cpu, n);
            Arrays.sort(sorted);
            sb.append(String.format(Locale.ROOT, "%6d %7d %9.1f %10.2f %10.2f %10.2f %10.2f%n", size, n, 1000 * n / wall,
                    wall / n, Arrays.stream(sorted).average().orElse(0) / 1e6, sorted[n / 2] / 1e6, sorted[0] / 1e6));
            breakdown.append(String.format(Locale.ROOT, "%6d", size));
            for (long t : stageNanos) {
                breakdown.append(String.format(Locale.ROOT, " %10.2f", t / 1e6 / n));
            }
            breakdown.append(String.format(Locale.ROOT, "%n"));
        }
        sb.append(breakdown);
        sb.append(String.format(Locale.ROOT, "%nTarget: a 512² field with masks in under %.0f ms. The thread's CPU time is the undisturbed cost;%n"
                + "wall time also counts time spent waiting for a core while other processes run.%n", TARGET_MS_AT_512));
        return sb.toString();
    }
}
