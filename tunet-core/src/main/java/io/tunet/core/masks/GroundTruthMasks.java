package io.tunet.core.masks;

import io.tunet.imaging.Channel;

/**
 * The paper's weak segmentation labels (DESIGN §3): the green stain thresholded into one protein mask, and
 * per class either that mask (the sample carries the class) or an empty plane.
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

    /**
     * The per-class segmentation targets: plane {@code c} is {@code proteinMask} if {@code c} is one of
     * {@code labels}, else zeros.
     *
     * @return a new {@code float[numClasses * proteinMask.length]} of 0/1, plane {@code c} at offset
     *         {@code c * proteinMask.length}
     * @throws IllegalArgumentException if a label is outside {@code 0..numClasses-1}
     */
    public static float[] targets(byte[] proteinMask, int[] labels, int numClasses) {
        if (proteinMask == null || labels == null) {
            throw new IllegalArgumentException("mask and labels are required");
        }
        if (numClasses <= 0 || (long) numClasses * proteinMask.length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot make " + numClasses + " planes of " + proteinMask.length
                    + " pixels");
        }
        int plane = proteinMask.length;
        float[] targets = new float[numClasses * plane];
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (numClasses - 1));
            }
            int offset = label * plane;
            for (int i = 0; i < plane; i++) {
                targets[offset + i] = proteinMask[i] != 0 ? 1f : 0f;
            }
        }
        return targets;
    }

    /**
     * The segmentation targets of one model input: the protein mask thresholded from the tensor's green
     * plane (so at the model's resolution, after the shared preprocessing), copied into the planes of the
     * sample's labels.
     *
     * @param imageTensor a {@code 4 × size × size} tensor in {@link Channel} order
     * @return {@code float[numClasses * size * size]} as {@link #targets}
     * @throws IllegalArgumentException if the tensor is not {@code 4 * size * size} long or a label is invalid
     */
    public static float[] targetsFromTensor(float[] imageTensor, int size, int[] labels, int numClasses,
                                            ThresholdMethod method) {
        int channels = Channel.values().length;
        if (size <= 0 || imageTensor == null || imageTensor.length != (long) channels * size * size) {
            throw new IllegalArgumentException("a " + channels + "x" + size + "x" + size + " tensor needs "
                    + (long) channels * size * size + " values, got "
                    + (imageTensor == null ? "none" : imageTensor.length));
        }
        int plane = size * size;
        int offset = Channel.GREEN.ordinal() * plane;
        float[] green = java.util.Arrays.copyOfRange(imageTensor, offset, offset + plane);
        return targets(proteinMask(green, size, size, method), labels, numClasses);
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
