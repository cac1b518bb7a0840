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
        sb.append(String.format(Locale.ROOT, "%6s %8s %10s %15s %14s %15s%n", "size", "fields", "fields/s", "ms/field (wall)", "ms/field (cpu)", "fastest field"));
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
            long fastest = Long.MAX_VALUE;
            while (System.nanoTime() < end || n < 5) {
                long s = System.nanoTime();
                synth.generate(1, n++);
                fastest = Math.min(fastest, System.nanoTime() - s);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            sb.append(String.format(Locale.ROOT, "%6d %8d %10.1f %15.2f %14.2f %15.2f%n", size, n, n / wall, 1000 * wall / n,
                    1000 * cpu / n, fastest / 1e6));
        }
        sb.append("Target: a 512² field with masks in under 20 ms. Wall time includes interference from other processes;\n"
                + "on a busy machine the CPU time and the fastest single field are the better estimates of the undisturbed cost.\n");
        return sb.toString();
    }
}
