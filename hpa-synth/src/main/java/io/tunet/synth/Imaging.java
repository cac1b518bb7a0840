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
     * {@code rows} ({@code size} rows of {@code size}) as working memory; pixels beyond the border repeat the
     * edge pixel. Symmetric taps are paired, so each pass does radius + 1 multiplications per pixel.
     *
     * <p>Every arithmetic loop reads and writes its arrays at the same index, the one form the JIT turns
     * into vector instructions (a loop reading {@code a[i - 1]} and {@code a[i + 1]} stays scalar): the
     * horizontal pass works on shifted copies of the row, the vertical pass on separate row arrays.
     */
    static void blur(float[] img, int size, float[] kernel, float[][] rows) {
        int rad = kernel.length / 2;
        float k0 = kernel[rad];
        // Columns whose whole horizontal window lies inside the row; the others clamp at the edge.
        int innerFrom = Math.min(rad, size), innerTo = Math.max(innerFrom, size - rad);
        int inner = innerTo - innerFrom;
        float[] acc = new float[size], left = new float[size], right = new float[size];
        for (int y = 0; y < size; y++) {
            int row = y * size;
            float[] out = rows[y];
            System.arraycopy(img, row + innerFrom, left, 0, inner);
            for (int j = 0; j < inner; j++) {
                acc[j] = k0 * left[j];
            }
            for (int i = 1; i <= rad; i++) {
                float w = kernel[rad + i];
                System.arraycopy(img, row + innerFrom - i, left, 0, inner);
                System.arraycopy(img, row + innerFrom + i, right, 0, inner);
                for (int j = 0; j < inner; j++) {
                    acc[j] += w * (left[j] + right[j]);
                }
            }
            System.arraycopy(acc, 0, out, innerFrom, inner);
            for (int x = 0; x < innerFrom; x++) {
                out[x] = atEdge(img, row, x, size, kernel);
            }
            for (int x = innerTo; x < size; x++) {
                out[x] = atEdge(img, row, x, size, kernel);
            }
        }
        for (int y = 0; y < size; y++) {
            float[] centre = rows[y];
            for (int x = 0; x < size; x++) {
                acc[x] = k0 * centre[x];
            }
            for (int i = 1; i <= rad; i++) {
                float w = kernel[rad + i];
                float[] up = rows[Math.max(0, y - i)], down = rows[Math.min(size - 1, y + i)];
                for (int x = 0; x < size; x++) {
                    acc[x] += w * (up[x] + down[x]);
                }
            }
            System.arraycopy(acc, 0, img, y * size, size);
        }
    }

    private static float atEdge(float[] img, int row, int x, int size, float[] kernel) {
        int rad = kernel.length / 2;
        float acc = 0;
        for (int i = -rad; i <= rad; i++) {
            acc += kernel[i + rad] * img[row + Math.min(size - 1, Math.max(0, x + i))];
        }
        return acc;
    }

    /**
     * Scales by {@code gain}, adds {@code background} and Poisson-Gaussian noise (shot noise variance
     * value / photons plus read noise²), clips to 0..1 and quantises to {@code levels} steps; in place.
     * Each row reads its normal samples from a random offset of a precomputed table, so the noise costs
     * one table read per pixel and is a deterministic function of {@code noise}.
     */
    static void expose(float[] img, int size, float gain, float background, double photons, double readNoise,
                       int levels, java.util.SplittableRandom noise) {
        Exposure e = new Exposure(gain, background, photons, readNoise, levels,
                Exposure.darkPixels(background, photons, readNoise, levels), noise);
        for (int y = 0; y < size; y++) {
            e.apply(img, y * size, size);
        }
    }

    /** The per-stain exposure of {@link #expose}, applied row by row. */
    static final class Exposure {
        private static final int STEPS = 4096;
        private final float gain;
        private final float background;
        private final float toIndex;
        private final int levels;
        private final float invQ;
        private final float[] sdTable = new float[STEPS + 1];
        private final float[] darkPixels;
        private final java.util.SplittableRandom noise;

        /**
         * @param darkPixels {@link #darkPixels} of the same background, photons, read noise and levels: it
         *                   depends on nothing that changes from field to field, so a generator makes it once
         */
        Exposure(float gain, float background, double photons, double readNoise, int levels, float[] darkPixels,
                 java.util.SplittableRandom noise) {
            this.gain = gain;
            this.background = background;
            this.levels = levels;
            this.invQ = 1f / levels;
            float invPhotons = (float) (1 / photons);
            float read2 = (float) (readNoise * readNoise);
            // Noise standard deviation by expected value, tabulated: one lookup instead of a square root per pixel.
            this.toIndex = (STEPS - 1) / (1.25f * gain + background);
            for (int i = 0; i <= STEPS; i++) {
                sdTable[i] = (float) Math.sqrt(i / toIndex * invPhotons + read2);
            }
            this.darkPixels = darkPixels;
            this.noise = noise;
        }

        /**
         * The exposed value of an unstained pixel (signal 0) for each entry of {@link Textures#GAUSS}: such a
         * pixel is background plus noise only, so most of a sparse field becomes a copy from this table.
         */
        static float[] darkPixels(float background, double photons, double readNoise, int levels) {
            float bgSigma = (float) Math.sqrt(background * (float) (1 / photons) + (float) (readNoise * readNoise));
            float[] gauss = Textures.GAUSS;
            float[] out = new float[gauss.length];
            float q = levels, invQ = 1f / levels;
            for (int i = 0; i < gauss.length; i++) {
                float v = Math.min(1f, Math.max(0f, background + bgSigma * gauss[i]));
                out[i] = (int) (v * q + 0.5f) * invQ;
            }
            return out;
        }

        /** Exposes pixels {@code row .. row + width - 1}; rows must be applied in order for determinism. */
        void apply(float[] img, int row, int width) {
            // Each row reads its normal deviates from a random offset of the table, wrapping at its end.
            int offset = noise.nextInt(Textures.GAUSS.length);
            int first = Math.min(width, Textures.GAUSS.length - offset);
            apply(img, row, first, offset);
            apply(img, row + first, width - first, 0);
        }

        private void apply(float[] img, int from, int count, int gaussFrom) {
            float[] gauss = Textures.GAUSS;
            float[] dark = darkPixels;
            float[] sd = sdTable;
            float gain = this.gain, background = this.background, toIndex = this.toIndex, q = levels, invQ = this.invQ;
            int levels = this.levels;
            int shift = gaussFrom - from;
            for (int p = from; p < from + count; p++) {
                float s = img[p];
                if (s == 0) {
                    img[p] = dark[p + shift];
                    continue;
                }
                float e = s * gain + background;
                float v = e + sd[Math.min(STEPS, (int) (e * toIndex + 0.5f))] * gauss[p + shift];
                // Clipping to 0..1 after rounding to a level gives the same value as before it, and integer
                // min/max compile to conditional moves where float ones do not.
                img[p] = Math.max(0, Math.min(levels, (int) (v * q + 0.5f))) * invQ;
            }
        }
    }
}
