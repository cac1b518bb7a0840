package io.tunet.stack.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** The few statistics the benchmarks print: percentiles, the machine's load, a least-squares line. */
final class BenchStats {

    private BenchStats() {
    }

    /** The nearest-rank percentile {@code p} (0..100) of {@code values}; NaN when there are none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The 1-minute load average of the machine. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** y = intercept + slope · x, fitted by least squares. */
    record Line(double slope, double intercept) {

        double at(double x) {
            return intercept + slope * x;
        }
    }

    /** The least-squares line through the points (x[i], y[i]); needs two distinct x. */
    static Line fit(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("a line needs at least two points, got " + x.length);
        }
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("all points share one x: " + meanX);
        }
        double slope = sxy / sxx;
        return new Line(slope, meanY - slope * meanX);
    }
}
