package io.tunet.synth.cli;

import io.tunet.synth.HpaSynth;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/** Single-thread generation speed at several sizes, true masks included. */
final class Benchmark {

    private Benchmark() {
    }

    static String run(int[] sizes, double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "HPA-Synth generation, one thread, masks included (%s, %d cores, Java %s)%n",
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        sb.append(String.format(Locale.ROOT, "%6s %8s %12s %14s %14s%n", "size", "fields", "fields/s", "ms/field wall", "ms/field cpu"));
        for (int size : sizes) {
            HpaSynth synth = HpaSynth.builder().size(size).build();
            long warmEnd = System.nanoTime() + (long) (Math.min(2, seconds / 2) * 1e9);
            long index = 0;
            while (System.nanoTime() < warmEnd || index < 3) {
                synth.generate(99, index++);
            }
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            int n = 0;
            while (System.nanoTime() < end || n < 3) {
                synth.generate(1, n++);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            sb.append(String.format(Locale.ROOT, "%6d %8d %12.1f %14.2f %14.2f%n", size, n, n / wall, 1000 * wall / n, 1000 * cpu / n));
        }
        sb.append("Target: a 512² field with masks in under 20 ms. Wall time includes interference from other processes; CPU time does not.\n");
        return sb.toString();
    }
}
