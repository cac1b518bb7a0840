package io.tunet.synth;

import java.util.Arrays;

/**
 * The simulated microscope: point-spread blur, per-stain gain and background, and Poisson-Gaussian noise.
 * Lengths are in pixels of a 512² field and scale with the field's magnification.
 *
 * @param blurSigma          Gaussian PSF standard deviation (pixels at 512²); 0 turns blur off
 * @param photonsAtFullScale photons collected at intensity 1.0; shot noise variance is {@code value / photons}
 * @param readNoise          standard deviation of the additive Gaussian noise (intensity units 0..1)
 * @param gain               per-stain gain, indexed by {@link Stain#ordinal()}
 * @param background         per-stain background level added before noise, indexed by {@link Stain#ordinal()}
 * @param gainJitter         relative per-field random variation of each gain (0.3 = ±30%)
 */
public record Optics(double blurSigma, double photonsAtFullScale, double readNoise,
                     double[] gain, double[] background, double gainJitter) {

    public Optics {
        if (!(blurSigma >= 0 && blurSigma <= 10)) {
            throw new IllegalArgumentException("blurSigma must be in 0..10 pixels, got " + blurSigma);
        }
        if (!(photonsAtFullScale > 0)) {
            throw new IllegalArgumentException("photonsAtFullScale must be positive, got " + photonsAtFullScale);
        }
        if (!(readNoise >= 0 && readNoise < 1)) {
            throw new IllegalArgumentException("readNoise must be in [0, 1), got " + readNoise);
        }
        if (gain == null || gain.length != 4 || background == null || background.length != 4) {
            throw new IllegalArgumentException("gain and background need one value per stain (4)");
        }
        for (int s = 0; s < 4; s++) {
            if (!(gain[s] > 0) || !(background[s] >= 0 && background[s] < 1)) {
                throw new IllegalArgumentException("stain " + Stain.values()[s] + ": gain must be positive and background in [0, 1), got "
                        + gain[s] + " and " + background[s]);
            }
        }
        if (!(gainJitter >= 0 && gainJitter < 1)) {
            throw new IllegalArgumentException("gainJitter must be in [0, 1), got " + gainJitter);
        }
        gain = gain.clone();
        background = background.clone();
    }

    /** Defaults tuned so that 512² fields land in the realism ranges of the real HPA fields (DESIGN §4). */
    public static Optics defaults() {
        return new Optics(0.8, 600, 0.003,
                new double[] {1.0, 0.8, 0.8, 1.5},
                new double[] {0.002, 0.002, 0.002, 0.002},
                0.3);
    }

    /** A copy without blur or noise (useful to inspect the drawn signal). */
    public Optics noiseless() {
        return new Optics(0, 1e12, 0, gain, background, 0);
    }

    /** A copy with another blur. */
    public Optics withBlurSigma(double sigma) {
        return new Optics(sigma, photonsAtFullScale, readNoise, gain, background, gainJitter);
    }

    /** A copy with other noise parameters. */
    public Optics withNoise(double photons, double read) {
        return new Optics(blurSigma, photons, read, gain, background, gainJitter);
    }

    @Override
    public double[] gain() {
        return gain.clone();
    }

    @Override
    public double[] background() {
        return background.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Optics p && p.blurSigma == blurSigma && p.photonsAtFullScale == photonsAtFullScale
                && p.readNoise == readNoise && Arrays.equals(p.gain, gain) && Arrays.equals(p.background, background)
                && p.gainJitter == gainJitter;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(blurSigma) * 31 + Arrays.hashCode(gain) * 17 + Arrays.hashCode(background);
    }

    @Override
    public String toString() {
        return "Optics[blurSigma=" + blurSigma + ", photons=" + photonsAtFullScale + ", readNoise=" + readNoise
                + ", gain=" + Arrays.toString(gain) + ", background=" + Arrays.toString(background)
                + ", gainJitter=" + gainJitter + "]";
    }
}
