package io.tunet.synth.layout;

import io.tunet.synth.BinaryMask;
import io.tunet.synth.Stain;

import java.util.Map;

/**
 * One sample read from an HPA-layout directory.
 *
 * @param id       the {@code Id} of its {@code train.csv} row
 * @param labels   sorted class indices
 * @param width    stain width in pixels
 * @param height   stain height in pixels
 * @param bitDepth bits per pixel of the stain files (8 or 16)
 * @param stains   the four stains in {@link Stain} order, row-major, intensities 0..1
 * @param masks    true masks by class index, empty when the directory has none for this sample
 */
public record HpaSample(String id, int[] labels, int width, int height, int bitDepth, float[][] stains,
                        Map<Integer, BinaryMask> masks) {

    /** One stain (the stored array, not a copy). */
    public float[] stain(Stain stain) {
        return stains[stain.ordinal()];
    }
}
