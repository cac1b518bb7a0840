package io.tunet.results.ingest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import javax.imageio.ImageIO;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;

/**
 * Makes the small RGB composite of a sample's four stains that the dashboard shows: red = microtubules,
 * green = protein, blue = nucleus, and the ER (yellow) added to red and green, as the HPA displays
 * them. Each stain is area-averaged down to at most {@code size} pixels on its longest side while it is decoded
 * ({@link ImageCodec#decodeResized}: a full-size field is never held whole, within the same decode limits as
 * inference) and stretched so its 99.5th percentile is full brightness (fluorescence fields are mostly dark
 * background).
 *
 * <p>The sink decodes the stains itself, a second time after inference: making the thumbnail from the tensor
 * inference already resized would need that tensor, or a thumbnail, in inference's outputs, which their Avro
 * schemas do not carry.
 */
public final class Thumbnails {

    private static final double STRETCH_PERCENTILE = 0.995;
    private static final DecodeLimits LIMITS = DecodeLimits.defaults();

    private final BlobStore blobs;
    private final int size;

    public Thumbnails(BlobStore blobs, int size) {
        if (size < 8 || size > 2048) {
            throw new IllegalArgumentException("thumbnail size must be 8..2048 pixels, was " + size);
        }
        this.blobs = blobs;
        this.size = size;
    }

    /** The composite as PNG bytes. */
    public byte[] composite(Sample sample) throws ThumbnailException {
        byte[] greenBytes = bytes("green", sample.getGreen());
        ImageHeader green;
        try {
            green = ImageCodec.readHeader(greenBytes, LIMITS);
        } catch (ImageDecodeException e) {
            throw new ThumbnailException("the green stain cannot be decoded: " + e.getMessage(), e);
        }
        int longest = Math.max(green.width(), green.height());
        int width = Math.max(1, (int) Math.round(green.width() * Math.min(1.0, (double) size / longest)));
        int height = Math.max(1, (int) Math.round(green.height() * Math.min(1.0, (double) size / longest)));
        float[] g = stretch(shrink(Channel.GREEN, greenBytes, width, height));
        float[] r = stretch(shrink(Channel.RED, bytes("red", sample.getRed()), width, height));
        float[] b = stretch(shrink(Channel.BLUE, bytes("blue", sample.getBlue()), width, height));
        float[] y = stretch(shrink(Channel.YELLOW, bytes("yellow", sample.getYellow()), width, height));

        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < width * height; i++) {
            int red = toByte(r[i] + 0.5f * y[i]);
            int grn = toByte(g[i] + 0.5f * y[i]);
            int blu = toByte(b[i]);
            rgb.setRGB(i % width, i / width, (red << 16) | (grn << 8) | blu);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(rgb, "png", png);
        } catch (IOException e) {
            throw new ThumbnailException("cannot encode the thumbnail of sample " + sample.getSampleId(), e);
        }
        return png.toByteArray();
    }

    private byte[] bytes(String stain, Image image) throws ThumbnailException {
        Object content = image.getContent();
        if (content instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (content instanceof BlobRef ref) {
            try {
                return blobs.get(ref);
            } catch (BlobStoreException e) {
                throw new ThumbnailException("the " + stain + " stain's blob " + ref.getUri() + " is unavailable: "
                        + e.getMessage(), e);
            }
        }
        throw new ThumbnailException("the " + stain + " stain has no content", null);
    }

    /** The stain area-averaged to width × height, scaled to 0..1 by its bit depth. */
    private static float[] shrink(Channel stain, byte[] bytes, int width, int height) throws ThumbnailException {
        float[] out = new float[width * height];
        try {
            ImageCodec.decodeResized(bytes, LIMITS, stain, width, height, out, 0);
        } catch (ImageDecodeException | RuntimeException e) {
            throw new ThumbnailException("the " + stain.fileSuffix() + " stain cannot be decoded: " + e.getMessage(), e);
        }
        return out;
    }

    private static float[] stretch(float[] values) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        float top = sorted[(int) Math.min(sorted.length - 1, Math.floor(STRETCH_PERCENTILE * sorted.length))];
        if (top <= 0f) {
            return values;
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.min(1f, values[i] / top);
        }
        return out;
    }

    private static int toByte(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255f)));
    }
}
