package io.tunet.core.masks;

/**
 * The paper's weak segmentation labels (DESIGN §3): the green stain thresholded into one protein mask, and
 * per class either that mask (the sample carries the class) or an empty plane (made per batch, on the engine).
 */
public final class GroundTruthMasks {

    /** The threshold {@link ThresholdMethod#FIXED} uses when none is given (0..1 intensity scale). */
    public static final float DEFAULT_FIXED_THRESHOLD = 0.1f;

    private static final int OTSU_BINS = 256;

    private GroundTruthMasks() {
    }

    /**
     * Thresholds the green stain: pixel {@code i} is 1 if {@code green[i] > threshold}, else 0.
     * {@link ThresholdMethod#FIXED} uses {@link #DEFAULT_FIXED_THRESHOLD}. A constant image has no
     * foreground under OTSU and MEAN_PLUS_STD.
     *
     * @return a new {@code byte[w * h]} of 0/1
     * @throws IllegalArgumentException if the size does not match or a value is not finite
     */
    public static byte[] proteinMask(float[] green, int w, int h, ThresholdMethod method) {
        return proteinMask(green, w, h, method, DEFAULT_FIXED_THRESHOLD);
    }

    /**
     * Like {@link #proteinMask(float[], int, int, ThresholdMethod)} with the value FIXED uses.
     *
     * @throws IllegalArgumentException if the size does not match or a value is not finite
     */
    public static byte[] proteinMask(float[] green, int w, int h, ThresholdMethod method, float fixedThreshold) {
        checkImage(green, w, h);
        float threshold = threshold(green, method, fixedThreshold);
        byte[] mask = new byte[green.length];
        for (int i = 0; i < green.length; i++) {
            mask[i] = green[i] > threshold ? (byte) 1 : 0;
        }
        return mask;
    }

    /**
     * The threshold {@code method} picks for these values; pixels strictly above it are foreground.
     *
     * @throws IllegalArgumentException if a value is not finite
     */
    public static float threshold(float[] values, ThresholdMethod method, float fixedThreshold) {
        return switch (method) {
            case OTSU -> otsu(values);
            case MEAN_PLUS_STD -> meanPlusStd(values);
            case FIXED -> fixedThreshold;
        };
    }

    private static float otsu(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            return max; // constant image: nothing is strictly above
        }
        long[] histogram = new long[OTSU_BINS];
        double binWidth = (max - min) / (double) OTSU_BINS;
        for (float v : values) {
            histogram[Math.min(OTSU_BINS - 1, (int) ((v - min) / binWidth))]++;
        }
        // Between-class variance for a split after bin k, maximised over k. Pixels in bins above the split are
        // foreground; skimage's threshold_otsu compares with the split bin's centre instead, which differs
        // only for values inside that one bin.
        double total = values.length;
        double sumAll = 0;
        for (int k = 0; k < OTSU_BINS; k++) {
            sumAll += k * (double) histogram[k];
        }
        double weightBelow = 0;
        double sumBelow = 0;
        double best = -1;
        int bestBin = 0;
        for (int k = 0; k < OTSU_BINS - 1; k++) {
            weightBelow += histogram[k];
            sumBelow += k * (double) histogram[k];
            double weightAbove = total - weightBelow;
            if (weightBelow == 0 || weightAbove == 0) {
                continue;
            }
            double meanBelow = sumBelow / weightBelow;
            double meanAbove = (sumAll - sumBelow) / weightAbove;
            double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                bestBin = k;
            }
        }
        // The brightest background value, so that "v > threshold" agrees exactly with the bin split.
        float threshold = min;
        for (float v : values) {
            if (Math.min(OTSU_BINS - 1, (int) ((v - min) / binWidth)) <= bestBin && v > threshold) {
                threshold = v;
            }
        }
        return threshold;
    }

    private static float meanPlusStd(float[] values) {
        double sum = 0;
        double sumSquares = 0;
        for (float v : values) {
            sum += v;
            sumSquares += (double) v * v;
        }
        double mean = sum / values.length;
        double variance = Math.max(0, sumSquares / values.length - mean * mean);
        return (float) (mean + Math.sqrt(variance));
    }

    private static void checkImage(float[] pixels, int w, int h) {
        if (w <= 0 || h <= 0 || pixels == null || pixels.length != (long) w * h) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image needs " + (long) w * h + " values, got "
                    + (pixels == null ? "none" : pixels.length));
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                throw new IllegalArgumentException("pixel " + i + " is " + pixels[i]);
            }
        }
    }
}
