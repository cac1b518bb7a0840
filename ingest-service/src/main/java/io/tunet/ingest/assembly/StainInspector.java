package io.tunet.ingest.assembly;

import java.nio.ByteBuffer;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.Sha256;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;

/**
 * Checks one stain's image before it may enter the state: the encoded bytes (inline, or fetched from the blob
 * store with their SHA-256 verified) must be within the size limit, their header must decode within the pixel
 * limits, and what the header says must match what the acquisition declares. Pixels are never decoded.
 */
final class StainInspector {

    /**
     * What an image turned out to be.
     *
     * @param header    format, size and bit depth read from the bytes
     * @param sha256    SHA-256 of the encoded bytes
     * @param inline    the bytes when they arrived inline, {@code null} for a blob reference
     */
    record Inspected(ImageHeader header, String sha256, byte[] inline) {
    }

    private final BlobStore blobs;
    private final long maxImageBytes;
    private final DecodeLimits limits;

    StainInspector(BlobStore blobs, long maxImageBytes, DecodeLimits limits) {
        this.blobs = blobs;
        this.maxImageBytes = maxImageBytes;
        this.limits = limits;
    }

    Inspected inspect(Image image) throws Rejection {
        if (image.getFormat() == ImageFormat.UNKNOWN) {
            throw new Rejection(DeadLetterReason.UNSUPPORTED_IMAGE, "image format is not one this service knows");
        }
        byte[] bytes;
        byte[] inline;
        if (image.getContent() instanceof ByteBuffer buffer) {
            bytes = toArray(buffer);
            inline = bytes;
            requireWithinSize(bytes.length);
        } else {
            BlobRef ref = (BlobRef) image.getContent();
            requireWithinSize(ref.getSize());
            bytes = fetch(ref);
            inline = null;
        }
        ImageHeader header = readHeader(bytes);
        requireDeclared(image, header);
        return new Inspected(header, inline == null ? ((BlobRef) image.getContent()).getSha256() : Sha256.hex(bytes),
                inline);
    }

    private void requireWithinSize(long size) throws Rejection {
        if (size > maxImageBytes) {
            throw new Rejection(DeadLetterReason.IMAGE_TOO_LARGE, "image has " + size + " bytes, above the limit of "
                    + maxImageBytes);
        }
    }

    private byte[] fetch(BlobRef ref) throws Rejection {
        try {
            return blobs.get(ref);
        } catch (BlobStoreException e) {
            DeadLetterReason reason = switch (e.reason()) {
                case CHECKSUM_MISMATCH -> DeadLetterReason.BLOB_CHECKSUM_MISMATCH;
                case INVALID_REFERENCE -> DeadLetterReason.INVALID_FIELD;
                case NOT_FOUND, IO -> DeadLetterReason.BLOB_UNAVAILABLE;
            };
            throw new Rejection(reason, e.getMessage());
        }
    }

    private ImageHeader readHeader(byte[] bytes) throws Rejection {
        try {
            return ImageCodec.readHeader(bytes, limits);
        } catch (ImageDecodeException e) {
            DeadLetterReason reason = switch (e.reason()) {
                case TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
                case CORRUPT, TRUNCATED -> DeadLetterReason.UNREADABLE_IMAGE;
                case UNSUPPORTED_FORMAT, UNSUPPORTED_BIT_DEPTH, NOT_GRAYSCALE, WRONG_STAIN_COLOUR ->
                    DeadLetterReason.UNSUPPORTED_IMAGE;
                case DIMENSION_MISMATCH -> DeadLetterReason.DIMENSION_MISMATCH;
            };
            throw new Rejection(reason, e.getMessage());
        }
    }

    private static void requireDeclared(Image image, ImageHeader header) throws Rejection {
        if (!header.format().name().equals(image.getFormat().name())) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "declared format " + image.getFormat()
                    + " but the bytes are " + header.format());
        }
        if (header.width() != image.getWidth() || header.height() != image.getHeight()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "declared " + image.getWidth() + "x"
                    + image.getHeight() + " but the " + header.format() + " header says " + header.width() + "x"
                    + header.height());
        }
        if (header.bitDepth() != image.getBitDepth()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "declared bit depth " + image.getBitDepth()
                    + " but the " + header.format() + " header says " + header.bitDepth());
        }
    }

    static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
