package io.tunet.inference.pipeline;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.Preprocessing;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import java.nio.ByteBuffer;

/**
 * Turns a {@code samples} record into the model's input tensor: decodes the Avro record, fetches each stain
 * (inline bytes, or from the blob store with its sha256 verified), decodes the images within the limits,
 * and preprocesses them with tunet-core's {@link Preprocessing#toTensor} — the same function training uses.
 * Every failure is a {@link SampleRejectedException} with the dead-letter reason. Thread-safe.
 */
public final class SampleDecoder {

    private final BlobStore blobs;
    private final DecodeLimits limits;

    /**
     * @param blobs where claim-checked stains live
     * @param limits the largest image accepted
     */
    public SampleDecoder(BlobStore blobs, DecodeLimits limits) {
        this.blobs = blobs;
        this.limits = limits;
    }

    /**
     * Decodes a record value of the {@code samples} topic.
     *
     * @throws SampleRejectedException {@code UNDECODABLE_RECORD} for bad bytes or a tombstone
     */
    public Sample parse(String topic, byte[] value) throws SampleRejectedException {
        if (value == null) {
            throw new SampleRejectedException(DeadLetterReason.UNDECODABLE_RECORD, "record has no value (tombstone)",
                    null);
        }
        try {
            return Topics.SAMPLES.valueSerde().deserializer().deserialize(topic, value);
        } catch (RecordDecodingException e) {
            throw new SampleRejectedException(DeadLetterReason.UNDECODABLE_RECORD, e.getMessage(), e);
        }
    }

    /**
     * The {@code float[4 * size * size]} input tensor of a sample, stains in red, green, blue, yellow order.
     *
     * @throws SampleRejectedException naming the stain and the problem
     */
    public float[] tensor(Sample sample, int size) throws SampleRejectedException {
        GrayImage red = stain(sample, Channel.RED, sample.getRed());
        GrayImage green = stain(sample, Channel.GREEN, sample.getGreen());
        GrayImage blue = stain(sample, Channel.BLUE, sample.getBlue());
        GrayImage yellow = stain(sample, Channel.YELLOW, sample.getYellow());
        try {
            return Preprocessing.toTensor(red, green, blue, yellow, size);
        } catch (ImageDecodeException e) {
            throw new SampleRejectedException(reasonOf(e), "sample " + sample.getSampleId() + ": " + e.getMessage(), e);
        }
    }

    private GrayImage stain(Sample sample, Channel channel, Image image) throws SampleRejectedException {
        String where = "sample " + sample.getSampleId() + ", " + channel.fileSuffix() + " stain";
        byte[] bytes = bytesOf(image, where);
        GrayImage decoded;
        try {
            decoded = ImageCodec.decode(bytes, limits, channel);
        } catch (ImageDecodeException e) {
            throw new SampleRejectedException(reasonOf(e), where + ": " + e.getMessage(), e);
        }
        if (decoded.width() != image.getWidth() || decoded.height() != image.getHeight()) {
            throw new SampleRejectedException(DeadLetterReason.INVALID_FIELD, where + " decodes to "
                    + decoded.width() + "x" + decoded.height() + " but the record says " + image.getWidth() + "x"
                    + image.getHeight(), null);
        }
        return decoded;
    }

    private byte[] bytesOf(Image image, String where) throws SampleRejectedException {
        Object content = image.getContent();
        if (content instanceof ByteBuffer inline) {
            ByteBuffer view = inline.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }
        if (content instanceof BlobRef ref) {
            try {
                return blobs.get(ref);
            } catch (BlobStoreException e) {
                DeadLetterReason reason = switch (e.reason()) {
                    case CHECKSUM_MISMATCH -> DeadLetterReason.BLOB_CHECKSUM_MISMATCH;
                    case INVALID_REFERENCE -> DeadLetterReason.INVALID_FIELD;
                    case NOT_FOUND, IO -> DeadLetterReason.BLOB_UNAVAILABLE;
                };
                throw new SampleRejectedException(reason, where + ": " + e.getMessage(), e);
            }
        }
        throw new SampleRejectedException(DeadLetterReason.INVALID_FIELD, where + " has no image content", null);
    }

    private static DeadLetterReason reasonOf(ImageDecodeException e) {
        return switch (e.reason()) {
            case TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
            case UNSUPPORTED_FORMAT, UNSUPPORTED_BIT_DEPTH, NOT_GRAYSCALE, WRONG_STAIN_COLOUR ->
                    DeadLetterReason.UNSUPPORTED_IMAGE;
            case CORRUPT, TRUNCATED -> DeadLetterReason.UNREADABLE_IMAGE;
            case DIMENSION_MISMATCH -> DeadLetterReason.DIMENSION_MISMATCH;
        };
    }
}
