package io.tunet.synth.stats;

import io.tunet.synth.Stain;

import java.util.Arrays;

/**
 * The realism figures of one four-stain field, as measured on real HPA fields in DESIGN §4: per-stain mean
 * intensity, 99th percentile and Otsu foreground fraction, and the nuclei found by Otsu-thresholding the
 * blue stain (4-connected components of at least {@link #MIN_NUCLEUS_AREA_512} px at 512², scaled by area).
 *
 * @param mean          per stain ({@link Stain#ordinal()}), intensity 0..1
 * @param p99           per stain, 99th percentile of intensity
 * @param otsuForeground per stain, fraction of pixels above the Otsu threshold
 * @param nuclei        number of nuclei
 * @param medianNucleusArea median nucleus area in pixels (0 without nuclei)
 */
public record RealismStats(double[] mean, double[] p99, double[] otsuForeground, int nuclei, double medianNucleusArea) {

    /** Components smaller than this (at 512², scaled with the field's area) are noise, not nuclei. */
    public static final int MIN_NUCLEUS_AREA_512 = 60;

    /**
     * Measures one field.
     *
     * @param stains the four stains in {@link Stain} order, each {@code size²} intensities 0..1
     * @throws IllegalArgumentException if there are not four stains of {@code size²} pixels
     */
    public static RealismStats measure(float[][] stains, int size) {
        if (stains == null || stains.length != 4) {
            throw new IllegalArgumentException("need the four stains, got " + (stains == null ? "null" : stains.length));
        }
        double[] mean = new double[4];
        double[] p99 = new double[4];
        double[] fg = new double[4];
        int[] blueThreshold = new int[1];
        for (int s = 0; s < 4; s++) {
            float[] img = stains[s];
            if (img == null || img.length != size * size) {
                throw new IllegalArgumentException("stain " + Stain.values()[s] + " must have " + size * size + " pixels");
            }
            int[] hist = new int[256];
            double sum = 0;
            for (float v : img) {
                sum += v;
                hist[Math.max(0, Math.min(255, (int) (v * 255 + 0.5f)))]++;
            }
            mean[s] = sum / img.length;
            p99[s] = percentile(hist, img.length, 0.99) / 255.0;
            int t = otsu(hist, img.length);
            long above = 0;
            for (int i = t + 1; i < 256; i++) {
                above += hist[i];
            }
            fg[s] = (double) above / img.length;
            if (s == Stain.BLUE.ordinal()) {
                blueThreshold[0] = t;
            }
        }
        int minArea = Math.max(4, (int) Math.round(MIN_NUCLEUS_AREA_512 * (size / 512.0) * (size / 512.0)));
        int[] areas = components(stains[Stain.BLUE.ordinal()], size, (blueThreshold[0] + 0.5f) / 255f, minArea);
        Arrays.sort(areas);
        double median = areas.length == 0 ? 0
                : areas.length % 2 == 1 ? areas[areas.length / 2] : (areas[areas.length / 2 - 1] + areas[areas.length / 2]) / 2.0;
        return new RealismStats(mean, p99, fg, areas.length, median);
    }

    private static int percentile(int[] hist, int n, double q) {
        long target = (long) Math.ceil(q * n);
        long acc = 0;
        for (int i = 0; i < 256; i++) {
            acc += hist[i];
            if (acc >= target) {
                return i;
            }
        }
        return 255;
    }

    /** Otsu's threshold on a 256-bin histogram: pixels above the returned bin are foreground. */
    static int otsu(int[] hist, int n) {
        double total = 0;
        for (int i = 0; i < 256; i++) {
            total += (double) i * hist[i];
        }
        double sumB = 0;
        long wB = 0;
        double best = -1;
        int threshold = 0;
        for (int t = 0; t < 256; t++) {
            wB += hist[t];
            if (wB == 0) {
                continue;
            }
            long wF = n - wB;
            if (wF == 0) {
                break;
            }
            sumB += (double) t * hist[t];
            double mB = sumB / wB;
            double mF = (total - sumB) / wF;
            double between = (double) wB * wF * (mB - mF) * (mB - mF);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }

    /** Areas of the 4-connected components above {@code threshold} with at least {@code minArea} pixels. */
    private static int[] components(float[] img, int size, float threshold, int minArea) {
        boolean[] seen = new boolean[img.length];
        int[] stack = new int[img.length];
        int[] areas = new int[16];
        int count = 0;
        for (int p = 0; p < img.length; p++) {
            if (img[p] <= threshold || seen[p]) {
                continue;
            }
            int area = 0;
            int top = 0;
            seen[p] = true;
            stack[top++] = p;
            while (top > 0) {
                int q = stack[--top];
                area++;
                int x = q % size;
                if (x > 0 && !seen[q - 1] && img[q - 1] > threshold) {
                    seen[q - 1] = true;
                    stack[top++] = q - 1;
                }
                if (x < size - 1 && !seen[q + 1] && img[q + 1] > threshold) {
                    seen[q + 1] = true;
                    stack[top++] = q + 1;
                }
                if (q >= size && !seen[q - size] && img[q - size] > threshold) {
                    seen[q - size] = true;
                    stack[top++] = q - size;
                }
                if (q + size < img.length && !seen[q + size] && img[q + size] > threshold) {
                    seen[q + size] = true;
                    stack[top++] = q + size;
                }
            }
            if (area >= minArea) {
                if (count == areas.length) {
                    areas = Arrays.copyOf(areas, count * 2);
                }
                areas[count++] = area;
            }
        }
        return Arrays.copyOf(areas, count);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] p99() {
        return p99.clone();
    }

    @Override
    public double[] otsuForeground() {
        return otsuForeground.clone();
    }
}
