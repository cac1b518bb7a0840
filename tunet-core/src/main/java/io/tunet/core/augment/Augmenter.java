package io.tunet.core.augment;

import java.util.random.RandomGenerator;

/**
 * The paper's training augmentation, applied identically to an image tensor and its mask tensor: one of
 * the eight {@link Dihedral} transforms (uniformly), then with some probability a rotation by a random
 * angle about the centre (bilinear for the image, nearest neighbour for the masks so they stay binary;
 * corners that come from outside the field are zero), then lighting jitter on the image only: per
 * channel, {@code v' = clamp(contrast · v + brightness, 0, 1)}.
 *
 * <p>All randomness comes from the generator passed to {@link #apply}, so a seeded generator per sample
 * reproduces an epoch exactly. Immutable and thread-safe.
 */
public final class Augmenter {

    /**
     * The transformed pair, both new arrays.
     *
     * @param image channel-first image, same shape as the input
     * @param masks channel-first masks, same shape as the input
     */
    public record Augmented(float[] image, float[] masks) {
    }

    private final boolean dihedral;
    private final double rotationProbability;
    private final double maxRotationDegrees;
    private final double maxBrightness;
    private final double maxContrast;

    private Augmenter(Builder builder) {
        this.dihedral = builder.dihedral;
        this.rotationProbability = builder.rotationProbability;
        this.maxRotationDegrees = builder.maxRotationDegrees;
        this.maxBrightness = builder.maxBrightness;
        this.maxContrast = builder.maxContrast;
    }

    /** The default augmentation: see {@link Builder} for each default. */
    public static Augmenter defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Draws one random transform and applies it to the image and the masks.
     *
     * @param image        {@code channels × size × size}
     * @param channels     image channels (4 for TUNet)
     * @param masks        {@code maskChannels × size × size}; may be empty when {@code maskChannels} is 0
     * @param maskChannels mask planes (28 for TUNet)
     * @param size         side of the square planes
     * @param rng          the source of randomness
     * @return new arrays; the inputs are not modified
     * @throws IllegalArgumentException if an array does not match its stated shape
     */
    public Augmented apply(float[] image, int channels, float[] masks, int maskChannels, int size,
                           RandomGenerator rng) {
        checkTensor(image, channels, size, "image");
        if (maskChannels < 0) {
            throw new IllegalArgumentException("mask channels must not be negative, got " + maskChannels);
        }
        if (maskChannels > 0) {
            checkTensor(masks, maskChannels, size, "masks");
        } else if (masks != null && masks.length != 0) {
            throw new IllegalArgumentException("masks hold " + masks.length + " values but mask channels is 0");
        }
        if (rng == null) {
            throw new IllegalArgumentException("a random generator is required");
        }
        int plane = size * size;
        // Most of TUNet's 28 target planes are empty (only labelled classes carry a mask) and stay empty under
        // any transform: move only the non-empty ones.
        int[] occupied = nonEmptyPlanes(masks, maskChannels, plane);
        float[] outImage = image;
        float[] packed = pack(masks, occupied, plane);
        if (dihedral) {
            Dihedral t = Dihedral.values()[rng.nextInt(Dihedral.values().length)];
            outImage = t.apply(outImage, channels, size);
            if (occupied.length > 0) {
                packed = t.apply(packed, occupied.length, size);
            }
        }
        if (rotationProbability > 0 && rng.nextDouble() < rotationProbability) {
            double degrees = (rng.nextDouble() * 2 - 1) * maxRotationDegrees;
            outImage = Rotation.bilinear(outImage, channels, size, degrees);
            if (occupied.length > 0) {
                packed = Rotation.nearest(packed, occupied.length, size, degrees);
            }
        }
        if (outImage == image) {
            outImage = image.clone();
        }
        float[] outMasks = new float[maskChannels * plane];
        for (int k = 0; k < occupied.length; k++) {
            System.arraycopy(packed, k * plane, outMasks, occupied[k] * plane, plane);
        }
        jitterLighting(outImage, channels, size * size, rng);
        return new Augmented(outImage, outMasks);
    }

