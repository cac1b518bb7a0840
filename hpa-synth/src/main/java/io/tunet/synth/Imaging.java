package io.tunet.synth;

/**
 * The optics applied to a drawn stain: gain, separable Gaussian blur, background, Poisson-Gaussian noise,
 * clipping to 0..1 and quantisation to the output bit depth. Works in place on float arrays with no
 * per-pixel allocation.
 */
final class Imaging {

    private Imaging() {
    }

    /** A normalised Gaussian kernel of standard deviation {@code sigma} pixels (radius 2.5σ), or null for σ < 0.2. */
    static float[] kernel(double sigma) {
        if (sigma < 0.2) {
            return null;
        }
        // 2.5σ keeps 98.8% of the weight at five taps for the default σ, which is what makes the blur cheap.
        int rad = Math.max(1, (int) Math.ceil(2.5 * sigma));
        float[] k = new float[2 * rad + 1];
        double sum = 0;
        for (int i = -rad; i <= rad; i++) {
            double v = StrictMath.exp(-i * i / (2 * sigma * sigma));
            k[i + rad] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    /**
     * Blurs {@code img} (size², row-major) in place with the symmetric separable {@code kernel}, using
     * {@code scratch} (same length) as working memory. Empty rows, which are most of a sparse HPA field,
     * cost almost nothing; symmetric taps are paired so each pass does radius + 1 multiplications.
     */
    static void blur(float[] img, float[] scratch, int size, float[] kernel) {
        blur(img, scratch, size, kernel, null);
    }

    /** {@link #blur}, then {@code exposure} applied to each output row while it is still in cache (null: none). */
    static void blur(float[] img, float[] scratch, int size, float[] kernel, Exposure exposure) {
        int rad = kernel.length / 2;
        int[] rowFrom = new int[size];
        int[] rowTo = new int[size];
        for (int y = 0; y < size; y++) {
            int row = y * size;
            int first = -1, last = -1;
            for (int x = 0; x < size; x++) {
                if (img[row + x] != 0) {
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            java.util.Arrays.fill(scratch, row, row + size, 0f);
            rowTo[y] = -1;
            if (first < 0) {
                continue;
            }
            int from = Math.max(0, first - rad), to = Math.min(size - 1, last + rad);
            rowFrom[y] = from;
            rowTo[y] = to;
            int innerFrom = Math.max(from, rad), innerTo = Math.min(to, size - 1 - rad);
            float k0 = kernel[rad];
            for (int x = innerFrom; x <= innerTo; x++) {
                scratch[row + x] = k0 * img[row + x];
            }
            for (int i = 1; i <= rad; i++) {
                float w = kernel[rad + i];
                for (int x = innerFrom; x <= innerTo; x++) {
                    scratch[row + x] += w * (img[row + x - i] + img[row + x + i]);
                }
            }
            for (int x = from; x <= to; x++) {
                if (x >= innerFrom && x <= innerTo) {
                    continue;
                }
                float acc = 0;
                for (int i = -rad; i <= rad; i++) {
                    int xx = Math.min(size - 1, Math.max(0, x + i));
                    acc += kernel[i + rad] * img[row + xx];
                }
                scratch[row + x] = acc;
            }
        }
        for (int y = 0; y < size; y++) {
            int dst = y * size;
            int from = size, to = -1;
            for (int i = -rad; i <= rad; i++) {
                int yy = Math.min(size - 1, Math.max(0, y + i));
                if (rowTo[yy] >= 0) {
                    from = Math.min(from, rowFrom[yy]);
                    to = Math.max(to, rowTo[yy]);
                }
            }
            java.util.Arrays.fill(img, dst, dst + size, 0f);
            if (to < 0) {
                if (exposure != null) {
                    exposure.apply(img, dst, size);
                }
                continue;
            }
            int c = y * size;
            float k0 = kernel[rad];
            for (int x = from; x <= to; x++) {
                img[dst + x] = k0 * scratch[c + x];
            }
            for (int i = 1; i <= rad; i++) {
                float w = kernel[rad + i];
                int up = Math.max(0, y - i) * size, down = Math.min(size - 1, y + i) * size;
                for (int x = from; x <= to; x++) {
                    img[dst + x] += w * (scratch[up + x] + scratch[down + x]);
                }
            }
            if (exposure != null) {
                exposure.apply(img, dst, size);
            }
        }
    }

    /**
     * Scales by {@code gain}, adds {@code background} and Poisson-Gaussian noise (shot noise variance
     * value / photons plus read noise²), clips to 0..1 and quantises to {@code levels} steps; in place.
     * Each row reads its normal samples from a random offset of a precomputed table, so the noise costs
     * one table read per pixel and is a deterministic function of {@code noise}.
     */
    static void expose(float[] img, int size, float gain, float background, double photons, double readNoise,
                       int levels, java.util.SplittableRandom noise) {
        Exposure e = new Exposure(gain, background, photons, readNoise, levels, noise);
        for (int y = 0; y < size; y++) {
            e.apply(img, y * size, size);
        }
    }

    /** The per-stain exposure of {@link #expose}, applicable row by row (so blur can hand over hot rows). */
    static final class Exposure {
        private static final int STEPS = 4096;
        private final float gain;
        private final float background;
        private final float bgSigma;
        private final float q;
        private final float invQ;
        private final float toIndex;
        private final float[] sdTable = new float[STEPS + 1];
        private final java.util.SplittableRandom noise;

        Exposure(float gain, float background, double photons, double readNoise, int levels, java.util.SplittableRandom noise) {
            this.gain = gain;
            this.background = background;
            float invPhotons = (float) (1 / photons);
            float read2 = (float) (readNoise * readNoise);
            this.bgSigma = (float) Math.sqrt(background * invPhotons + read2);
            this.q = levels;
            this.invQ = 1f / levels;
            // Noise standard deviation by expected value, tabulated: one lookup instead of a square root per pixel.
            this.toIndex = (STEPS - 1) / (1.25f * gain + background);
            for (int i = 0; i <= STEPS; i++) {
                sdTable[i] = (float) Math.sqrt(i / toIndex * invPhotons + read2);
            }
            this.noise = noise;
        }

        /** Exposes pixels {@code row .. row + width - 1}; rows must be applied in order for determinism. */
        void apply(float[] img, int row, int width) {
            float[] gauss = Textures.GAUSS;
            int gaussMask = gauss.length - 1;
            int offset = noise.nextInt(gauss.length);
            for (int x = 0; x < width; x++) {
                int p = row + x;
                float s = img[p];
                float g = gauss[(offset + x) & gaussMask];
                float v;
                if (s == 0) {
                    v = background + bgSigma * g;
                } else {
                    float e = s * gain + background;
                    v = e + sdTable[Math.min(STEPS, (int) (e * toIndex + 0.5f))] * g;
                }
                v = Math.min(1f, Math.max(0f, v));
                img[p] = (int) (v * q + 0.5f) * invQ;
            }
        }
    }
}
