package io.tunet.imaging;

/**
 * One decoded stain: a single-channel image with values scaled to 0..1 by the maximum of its bit depth
 * (255 for 8-bit, 65535 for 16-bit), so 8- and 16-bit acquisitions of the same scene look the same.
 *
 * @param width    width in pixels
 * @param height   height in pixels
 * @param bitDepth the bit depth the image was stored with (8 or 16)
 * @param pixels   row-major values, {@code pixels[y * width + x]}, length {@code width * height}; the array is
 *                 shared, not copied
 */
public record GrayImage(int width, int height, int bitDepth, float[] pixels) {

    /**
     * @throws IllegalArgumentException if the size is not positive or does not match the pixel count
     */
    public GrayImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels == null || pixels.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs " + (long) width * height
                    + " pixels, got " + (pixels == null ? "none" : pixels.length));
        }
    }

    /** The mean pixel value (0..1). */
    public double mean() {
        double sum = 0;
        for (float v : pixels) {
            sum += v;
        }
        return sum / pixels.length;
    }
}
