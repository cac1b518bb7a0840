package io.tunet.training.feedback;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.Sha256;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.Image;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.dataset.StoredImage;
import io.tunet.training.retention.BlobLedger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the service does with each record it consumes, without Kafka: labelled feedback and samples go into the
 * {@link DatasetIndex} (images into the blob store), and what cannot be used becomes a {@link DeadLetter} for
 * {@code feedback-dlq}: a label outside 0..27, feedback without labels, and feedback whose sample has not
 * arrived within the configured wait. Feedback for an unknown sample waits in the index (so a restart keeps
 * it) until the sample arrives or {@link #expire()} gives it up. Feedback for a sample whose images retention
 * already dropped is kept as a label without images and logged ({@link DatasetIndex.LabelOutcome#SAMPLE_DROPPED}).
 */
public final class FeedbackIntake {

    /** The service name written into dead letters. */
    public static final String SERVICE = "training-service";

    private static final Logger LOG = Logger.getLogger(FeedbackIntake.class);

    /**
     * The largest original value a dead letter carries inline; a larger one (a sample with inline images) goes
     * to the blob store and the dead letter carries its reference, as ingest does, since {@code feedback-dlq}
     * takes records of at most 1 MiB.
     */
    static final int INLINE_PAYLOAD_LIMIT = io.tunet.schemas.topics.Topics.FEEDBACK_DLQ.maxMessageBytes() / 2;

    /**
     * What became of a feedback record: refused with a dead letter, or taken with what it did to the dataset.
     *
     * @param deadLetter the dead letter of a refused record, or null
     * @param outcome what a taken record did to the dataset, or null when refused
     */
    public record Taken(DeadLetter deadLetter, DatasetIndex.LabelOutcome outcome) {

        static Taken refused(DeadLetter deadLetter) {
            return new Taken(deadLetter, null);
        }

        /** The dead letter, if the record was refused. */
        public Optional<DeadLetter> refused() {
            return Optional.ofNullable(deadLetter);
        }
    }

    /** Where a consumed record came from, for the dead letter. */
    public record Source(String topic, int partition, long offset, String key, byte[] payload) {
    }

    private final DatasetIndex index;
    private final BlobStore blobs;
    private final Duration sampleWait;
    private final Clock clock;
    private final BlobLedger ledger;

    /**
     * An intake that records no blob it stores as its own: blob garbage collection never deletes them.
     *
     * @param sampleWait how long feedback waits for its sample before it is dead-lettered
     */
    public FeedbackIntake(DatasetIndex index, BlobStore blobs, Duration sampleWait, Clock clock) {
        this(index, blobs, sampleWait, clock, null);
    }

    /**
     * @param sampleWait how long feedback waits for its sample before it is dead-lettered
     * @param ledger where the inline stains it stores are recorded as training's own (null: nowhere), so that
     *     garbage collection may delete them once retention dropped their sample
     */
    public FeedbackIntake(DatasetIndex index, BlobStore blobs, Duration sampleWait, Clock clock, BlobLedger ledger) {
        this.ledger = ledger;
        if (sampleWait.isNegative()) {
            throw new IllegalArgumentException("sample wait must not be negative: " + sampleWait);
        }
        this.index = index;
        this.blobs = blobs;
        this.sampleWait = sampleWait;
        this.clock = clock;
    }

    /**
     * Takes a curator's labels.
     *
     * @return the dead letter if the feedback is refused, else what it did to the dataset (changed its labels,
     *     left them as they were, waits for its sample, or was taken before)
     * @throws BlobStoreException if the refused record is too large to carry inline and cannot be stored
     */
    public Taken onFeedback(LabelFeedback feedback, Source source) throws BlobStoreException {
        List<Integer> labels = feedback.getLabels();
        if (labels.isEmpty()) {
            return Taken.refused(deadLetter(DeadLetterReason.INVALID_FIELD, "feedback " + feedback.getFeedbackId()
                    + " for sample " + feedback.getSampleId() + " has no labels (every HPA sample has at least one)",
                    source));
        }
        for (int label : labels) {
            if (!HpaClasses.isValid(label)) {
                return Taken.refused(deadLetter(DeadLetterReason.INVALID_FIELD, "feedback " + feedback.getFeedbackId()
                        + " for sample " + feedback.getSampleId() + " has label " + label + ", outside 0.."
                        + (HpaClasses.COUNT - 1), source));
            }
        }
        DatasetIndex.LabelOutcome outcome = index.addLabel(feedback.getSampleId(), feedback.getFeedbackId(),
                labels.stream().mapToInt(Integer::intValue).toArray(), feedback.getLabelledAt().toEpochMilli(),
                clock.millis(), feedback.getLabelledBy());
        if (outcome == DatasetIndex.LabelOutcome.SAMPLE_DROPPED) {
            LOG.warnf("feedback %s labels sample %s, whose images retention dropped (unlabelled beyond the window): "
                    + "kept as a label without images, not trained on", feedback.getFeedbackId(),
                    feedback.getSampleId());
        }
        return new Taken(null, outcome);
    }

    /**
     * Stores a sample's images (inline images are written to the blob store, recorded in the ledger as training's
     * own first; references are kept as they are, never owned); feedback waiting for it becomes its labels.
     *
     * @throws BlobStoreException if an inline image cannot be written
     */
    public void onSample(Sample sample) throws BlobStoreException {
        List<Object> contents = new ArrayList<>(4);
        Map<String, Long> inline = new LinkedHashMap<>();
        for (Image image : List.of(sample.getRed(), sample.getGreen(), sample.getBlue(), sample.getYellow())) {
            Object content = image.getContent();
            if (content instanceof BlobRef) {
                contents.add(content);
            } else {
                ByteBuffer buffer = ((ByteBuffer) content).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                contents.add(bytes);
                inline.put(Sha256.hex(bytes), (long) bytes.length);
            }
        }
        if (ledger == null) {
            store(sample.getSampleId(), contents);
            return;
        }
        // recorded, put and referenced under the ledger's lock: the collector cannot delete a blob in between
        synchronized (ledger) {
            ledger.record(inline, BlobLedger.IMAGE);
            store(sample.getSampleId(), contents);
        }
    }

    private void store(String sampleId, List<Object> contents) throws BlobStoreException {
        List<StoredImage> stains = new ArrayList<>(4);
        for (Object content : contents) {
            stains.add(StoredImage.of(content instanceof BlobRef ref ? ref : blobs.put((byte[]) content)));
        }
        index.addImages(sampleId, stains, clock.millis());
    }

    /** Gives up feedback that has waited longer than the configured time for its sample. */
    public List<DeadLetter> expire() {
        long now = clock.millis();
        List<DeadLetter> letters = new ArrayList<>();
        for (DatasetIndex.Pending pending : index.pending()) {
            if (now - pending.receivedAt() < sampleWait.toMillis()) {
                continue;
            }
            String detail = "feedback " + pending.feedbackId() + ": sample " + pending.sampleId()
                    + " did not arrive on the samples topic within " + sampleWait;
            index.drop(pending.sampleId(), pending.feedbackId(), detail, now);
            letters.add(DeadLetter.newBuilder()
                    .setReason(DeadLetterReason.UNKNOWN_SAMPLE)
                    .setDetail(detail)
                    .setSourceTopic(io.tunet.schemas.topics.Topics.FEEDBACK.name())
                    .setOriginalKey(pending.sampleId())
                    .setPayload(ByteBuffer.wrap(pendingPayload(pending)))
                    .setService(SERVICE)
                    .setFailedAt(clock.instant())
                    .build());
        }
        return letters;
    }

    /** The waiting feedback re-encoded from the index (source and comment are not kept there). */
    private static byte[] pendingPayload(DatasetIndex.Pending pending) {
        LabelFeedback original = LabelFeedback.newBuilder()
                .setFeedbackId(pending.feedbackId())
                .setSampleId(pending.sampleId())
                .setLabels(java.util.Arrays.stream(pending.labels()).boxed().toList())
                .setLabelledBy(pending.labelledBy())
                .setLabelledAt(java.time.Instant.ofEpochMilli(pending.labelledAt()))
                .build();
        return io.tunet.schemas.topics.Topics.FEEDBACK.valueSerde().serializer()
                .serialize(io.tunet.schemas.topics.Topics.FEEDBACK.name(), original);
    }

    /**
     * A dead letter for a record that cannot be used, carrying its value inline up to
     * {@link #INLINE_PAYLOAD_LIMIT} bytes and as a blob reference above.
     *
     * @throws BlobStoreException if a value above the limit cannot be stored
     */
    public DeadLetter deadLetter(DeadLetterReason reason, String detail, Source source) throws BlobStoreException {
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalKey(source.key())
                .setService(SERVICE)
                .setFailedAt(clock.instant());
        if (source.payload() != null && source.payload().length > INLINE_PAYLOAD_LIMIT) {
            letter.setPayloadRef(blobs.put(source.payload()));
        } else if (source.payload() != null) {
            letter.setPayload(ByteBuffer.wrap(source.payload()));
        }
        return letter.build();
    }
}
