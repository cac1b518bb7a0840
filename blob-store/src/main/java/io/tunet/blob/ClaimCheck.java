package io.tunet.blob;

import java.nio.ByteBuffer;
import java.util.Objects;

import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;

/**
 * The claim-check rule every publisher of stains applies (the microscope simulator, the hot-folder gateway): an
 * encoded image of at most {@link #inlineLimit()} bytes travels inside its record; a larger one is written to the
 * blob store first, and the record carries its reference. Kept in one place so that every publisher draws the line
 * where ingest and the topic's record limit expect it. Thread-safe when the store is.
 */
public final class ClaimCheck {

    private final BlobStore store;
    private final int inlineLimit;

    /**
     * @param inlineLimit images larger than this many bytes go through the blob store
     * @throws IllegalArgumentException if the limit is negative
     */
    public ClaimCheck(BlobStore store, int inlineLimit) {
        if (inlineLimit < 0) {
            throw new IllegalArgumentException("inline limit must not be negative, got " + inlineLimit);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.inlineLimit = inlineLimit;
    }

    /** Images larger than this many bytes go through the blob store. */
    public int inlineLimit() {
        return inlineLimit;
    }

    /** Whether bytes of this size travel inside the record. */
    public boolean travelsInline(long size) {
        return size <= inlineLimit;
    }

    /**
     * The {@link Image} record of one encoded stain: its bytes inline, or the reference of the blob they were
     * written to (content-addressed, synced to disk before this returns).
     *
     * @throws BlobStoreException if a large image cannot be written to the store
     */
    public Image image(byte[] encoded, ImageFormat format, int width, int height, int bitDepth)
            throws BlobStoreException {
        Image.Builder image = Image.newBuilder().setFormat(format).setWidth(width).setHeight(height)
                .setBitDepth(bitDepth);
        image.setContent(travelsInline(encoded.length) ? ByteBuffer.wrap(encoded) : store.put(encoded));
        return image.build();
    }
}