    private static int[] nonEmptyPlanes(float[] masks, int planes, int plane) {
        int[] occupied = new int[planes];
        int count = 0;
        for (int c = 0; c < planes; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                if (masks[i] != 0f) {
                    occupied[count++] = c;
                    break;
                }
            }
        }
        return java.util.Arrays.copyOf(occupied, count);
    }

    private static float[] pack(float[] masks, int[] occupied, int plane) {
        float[] packed = new float[occupied.length * plane];
        for (int k = 0; k < occupied.length; k++) {
            System.arraycopy(masks, occupied[k] * plane, packed, k * plane, plane);
        }
        return packed;
    }

    private void jitterLighting(float[] image, int channels, int plane, RandomGenerator rng) {
        if (maxBrightness == 0 && maxContrast == 0) {
            return;
        }
        double logContrast = Math.log1p(maxContrast);
        for (int ch = 0; ch < channels; ch++) {
            float contrast = (float) Math.exp((rng.nextDouble() * 2 - 1) * logContrast);
            float brightness = (float) ((rng.nextDouble() * 2 - 1) * maxBrightness);
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                float v = contrast * image[i] + brightness;
                image[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
            }
        }
    }

    static void checkTensor(float[] tensor, int channels, int size, String what) {
        if (channels <= 0 || size <= 0) {
            throw new IllegalArgumentException(what + " needs positive channels and size, got " + channels + " and "
                    + size);
        }
        long expected = (long) channels * size * size;
        if (tensor == null || tensor.length != expected) {
            throw new IllegalArgumentException(what + " of " + channels + "x" + size + "x" + size + " needs "
                    + expected + " values, got " + (tensor == null ? "none" : tensor.length));
        }
    }

    /** Configures an {@link Augmenter}; every option has a default. */
    public static final class Builder {
        private boolean dihedral = true;
        private double rotationProbability = 0.5;
        private double maxRotationDegrees = 45;
        private double maxBrightness = 0.005;
        private double maxContrast = 0.3;

        private Builder() {
        }

        /** Whether to apply a random dihedral transform; default true. */
        public Builder optDihedral(boolean dihedral) {
            this.dihedral = dihedral;
            return this;
        }

        /**
         * Probability of a free rotation (default 0.5) and its largest angle in degrees either way (default
         * 45: with the dihedral quarter turns that reaches every angle).
         */
        public Builder optRotation(double probability, double maxDegrees) {
            this.rotationProbability = probability;
            this.maxRotationDegrees = maxDegrees;
            return this;
        }

        /**
         * Lighting jitter per image channel: contrast factor (a detector gain) log-uniform in
         * [1 / (1 + maxContrast), 1 + maxContrast] (default 0.3) and brightness offset uniform in
         * ±{@code maxBrightness} (default 0.005, about a real field's background level: fluorescence
         * fields are mostly dark, mean intensity 0.002 to 0.19, so a large offset would swamp them while
         * gain changes are what stain and exposure differences look like). Zero and zero turns it off.
         */
        public Builder optLighting(double maxBrightness, double maxContrast) {
            this.maxBrightness = maxBrightness;
            this.maxContrast = maxContrast;
            return this;
        }

        /**
         * @throws IllegalArgumentException if a probability is outside 0..1 or a range is negative
         */
        public Augmenter build() {
            if (!(rotationProbability >= 0 && rotationProbability <= 1)) {
                throw new IllegalArgumentException("rotation probability must be in 0..1, got " + rotationProbability);
            }
            if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) {
                throw new IllegalArgumentException("rotation angle must be in 0..180 degrees, got "
                        + maxRotationDegrees);
            }
            if (!(maxBrightness >= 0 && maxBrightness <= 1) || !(maxContrast >= 0 && maxContrast <= 10)) {
                throw new IllegalArgumentException("lighting ranges must be in 0..1 (brightness) and 0..10 "
                        + "(contrast), got " + maxBrightness + " and " + maxContrast);
            }
            return new Augmenter(this);
        }
    }
}
