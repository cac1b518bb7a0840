package io.tunet.imaging;

/**
 * Sees every row of an image at its stored size while {@link ImageCodec#decodeResized} reads it, so that a
 * caller can measure the full-size image (field QC does) without the decoder holding it.
 */
public interface RowListener {

    /**
     * Called before the first row, and again if decoding starts over (a PNG the row-by-row reader gave up on is
     * then decoded whole and handed over again): forget every row seen before.
     *
     * @param header the stored image's format, size and bit depth
     */
    void begin(ImageHeader header);

    /**
     * The next row, top to bottom: {@code header.width()} values scaled to 0..1 by the bit depth's maximum, as
     * {@link ImageCodec#decode} gives them. The array is reused for the next row; copy what must be kept.
     */
    void row(float[] values);
}
