package io.tunet.ingest.assembly;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.ingest.IngestConfig;
import io.tunet.ingest.assembly.PartialSample.StoredStain;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerde;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;

/**
 * Assembles the stains of each sample (see {@link AssemblyTopology} for the rules). Reads raw bytes so that an
 * undecodable record becomes a dead letter instead of a failed stream, and tries a record whose processing
 * throws a bounded number of times before it dead-letters it, so that no record can stop the stream for good.
 */
final class AssemblyProcessor implements Processor<String, byte[], String, SpecificRecord> {

    static final String SERVICE = "ingest-service";

    private static final Logger LOG = Logger.getLogger(AssemblyProcessor.class);
    /** Between two attempts at one record (on the stream thread, so short), so that a passing glitch can pass. */
    private static final Duration ATTEMPT_BACKOFF = Duration.ofMillis(200);

    private final IngestConfig config;
    private final BlobStore blobs;
    private final StainInspector inspector;
    private final IngestMetrics metrics;
    private final int maxAttempts;
    private final AvroSerde<Acquisition> acquisitions = AvroSerdes.of(Acquisition.class);

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, PartialSample> partials;
    private KeyValueStore<String, ClosedSample> closed;

    AssemblyProcessor(IngestConfig config, BlobStore blobs, StainInspector inspector, IngestMetrics metrics) {
        this.config = config;
        this.blobs = blobs;
        this.inspector = inspector;
        this.metrics = metrics;
        this.maxAttempts = config.maxAttempts();
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.partials = context.getStateStore(AssemblyTopology.PARTIAL_SAMPLES_STORE);
        this.closed = context.getStateStore(AssemblyTopology.CLOSED_SAMPLES_STORE);
        // Stream time only advances with new records, so a quiet line would never time anything out.
        context.schedule(config.timeoutCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeExpired);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.received();
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                accept(record);
                return;
            } catch (Rejection rejection) {
                deadLetter(record, rejection);
                return;
            } catch (BlobStoreException e) {
                // Not the record's fault: fail the task so the record is processed again, rather than reject it.
                throw new IllegalStateException("claim check of " + coordinates(record) + " failed: "
                        + e.getMessage(), e);
            } catch (KafkaException e) {
                // Kafka Streams' own failures (a state store, the producer, a migrated task) are not the record's
                throw e;
            } catch (RuntimeException e) {
                failure = e;
                LOG.warnf("attempt %d of %d at %s failed: %s", attempt, maxAttempts, coordinates(record), e);
                if (attempt < maxAttempts) {
                    backOff();
                }
            }
        }
        LOG.errorf(failure, "%s not processed after %d attempts; sent to %s", coordinates(record), maxAttempts,
                Topics.ACQUISITIONS_DLQ);
        deadLetter(record, new Rejection(DeadLetterReason.OTHER, "not processed after " + maxAttempts
                + " attempts: " + failure));
    }

    private String coordinates(Record<String, byte[]> record) {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("record with key " + record.key());
    }

    private static void backOff() {
        try {
            Thread.sleep(ATTEMPT_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept(Record<String, byte[]> record) throws Rejection, BlobStoreException {
        Acquisition acquisition = decode(record.value());
        requireUsableFields(record.key(), acquisition);
        StainInspector.Inspected image = inspector.inspect(acquisition.getImage());
        String sampleId = acquisition.getSampleId();
        Stain stain = acquisition.getStain();
        PartialSample partial = partials.get(sampleId);

        if (partial == null) {
            ClosedSample previous = closed.get(sampleId);
            if (previous != null) {
                if (previous.alreadyEmitted(stain, image.sha256())) {
                    metrics.duplicate(true);
                    return;
                }
                metrics.late();
            }
        } else {
            requireSameField(partial, acquisition);
            requireSameDimensions(partial, acquisition);
            StoredStain earlier = partial.stains().get(stain);
            if (earlier != null) {
                boolean identical = earlier.contentSha256().equals(image.sha256());
                metrics.duplicate(identical);
                if (identical) {
                    return;
                }
            }
        }

        long now = context.currentSystemTimeMs();
        StoredStain stored = new StoredStain(claimCheck(acquisition, image), image.sha256(), now);
        PartialSample updated = partial == null ? PartialSample.first(stored, now) : partial.with(stored);
        if (updated.complete()) {
            context.forward(new Record<String, SpecificRecord>(sampleId, toSample(sampleId, updated, now),
                    record.timestamp()), AssemblyTopology.SAMPLES_SINK);
            partials.delete(sampleId);
            closed.put(sampleId, new ClosedSample(ClosedSample.Outcome.COMPLETED, now, contents(updated)));
            metrics.assembled(Duration.ofMillis(Math.max(0, now - updated.firstSeenAt())));
        } else {
            partials.put(sampleId, updated);
        }
    }

    private Acquisition decode(byte[] value) throws Rejection {
        if (value == null) {
            throw new Rejection(DeadLetterReason.UNDECODABLE_RECORD, "record has no value (tombstone)");
        }
        try {
            return acquisitions.decode(Topics.ACQUISITIONS.name(), value);
        } catch (RecordDecodingException e) {
            throw new Rejection(DeadLetterReason.UNDECODABLE_RECORD, e.getMessage());
        }
    }

    private static void requireUsableFields(String key, Acquisition acquisition) throws Rejection {
        if (acquisition.getStain() == Stain.UNKNOWN) {
            throw new Rejection(DeadLetterReason.UNKNOWN_STAIN, "acquisition " + acquisition.getAcquisitionId()
                    + " carries a stain this service does not know");
        }
        if (acquisition.getSampleId().isBlank()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "acquisition " + acquisition.getAcquisitionId()
                    + " has an empty sampleId");
        }
        // The key decides the partition, and the state of a sample lives in one partition only.
        if (!acquisition.getSampleId().equals(key)) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "record key '" + key + "' is not the sampleId '"
                    + acquisition.getSampleId() + "'");
        }
    }

    private static void requireSameField(PartialSample partial, Acquisition acquisition) throws Rejection {
        Acquisition first = partial.any();
        if (!first.getPlate().equals(acquisition.getPlate()) || !first.getWell().equals(acquisition.getWell())
                || first.getField() != acquisition.getField()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "stain " + acquisition.getStain() + " of sample "
                    + acquisition.getSampleId() + " is for " + where(acquisition) + " but earlier stains are for "
                    + where(first));
        }
    }

    private static String where(Acquisition a) {
        return "plate " + a.getPlate() + " well " + a.getWell() + " field " + a.getField();
    }

    private static void requireSameDimensions(PartialSample partial, Acquisition acquisition) throws Rejection {
        Image image = acquisition.getImage();
        for (StoredStain other : partial.stains().values()) {
            Image earlier = other.acquisition().getImage();
            if (other.acquisition().getStain() != acquisition.getStain()
                    && (earlier.getWidth() != image.getWidth() || earlier.getHeight() != image.getHeight())) {
                throw new Rejection(DeadLetterReason.DIMENSION_MISMATCH, "stain " + acquisition.getStain() + " of "
                        + "sample " + acquisition.getSampleId() + " is " + image.getWidth() + "x" + image.getHeight()
                        + " but " + other.acquisition().getStain() + " is " + earlier.getWidth() + "x"
                        + earlier.getHeight());
            }
        }
    }

    /** Replaces a large inline image by a blob reference, so the state store and changelog stay small. */
    private Acquisition claimCheck(Acquisition acquisition, StainInspector.Inspected image) throws BlobStoreException {
        if (image.inline() == null || image.inline().length <= config.claimCheckThreshold()) {
            return acquisition;
        }
        BlobRef ref = blobs.put(image.inline());
        metrics.claimCheck();
        Image referenced = Image.newBuilder(acquisition.getImage()).setContent(ref).build();
        return Acquisition.newBuilder(acquisition).setImage(referenced).build();
    }

    private static Sample toSample(String sampleId, PartialSample partial, long now) {
        Map<Stain, StoredStain> stains = partial.stains();
        Acquisition first = partial.any();
        String cellLine = partial.acquisitions().map(Acquisition::getCellLine).filter(Objects::nonNull).findFirst()
                .orElse(null);
        return Sample.newBuilder()
                .setSampleId(sampleId)
                .setPlate(first.getPlate())
                .setWell(first.getWell())
                .setField(first.getField())
                .setRed(stains.get(Stain.RED_MICROTUBULES).acquisition().getImage())
                .setGreen(stains.get(Stain.GREEN_PROTEIN).acquisition().getImage())
                .setBlue(stains.get(Stain.BLUE_NUCLEUS).acquisition().getImage())
                .setYellow(stains.get(Stain.YELLOW_ER).acquisition().getImage())
                .setInstrumentId(first.getInstrumentId())
                .setCellLine(cellLine)
                .setFirstAcquiredAt(partial.acquisitions().map(Acquisition::getAcquiredAt).min(Comparable::compareTo)
                        .orElseThrow())
                .setLastAcquiredAt(partial.acquisitions().map(Acquisition::getAcquiredAt).max(Comparable::compareTo)
                        .orElseThrow())
                .setAssembledAt(java.time.Instant.ofEpochMilli(now))
                .setSourceAcquisitionIds(partial.acquisitions().map(Acquisition::getAcquisitionId).toList())
                .build();
    }

    private static Map<Stain, String> contents(PartialSample partial) {
        Map<Stain, String> contents = new EnumMap<>(Stain.class);
        partial.stains().forEach((stain, stored) -> contents.put(stain, stored.contentSha256()));
        return contents;
    }

    private void closeExpired(long now) {
        List<KeyValue<String, PartialSample>> expired = new ArrayList<>();
        try (KeyValueIterator<String, PartialSample> all = partials.all()) {
            all.forEachRemaining(entry -> {
                if (now - entry.value.firstSeenAt() >= config.sampleTimeout().toMillis()) {
                    expired.add(entry);
                }
            });
        }
        for (KeyValue<String, PartialSample> entry : expired) {
            context.forward(new Record<String, SpecificRecord>(entry.key, toIncomplete(entry.key, entry.value, now),
                    now), AssemblyTopology.INCOMPLETE_SINK);
            partials.delete(entry.key);
            closed.put(entry.key, new ClosedSample(ClosedSample.Outcome.TIMED_OUT, now, contents(entry.value)));
            metrics.incomplete();
        }
        List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, ClosedSample> all = closed.all()) {
            all.forEachRemaining(entry -> {
                if (now - entry.value.closedAt() >= config.closedSampleRetention().toMillis()) {
                    forgotten.add(entry.key);
                }
            });
        }
        forgotten.forEach(closed::delete);
    }

    private IncompleteSample toIncomplete(String sampleId, PartialSample partial, long now) {
        Acquisition first = partial.any();
        Map<String, Image> images = new LinkedHashMap<>();
        partial.stains().forEach((stain, stored) -> images.put(stain.name(), stored.acquisition().getImage()));
        return IncompleteSample.newBuilder()
                .setSampleId(sampleId)
                .setPlate(first.getPlate())
                .setWell(first.getWell())
                .setField(first.getField())
                .setStainsPresent(new ArrayList<>(partial.stains().keySet()))
                .setStainsMissing(partial.missing())
                .setReason("timed out after " + config.sampleTimeout() + " with " + partial.stains().size()
                        + " of 4 stains; first stain arrived " + Duration.ofMillis(now - partial.firstSeenAt())
                        + " ago")
                .setAcquisitionIds(partial.acquisitions().map(Acquisition::getAcquisitionId).toList())
                .setImages(images)
                .setFirstSeenAt(java.time.Instant.ofEpochMilli(partial.firstSeenAt()))
                .setEmittedAt(java.time.Instant.ofEpochMilli(now))
                .build();
    }

    private void deadLetter(Record<String, byte[]> record, Rejection rejection) {
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setReason(rejection.reason())
                .setDetail(rejection.getMessage())
                .setSourceTopic(Topics.ACQUISITIONS.name())
                .setOriginalKey(record.key())
                .setService(SERVICE)
                .setFailedAt(java.time.Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.recordMetadata().map(RecordMetadata::partition).ifPresent(letter::setSourcePartition);
        context.recordMetadata().map(RecordMetadata::offset).ifPresent(letter::setSourceOffset);
        byte[] payload = record.value();
        if (payload != null && payload.length > config.claimCheckThreshold()) {
            try {
                letter.setPayloadRef(blobs.put(payload));
            } catch (BlobStoreException e) {
                // The dead-letter topic allows twice the acquisitions' record size: the payload still fits.
                letter.setPayload(ByteBuffer.wrap(payload));
                letter.setDetail(rejection.getMessage() + " (payload inline: blob store refused it: "
                        + e.getMessage() + ")");
            }
        } else if (payload != null) {
            letter.setPayload(ByteBuffer.wrap(payload));
        }
        context.forward(new Record<String, SpecificRecord>(record.key(), letter.build(), record.timestamp()),
                AssemblyTopology.DEAD_LETTER_SINK);
        metrics.deadLetter(rejection.reason());
    }
}
