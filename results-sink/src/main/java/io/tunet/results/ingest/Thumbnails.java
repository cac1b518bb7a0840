package io.tunet.results.ingest;

import java.nio.ByteBuffer;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.StainComposite;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;

/**
 * Makes a sample's dashboard composite ({@link StainComposite}) from its four stains, for classifications whose
 * writer sent none (inference before {@code Classification.thumbnail}, or one that could not make it). Each stain
 * is area-averaged down to at most {@code size} pixels on its longest side while it is decoded
 * ({@link ImageCodec#decodeResized}: a full-size field is never held whole, within the same decode limits as
 * inference).
 */
public final class Thumbnails {

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
        StainComposite.Dimensions out = StainComposite.dimensions(green.width(), green.height(), size);
        int width = out.width();
        int height = out.height();
        float[] g = shrink(Channel.GREEN, greenBytes, width, height);
        float[] r = shrink(Channel.RED, bytes("red", sample.getRed()), width, height);
        float[] b = shrink(Channel.BLUE, bytes("blue", sample.getBlue()), width, height);
        float[] y = shrink(Channel.YELLOW, bytes("yellow", sample.getYellow()), width, height);
        return StainComposite.compose(r, g, b, y, width, height).png();
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
}
