package io.tunet.imaging.qc;

/**
 * Intensity figures of one stain, over every pixel of the stored image (not a resized copy, so a saturated
 * pixel is never averaged away). Intensities are 0..1 as decoded ({@code GrayImage}: scaled by the bit depth's
 * maximum); percentiles are exact at the image's bit depth.
 *
 * @param saturatedFraction fraction of pixels at the bit depth's maximum (255 of 255, 65535 of 65535)
 * @param p1                1st percentile of intensity
 * @param p50               median intensity
 * @param p99               99th percentile of intensity
 * @param p999              99.9th percentile of intensity: the brightest structures, even where they cover
 *                          under 1% of the field (nucleoli, Golgi, a few vesicles), which the 99th misses
 */
public record StainStats(double saturatedFraction, double p1, double p50, double p99, double p999) {
}
