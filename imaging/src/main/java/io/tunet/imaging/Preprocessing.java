package io.tunet.imaging;

import io.tunet.imaging.ImageDecodeException.Reason;

/**
 * Turns the four decoded stains of a field into the model's input tensor. Training, evaluation and serving
 * all call this one function, so the model always sees the same preprocessing.
 *
 * <p>Normalisation: none beyond the decoder's scaling by bit depth. Values stay in 0..1 as absolute
 * intensities (0 = no signal, 1 = detector maximum), so an 8-bit and a 16-bit acquisition of the same
 * scene give the same tensor and dim fields stay dim: in fluorescence the amount of stain is itself
 * information, which per-image standardisation would erase.
 */
public final class Preprocessing {

    private Preprocessing() {
    }

    /**
     * Resizes each stain to {@code size × size} with {@link Resize#area} and stacks them channel-first in
     * {@link Channel} order (red, green, blue, yellow).
     *
     * @return {@code float[4 * size * size]}, plane {@code c} at offset {@code c * size * size}
     * @throws ImageDecodeException     {@code DIMENSION_MISMATCH} if the stains differ in size
     * @throws IllegalArgumentException if a stain is missing or {@code size} is not positive
     */
    public static float[] toTensor(GrayImage red, GrayImage green, GrayImage blue, GrayImage yellow, int size)
            throws ImageDecodeException {
        GrayImage[] stains = {red, green, blue, yellow};
        Channel[] channels = Channel.values();
        for (int c = 0; c < stains.length; c++) {
            if (stains[c] == null) {
                throw new IllegalArgumentException("the " + channels[c].fileSuffix() + " stain is missing");
            }
        }
        if (size <= 0 || (long) size * size * channels.length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor size must be positive and fit an array, got " + size);
        }
        for (int c = 1; c < stains.length; c++) {
            if (stains[c].width() != red.width() || stains[c].height() != red.height()) {
                throw new ImageDecodeException(Reason.DIMENSION_MISMATCH, "the " + channels[c].fileSuffix()
                        + " stain is " + stains[c].width() + "x" + stains[c].height() + " but the red stain is "
                        + red.width() + "x" + red.height());
            }
        }
        int plane = size * size;
        float[] tensor = new float[channels.length * plane];
        for (int c = 0; c < stains.length; c++) {
            GrayImage stain = stains[c];
            Resize.area(stain.pixels(), stain.width(), stain.height(), size, size, tensor, c * plane);
        }
        return tensor;
    }
}
