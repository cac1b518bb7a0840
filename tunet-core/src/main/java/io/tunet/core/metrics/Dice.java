package io.tunet.core.metrics;

/** Overlap between a predicted and a true segmentation mask. */
public final class Dice {

    private Dice() {
    }

    /**
     * Hard Dice coefficient 2·|P ∩ T| / (|P| + |T|) of two binary masks (any non-zero value is foreground).
     * Two empty masks agree perfectly: 1.0.
     *
     * @throws IllegalArgumentException if a mask is missing or the lengths differ
     */
    public static double dice(byte[] predicted, byte[] truth) {
        if (predicted == null || truth == null || predicted.length != truth.length) {
            throw new IllegalArgumentException("masks must be present and equally long, got "
                    + (predicted == null ? "none" : predicted.length) + " and " + (truth == null ? "none" : truth.length));
        }
        long both = 0;
        long sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            boolean p = predicted[i] != 0;
            boolean t = truth[i] != 0;
            if (p && t) {
                both++;
            }
            sum += (p ? 1 : 0) + (t ? 1 : 0);
        }
        return sum == 0 ? 1.0 : 2.0 * both / sum;
    }

    /**
     * Soft Dice (2·Σ p·y + eps) / (Σ p + Σ y + eps) of probabilities {@code p} against targets {@code y}; the
     * smoothing {@code eps} makes two empty maps score 1 and keeps the value defined. The segmentation loss
     * is {@code 1 - soft}.
     *
     * @throws IllegalArgumentException if an array is missing, the lengths differ, or {@code eps < 0}
     */
    public static double soft(float[] p, float[] y, double eps) {
        if (p == null || y == null || p.length != y.length) {
            throw new IllegalArgumentException("maps must be present and equally long, got "
                    + (p == null ? "none" : p.length) + " and " + (y == null ? "none" : y.length));
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("eps must not be negative, got " + eps);
        }
        double intersection = 0;
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            intersection += (double) p[i] * y[i];
            sum += (double) p[i] + y[i];
        }
        double denominator = sum + eps;
        return denominator == 0 ? 1.0 : (2 * intersection + eps) / denominator;
    }
}
