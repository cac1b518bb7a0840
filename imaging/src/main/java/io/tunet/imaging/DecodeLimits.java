package io.tunet.imaging;

/**
 * The largest image a decoder will accept. Checked against the header before any pixel memory is
 * allocated, so a hostile or broken header claiming an enormous size is refused cheaply. Besides the size, the
 * decoded raster (width × height × bands × bytes per sample, from the header) must fit in
 * {@link #maxRasterBytes()}: what one 16-bit band of {@code maxPixels} takes. A multi-band 16-bit image
 * compresses to almost nothing and would otherwise decode to gigabytes.
 *
 * @param maxWidth  largest accepted width in pixels
 * @param maxHeight largest accepted height in pixels
 * @param maxPixels largest accepted width × height
 */
public record DecodeLimits(int maxWidth, int maxHeight, long maxPixels) {

    /**
     * @throws IllegalArgumentException if a limit is not positive
     */
    public DecodeLimits {
        if (maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("decode limits must be positive, got " + maxWidth + "x" + maxHeight
                    + " and " + maxPixels + " pixels");
        }
    }

    /** 8192 × 8192 and 64 Mpx: room for the real 3072² HPA fields with a wide margin. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(8192, 8192, 8192L * 8192L);
    }

    /** The largest decoded raster accepted, in bytes: one 16-bit band of {@link #maxPixels()} pixels. */
    public long maxRasterBytes() {
        return maxPixels * 2;
    }

    /** Bytes a decoder's raster takes for this image. */
    public static long rasterBytes(int width, int height, int bands, int bitsPerSample) {
        return (long) width * height * bands * ((bitsPerSample + 7) / 8);
    }

    /** Whether an image of this size is within the limits. */
    public boolean allows(int width, int height) {
        return width <= maxWidth && height <= maxHeight && (long) width * height <= maxPixels;
    }
}
