package io.tunet.synth;

import java.util.SplittableRandom;

/**
 * Precomputed, process-wide tables (built once from a fixed seed, so every field is reproducible): periodic
 * smooth noise for nuclear and cytoplasmic texture, a reticular network for the ER, standard normal
 * samples for the camera noise, and a fast angle-to-bin function.
 */
final class Textures {

    static final int TILE = 256;
    private static final int MASK = TILE - 1;
    static final int ANGLE_BINS = 256;
    static final int GAUSS_BITS = 16;

    /** Smooth noise in 0..1 (feature size about 6 px), periodic. */
    static final float[] SMOOTH = new float[TILE * TILE];
    /** Reticular network in 0..1: thin ridges along the zero lines of band-limited noise, periodic. */
    static final float[] RETICULUM = new float[TILE * TILE];
    /** Standard normal samples. */
    static final float[] GAUSS = new float[1 << GAUSS_BITS];
    private static final int EXP_STEPS = 64;
    private static final float[] EXP_NEG = new float[16 * EXP_STEPS + 1];

    static {
        SplittableRandom r = new SplittableRandom(0x5EEDL);
        float[] a = periodicNoise(r, 3.0);
        for (int i = 0; i < a.length; i++) {
            SMOOTH[i] = (float) (0.5 + 0.5 * StrictMath.tanh(1.2 * a[i]));
        }
        float[] b = periodicNoise(r, 2.6);
        float[] c = periodicNoise(r, 5.0);
        for (int i = 0; i < b.length; i++) {
            double ridge = StrictMath.exp(-(b[i] * b[i]) / (2 * 0.16 * 0.16));
            double ridge2 = StrictMath.exp(-(c[i] * c[i]) / (2 * 0.12 * 0.12));
            RETICULUM[i] = (float) Math.min(1.0, 0.75 * ridge + 0.5 * ridge2);
        }
        for (int i = 0; i < GAUSS.length; i++) {
            GAUSS[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < EXP_NEG.length; i++) {
            EXP_NEG[i] = (float) StrictMath.exp(-(double) i / EXP_STEPS);
        }
    }

    /** {@code exp(-x)} for x ≥ 0 from a table (1/64 steps, 0 beyond 16), 1 for x < 0: for per-pixel falloffs. */
    static float expNeg(float x) {
        int i = (int) (x * EXP_STEPS);
        return i < 0 ? 1 : i >= EXP_NEG.length ? 0 : EXP_NEG[i];
    }

    private Textures() {
    }

    /** White noise blurred with a periodic Gaussian of {@code sigma} pixels, normalised to unit variance. */
    private static float[] periodicNoise(SplittableRandom r, double sigma) {
        float[] w = new float[TILE * TILE];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        int rad = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * rad + 1];
        for (int i = -rad; i <= rad; i++) {
            k[i + rad] = (float) StrictMath.exp(-i * i / (2 * sigma * sigma));
        }
        float[] t = new float[w.length];
        for (int y = 0; y < TILE; y++) {
            for (int x = 0; x < TILE; x++) {
                float s = 0;
                for (int i = -rad; i <= rad; i++) {
                    s += k[i + rad] * w[y * TILE + ((x + i) & MASK)];
                }
                t[y * TILE + x] = s;
            }
        }
        double sum2 = 0;
        for (int y = 0; y < TILE; y++) {
            for (int x = 0; x < TILE; x++) {
                float s = 0;
                for (int i = -rad; i <= rad; i++) {
                    s += k[i + rad] * t[((y + i) & MASK) * TILE + x];
                }
                w[y * TILE + x] = s;
                sum2 += s * s;
            }
        }
        float norm = (float) (1 / Math.sqrt(sum2 / w.length));
        for (int i = 0; i < w.length; i++) {
            w[i] *= norm;
        }
        return w;
    }

    /** Tile value at integer tile coordinates (wrapped). */
    static float at(float[] tile, int tx, int ty) {
        return tile[(ty & MASK) * TILE + (tx & MASK)];
    }

    /** The angle of {@code (x, y)} as a bin {@code 0..ANGLE_BINS-1}; about 0.01 rad accurate, no trig calls. */
    static int angleBin(float y, float x) {
        float ax = Math.abs(x);
        float ay = Math.abs(y);
        // Plain comparisons: the float Math.max / Math.min also order NaN and -0.0, which cannot occur here, and cost more.
        float mx = ax > ay ? ax : ay;
        if (mx == 0) {
            return 0;
        }
        return angleBin(y, x, octantAngle((ax < ay ? ax : ay) / mx));
    }

    /**
     * The arctangent, in 0..π/4, of a ratio {@code min(|x|, |y|) / max(|x|, |y|)} in 0..1: the branch-free
     * half of {@link #angleBin(float, float)}, which row loops compute in bulk for both ratios
     * {@code |x| / |y|} and {@code |y| / |x|} (the JIT vectorises that; it does not vectorise a choice).
     */
    static float octantAngle(float ratio) {
        float s = ratio * ratio;
        return ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * ratio + ratio;
    }

    /** {@link #angleBin(float, float)} of a point not at the origin, from the {@link #octantAngle} of its ratio. */
    static int angleBin(float y, float x, float octantAngle) {
        float r = octantAngle;
        if (Math.abs(y) > Math.abs(x)) {
            r = 1.57079637f - r;
        }
        if (x < 0) {
            r = 3.14159274f - r;
        }
        if (y < 0) {
            r = -r;
        }
        return ((int) (r * (ANGLE_BINS / (2 * Math.PI)) + ANGLE_BINS + 0.5f)) & (ANGLE_BINS - 1);
    }

    /** Radius multipliers for a wobbly closed outline: {@code 1 + Σ a_h cos(hθ + φ_h)}. */
    static float[] outline(SplittableRandom r, double roughness, int harmonics) {
        float[] t = new float[ANGLE_BINS];
        double[] amp = new double[harmonics + 1];
        double[] phase = new double[harmonics + 1];
        for (int h = 2; h <= harmonics; h++) {
            amp[h] = roughness * r.nextDouble() / Math.sqrt(h - 1);
            phase[h] = r.nextDouble() * 2 * Math.PI;
        }
        for (int b = 0; b < ANGLE_BINS; b++) {
            double th = 2 * Math.PI * b / ANGLE_BINS;
            double v = 1;
            for (int h = 2; h <= harmonics; h++) {
                v += amp[h] * StrictMath.cos(h * th + phase[h]);
            }
            t[b] = (float) Math.max(0.55, v);
        }
        return t;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
