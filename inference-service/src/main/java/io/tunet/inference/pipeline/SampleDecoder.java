package io.tunet.inference.pipeline;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.Preprocessing;
import io.tunet.imaging.RowListener;
import io.tunet.imaging.StainComposite;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcReport;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.imaging.qc.StainQc;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns a {@code samples} record into the model's input tensor: decodes the Avro record, fetches each stain
 * (inline bytes, or from the blob store with its sha256 verified), decodes the images within the limits,
 * and preprocesses them as {@link Preprocessing#toTensor} does — the function training uses — but straight
 * to the model's size ({@link ImageCodec#decodeResized}), so a full-size field is never held as floats. The
 * four stains of a sample are decoded in parallel, up to the parallelism given. Every failure is a
 * {@link SampleRejectedException} with the dead-letter reason; when several stains fail, the first in red,
 * green, blue, yellow order is reported. Thread-safe; {@link #close()} stops its threads.
 *
 * <p>{@link #decode} also measures field QC ({@link FieldQc}) on the stains as stored, row by row while they are
 * read ({@link StainQc}), so at the scale its thresholds were calibrated at and without holding a full-size stain.
 * QC never costs a sample: when it cannot be computed the sample is decoded all the same, without QC, and the
 * reason is given with it.
 *
 * <p>{@link #decode} also makes the sample's dashboard thumbnail ({@link StainComposite#fromTensor}) from the
 * tensor's planes, the stains' intensities as decoded, so no stain is decoded a second time for it. Like QC, a
 * thumbnail that cannot be made never costs the sample.
 */
public final class SampleDecoder implements AutoCloseable {

    private static final Channel[] CHANNELS = Channel.values();
    /** Longest side of the thumbnail when none is given: what the results sink made before inference did. */
    public static final int DEFAULT_THUMBNAIL_SIZE = 192;

    private final BlobStore blobs;
    private final DecodeLimits limits;
    private final QcMeasure qcMeasure;
    private final Thumbnailer thumbnailer;
    /** Decodes the stains after the first while the calling thread decodes the first; null: all on the caller. */
    private final ExecutorService stainPool;

    /**
     * A decoder that decodes the stains of a sample one after the other on the calling thread.
     *
     * @param blobs where claim-checked stains live
     * @param limits the largest image accepted
     */
    public SampleDecoder(BlobStore blobs, DecodeLimits limits) {
        this(blobs, limits, 1);
    }

    /**
     * @param blobs where claim-checked stains live
     * @param limits the largest image accepted
     * @param parallelism stains of one sample decoded at once (1 to 4): the calling thread and up to three threads
     *                    of this decoder's own
     * @throws IllegalArgumentException if {@code parallelism} is not 1 to 4
     */
    public SampleDecoder(BlobStore blobs, DecodeLimits limits, int parallelism) {
        this(blobs, limits, parallelism, DEFAULT_THUMBNAIL_SIZE);
    }

    /**
     * @param blobs where claim-checked stains live
     * @param limits the largest image accepted
     * @param parallelism stains of one sample decoded at once (1 to 4)
     * @param thumbnailSize longest side of the thumbnail {@link #decode} makes, 8 to 2048 pixels
     * @throws IllegalArgumentException if {@code parallelism} is not 1 to 4 or {@code thumbnailSize} not 8 to 2048
     */
    public SampleDecoder(BlobStore blobs, DecodeLimits limits, int parallelism, int thumbnailSize) {
        this(blobs, limits, parallelism, QcSettings.defaults(), thumbnailSize);
    }

    /**
     * @param qc the thresholds of field QC's flags
     * @param thumbnailSize longest side of the thumbnail {@link #decode} makes, 8 to 2048 pixels
     */
    public SampleDecoder(BlobStore blobs, DecodeLimits limits, int parallelism, QcSettings qc, int thumbnailSize) {
        this(blobs, limits, parallelism, qcMeasure(qc), thumbnailer(thumbnailSize));
    }

    /** Makes a sample's QC report from its stains' figures; a seam for tests of a QC that fails. */
    interface QcMeasure {
        QcReport measure(StainQc red, StainQc green, StainQc blue, StainQc yellow);
    }

    /** Makes a sample's thumbnail from its tensor and the stored field's size; a seam for tests of one that fails. */
    interface Thumbnailer {
        StainComposite.Png make(float[] tensor, int tensorSize, int fieldWidth, int fieldHeight);
    }

    SampleDecoder(BlobStore blobs, DecodeLimits limits, int parallelism, QcMeasure qcMeasure) {
        this(blobs, limits, parallelism, qcMeasure, thumbnailer(DEFAULT_THUMBNAIL_SIZE));
    }

    SampleDecoder(BlobStore blobs, DecodeLimits limits, int parallelism, QcMeasure qcMeasure,
            Thumbnailer thumbnailer) {
        this.qcMeasure = qcMeasure;
        this.thumbnailer = thumbnailer;
        if (parallelism < 1 || parallelism > CHANNELS.length) {
            throw new IllegalArgumentException("stain parallelism must be 1 to " + CHANNELS.length + ", got "
                    + parallelism);
        }
        this.blobs = blobs;
        this.limits = limits;
        this.stainPool = parallelism == 1 ? null : Executors.newFixedThreadPool(parallelism - 1, r -> {
            Thread thread = new Thread(r, "stain-decode");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static QcMeasure qcMeasure(QcSettings qc) {
        return (red, green, blue, yellow) -> FieldQc.measure(red, green, blue, yellow, qc);
    }

    private static Thumbnailer thumbnailer(int size) {
        if (size < 8 || size > 2048) {
            throw new IllegalArgumentException("thumbnail size must be 8 to 2048 pixels, got " + size);
        }
        return (tensor, tensorSize, width, height) -> StainComposite.fromTensor(tensor, tensorSize, width, height,
                size);
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
     * A sample's input tensor, its field QC and its thumbnail.
     *
     * @param tensor           {@code float[4 * size * size]}, stains in red, green, blue, yellow order
     * @param qc               field QC of the stains as stored; null when it could not be computed
     * @param qcFailure        why there is no QC; null when there is
     * @param thumbnail        the dashboard composite made from the tensor; null when it could not be made
     * @param thumbnailFailure why there is no thumbnail; null when there is
     */
    public record Decoded(float[] tensor, QcReport qc, String qcFailure, StainComposite.Png thumbnail,
            String thumbnailFailure) {
    }

    /**
     * The {@code float[4 * size * size]} input tensor of a sample, stains in red, green, blue, yellow order; equal
     * to {@link Preprocessing#toTensor} of the decoded stains.
     *
     * @throws SampleRejectedException naming the stain and the problem
     * @throws IllegalArgumentException if {@code size} is not positive or too large for an array
     */
    public float[] tensor(Sample sample, int size) throws SampleRejectedException {
        return decode(sample, size, false).tensor();
    }

    /**
     * The input tensor of a sample, as {@link #tensor}, the field QC of its stains as stored
     * ({@link QcSettings#defaults()}) and its thumbnail made from the tensor. A failure of QC or of the thumbnail
     * alone does not reject the sample: its {@link Decoded} then lacks it and says why.
     *
     * @throws SampleRejectedException naming the stain and the problem
     * @throws IllegalArgumentException if {@code size} is not positive or too large for an array
     */
    public Decoded decode(Sample sample, int size) throws SampleRejectedException {
        return decode(sample, size, true);
    }

    private Decoded decode(Sample sample, int size, boolean withReports) throws SampleRejectedException {
        if (size <= 0 || (long) size * size * CHANNELS.length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor size must be positive and fit an array, got " + size);
        }
        Image[] images = {sample.getRed(), sample.getGreen(), sample.getBlue(), sample.getYellow()};
        float[] tensor = new float[CHANNELS.length * size * size];
        GuardedQc[] qc = new GuardedQc[CHANNELS.length];
        for (int c = 0; withReports && c < CHANNELS.length; c++) {
            qc[c] = new GuardedQc(new StainQc(CHANNELS[c]));
        }
        List<Future<ImageHeader>> others = new ArrayList<>(CHANNELS.length - 1);
        if (stainPool != null) {
            for (int c = 1; c < CHANNELS.length; c++) {
                int channel = c;
                others.add(stainPool.submit(() -> stain(sample, CHANNELS[channel], images[channel], size, tensor,
                        qc[channel])));
            }
        }
        ImageHeader[] headers = new ImageHeader[CHANNELS.length];
        SampleRejectedException first = null;
        for (int c = 0; c < CHANNELS.length; c++) {
            try {
                headers[c] = c == 0 || stainPool == null ? stain(sample, CHANNELS[c], images[c], size, tensor, qc[c])
                        : await(others.get(c - 1));
            } catch (SampleRejectedException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        for (int c = 1; c < CHANNELS.length; c++) {
            if (headers[c].width() != headers[0].width() || headers[c].height() != headers[0].height()) {
                throw new SampleRejectedException(DeadLetterReason.DIMENSION_MISMATCH, "sample " + sample.getSampleId()
                        + ": the " + CHANNELS[c].fileSuffix() + " stain is " + headers[c].width() + "x"
                        + headers[c].height() + " but the red stain is " + headers[0].width() + "x"
                        + headers[0].height(), null);
            }
        }
        if (!withReports) {
            return new Decoded(tensor, null, "not asked for", null, "not asked for");
        }
        StainComposite.Png thumbnail = null;
        String thumbnailFailure = null;
        try {
            thumbnail = thumbnailer.make(tensor, size, headers[0].width(), headers[0].height());
        } catch (RuntimeException e) {
            thumbnailFailure = e.toString();
        }
        for (GuardedQc stain : qc) {
            if (stain.failure != null) {
                return new Decoded(tensor, null, "the " + stain.qc.channel().fileSuffix() + " stain: "
                        + stain.failure, thumbnail, thumbnailFailure);
            }
        }
        try {
            return new Decoded(tensor, qcMeasure.measure(qc[0].qc, qc[1].qc, qc[2].qc, qc[3].qc), null, thumbnail,
                    thumbnailFailure);
        } catch (RuntimeException e) {
            return new Decoded(tensor, null, e.toString(), thumbnail, thumbnailFailure);
        }
    }

    /**
     * Gathers a stain's QC figures and keeps what QC throws from failing the decode: the first failure is kept
     * and the stain's later rows are ignored.
     */
    private static final class GuardedQc implements RowListener {
        private final StainQc qc;
        private volatile String failure;

        GuardedQc(StainQc qc) {
            this.qc = qc;
        }

        @Override
        public void begin(ImageHeader header) {
            try {
                failure = null;
                qc.begin(header);
            } catch (RuntimeException e) {
                failure = e.toString();
            }
        }

        @Override
        public void row(float[] values) {
            if (failure != null) {
                return;
            }
            try {
                qc.row(values);
            } catch (RuntimeException e) {
                failure = e.toString();
            }
        }
    }

    /** Stops the decoder's threads; call it after the last {@link #tensor}. */
    @Override
    public void close() {
        if (stainPool != null) {
            stainPool.shutdownNow();
        }
    }

    /**
     * Waits for a stain decoded on the pool. Uninterruptibly: the wait is one image's decode, and a sample
     * abandoned half-decoded on shutdown would be dead-lettered; the interrupt is kept for the caller.
     */
    private static ImageHeader await(Future<ImageHeader> stain) throws SampleRejectedException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return stain.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SampleRejectedException rejected) {
                        throw rejected;
                    }
                    if (e.getCause() instanceof RuntimeException unexpected) {
                        throw unexpected;
                    }
                    throw new IllegalStateException("decoding a stain failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Decodes one stain into its plane of {@code tensor}, checking the size its record declares. */
    private ImageHeader stain(Sample sample, Channel channel, Image image, int size, float[] tensor,
            RowListener qc) throws SampleRejectedException {
        String where = "sample " + sample.getSampleId() + ", " + channel.fileSuffix() + " stain";
        byte[] bytes = bytesOf(image, where);
        ImageHeader decoded;
        try {
            decoded = ImageCodec.decodeResized(bytes, limits, channel, size, size, tensor,
                    channel.ordinal() * size * size, qc);
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
            if (inline.hasArray() && inline.arrayOffset() == 0 && inline.position() == 0
                    && inline.remaining() == inline.array().length) {
                return inline.array(); // Avro's own buffer of exactly these bytes, only read from here on
            }
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
