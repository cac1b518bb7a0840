package io.tunet.simulator.publish;

import java.util.Objects;

import io.tunet.schemas.ImageFormat;

/**
 * One stain's image as a file holds it: the encoded bytes plus what its header says.
 *
 * @param bytes    PNG, TIFF or JPEG file bytes, sent as they are
 * @param format   the encoding
 * @param width    pixels
 * @param height   pixels
 * @param bitDepth 8 or 16
 */
public record EncodedImage(byte[] bytes, ImageFormat format, int width, int height, int bitDepth) {

    public EncodedImage {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(format, "format");
    }
}
