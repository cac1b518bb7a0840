package io.tunet.imaging.qc;

/**
 * The thresholds of field QC, in the units {@link FieldQc} measures in: nuclei and focus on the nucleus stain at
 * {@link FieldQc#WORKING_SIZE}, intensities 0..1 as decoded. The defaults were chosen from the HPA-Synth
 * calibration and checked on the real HPA fields; the imaging README ("Field QC") has the table and the reasons.
 * "PSF" below is the point-spread σ in pixels of the field resampled to 512².
 *
 * @param minNucleusArea        a foreground component smaller than this many pixels (at 256², scaled with the
 *                              working area) is debris or noise, not a nucleus; default 15 (60 at 512², the cut of
 *                              HPA-Synth's realism figures; real nuclei cover 250–500 at 256²)
 * @param minNucleusContrast    a pixel is nuclear foreground only if it is this much brighter than the blue median
 *                              (the background), whatever Otsu says; default 0.02 (well above the noise of an
 *                              empty HPA-Synth field, a twentieth of a real nucleus)
 * @param minNuclei             {@link QcFlag#EMPTY} when fewer nuclei are found; default 1
 * @param minForegroundFraction {@link QcFlag#EMPTY} when less of the field is nuclear foreground; default 0.002
 *                              (a third of one nucleus; real fields have 0.03–0.06, HPA-Synth 0.015 and up)
 * @param minFocus              {@link QcFlag#OUT_OF_FOCUS} when {@link QcReport#focus()} is lower; default 4.5
 *                              (HPA-Synth reads 6.8 and up when sharp, 5.4–5.7 at PSF 1.5, 4.4–4.6 at PSF 2,
 *                              3.5–3.7 at 2.5; the real fields 6.9 and 7.9, blurred by σ 2 at 512² 3.8 and 4.2)
 * @param maxSaturatedFraction  {@link QcFlag#SATURATED} when any stain has a larger fraction of pixels at the
 *                              maximum; default 0.01 (ten times the real fields' 0.0007–0.0010; HPA-Synth exposed
 *                              twice too long reaches a median of 0.018)
 * @param minP999               {@code DIM_<stain>} when that stain's 99.9th percentile is lower; default 0.06
 *                              (real green scaled by 0.05 reads 0.027 and 0.051; good HPA-Synth stains 0.1 and
 *                              up, but for the few tiny dots of a centrosome-only field, 0.03–0.05)
 */
public record QcSettings(int minNucleusArea, double minNucleusContrast, int minNuclei, double minForegroundFraction,
                         double minFocus, double maxSaturatedFraction, double minP999) {

    /**
     * @throws IllegalArgumentException if a threshold is outside its range
     */
    public QcSettings {
        if (minNucleusArea < 1) {
            throw new IllegalArgumentException("minNucleusArea must be at least 1 pixel, got " + minNucleusArea);
        }
        requireFraction("minNucleusContrast", minNucleusContrast);
        if (minNuclei < 0) {
            throw new IllegalArgumentException("minNuclei must not be negative, got " + minNuclei);
        }
        requireFraction("minForegroundFraction", minForegroundFraction);
        if (!(minFocus >= 0) || Double.isInfinite(minFocus)) {
            throw new IllegalArgumentException("minFocus must be a finite number >= 0, got " + minFocus);
        }
        requireFraction("maxSaturatedFraction", maxSaturatedFraction);
        requireFraction("minP999", minP999);
    }

    /** The calibrated defaults (see each parameter). */
    public static QcSettings defaults() {
        return new QcSettings(15, 0.02, 1, 0.002, 4.5, 0.01, 0.06);
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in 0..1, got " + value);
        }
    }
}
