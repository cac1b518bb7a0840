package io.tunet.imaging;

/**
 * What an image's header says, read without decoding its pixels.
 *
 * @param format   the encoded format
 * @param width    width in pixels
 * @param height   height in pixels
 * @param bitDepth bits per sample of the stored values (8 or 16 for anything {@link ImageCodec} accepts)
 */
public record ImageHeader(ImageFormat format, int width, int height, int bitDepth) {

    /** Number of pixels, as a long so that hostile headers cannot overflow it. */
    public long pixelCount() {
        return (long) width * height;
    }
}
