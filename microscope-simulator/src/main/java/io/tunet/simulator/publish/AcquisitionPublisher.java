package io.tunet.simulator.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.ClaimCheck;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.faults.Fault;
import io.tunet.simulator.faults.FaultPlan;

/**
 * Publishes a field as a microscope does: one {@link Acquisition} per stain, in random order, spread over a
 * jitter window, optionally with injected faults. Images up to the inline limit travel in the record; larger
 * ones are written to the blob store and referenced (claim check). Not thread-safe: one publisher per thread.
 */
public final class AcquisitionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(AcquisitionPublisher.class);

    private final Producer<String, Acquisition> producer;
    private final ClaimCheck claimCheck;
    private final FaultPlan faults;
    private final Duration jitter;
    private final RandomGenerator random;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final String instrumentId;
    private final PublishSummary summary = new PublishSummary();
    private final List<CompletableFuture<Void>> pending = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param inlineLimit images larger than this many bytes go through the blob store
     * @param jitter      the stains of a field are sent at random offsets within this window
     * @param scheduler   runs jittered and delayed sends; owned by the caller
     */
    public AcquisitionPublisher(Producer<String, Acquisition> producer, BlobStore blobStore, int inlineLimit,
                                FaultPlan faults, Duration jitter, RandomGenerator random,
                                ScheduledExecutorService scheduler, Clock clock, String instrumentId) {
        this.producer = producer;
        this.claimCheck = new ClaimCheck(blobStore, inlineLimit);
        this.faults = faults;
        this.jitter = jitter;
        this.random = random;
        this.scheduler = scheduler;
        this.clock = clock;
        this.instrumentId = instrumentId;
    }

    public PublishSummary summary() {
        return summary;
    }

    /**
     * Sends the field's stains (asynchronously, within the jitter window, delayed ones later).
     *
     * @throws BlobStoreException if a large image cannot be written to the blob store
     */
    public void publish(FieldImages field) throws BlobStoreException {
        List<Map.Entry<Stain, EncodedImage>> stains = new ArrayList<>(field.stains().entrySet());
        Collections.shuffle(stains, new java.util.Random(random.nextLong()));
        summary.field();
        for (Map.Entry<Stain, EncodedImage> entry : stains) {
            Optional<Fault> fault = faults.draw(random);
            fault.ifPresent(summary::fault);
            if (fault.isPresent() && fault.get() == Fault.DROP) {
                continue;
            }
            Stain stain = fault.isPresent() && fault.get() == Fault.UNKNOWN_STAIN ? Stain.UNKNOWN : entry.getKey();
            EncodedImage image = fault.isPresent() && fault.get() == Fault.CORRUPT ? corrupt(entry.getValue()) : entry.getValue();
            Acquisition acquisition = acquisition(field, stain, image);
            long delayMillis = fault.isPresent() && fault.get() == Fault.DELAY
                    ? faults.delay().toMillis()
                    : jitter.isZero() ? 0 : random.nextLong(jitter.toMillis() + 1);
            boolean inline = claimCheck.travelsInline(image.bytes().length);
            schedule(acquisition, delayMillis, inline, image.bytes().length);
            if (fault.isPresent() && fault.get() == Fault.DUPLICATE) {
                schedule(acquisition, delayMillis + 1, inline, image.bytes().length);
            }
        }
    }

    /** Waits until every scheduled send has been handed to Kafka and acknowledged (or failed). */
    public void awaitSent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Void>> snapshot;
        synchronized (pending) {
            snapshot = new ArrayList<>(pending);
            pending.clear();
        }
        for (CompletableFuture<Void> future : snapshot) {
            long left = deadline - System.nanoTime();
            try {
                future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // already counted and logged by the send callback
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("sends still pending after " + timeout, e);
            }
        }
        producer.flush();
    }

    private Acquisition acquisition(FieldImages field, Stain stain, EncodedImage image) throws BlobStoreException {
        return Acquisition.newBuilder()
                .setAcquisitionId(UUID.randomUUID().toString())
                .setSampleId(field.sampleId()).setPlate(field.plate()).setWell(field.well()).setField(field.field())
                .setStain(stain)
                .setImage(claimCheck.image(image.bytes(), image.format(), image.width(), image.height(),
                        image.bitDepth()))
                .setInstrumentId(instrumentId)
                .setAcquiredAt(clock.instant())
                .build();
    }

    private void schedule(Acquisition acquisition, long delayMillis, boolean inline, long size) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        Runnable send = () -> {
            Acquisition stamped = Acquisition.newBuilder(acquisition).setAcquiredAt(clock.instant()).build();
            summary.sent(inline, size);
            producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), stamped.getSampleId(), stamped),
                    (metadata, error) -> {
                        if (error == null) {
                            summary.acknowledged();
                            done.complete(null);
                        } else {
                            summary.error();
                            LOG.warn("could not publish {} of {}: {}", stamped.getStain(), stamped.getSampleId(),
                                    error.getMessage());
                            done.completeExceptionally(error);
                        }
                    });
        };
        if (delayMillis <= 0) {
            send.run();
        } else {
            scheduler.schedule(send, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Damages the bytes the way disks and networks do: cut short, or a block overwritten. */
    private EncodedImage corrupt(EncodedImage image) {
        byte[] bytes = image.bytes();
        byte[] damaged;
        if (random.nextBoolean()) {
            damaged = java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length / 2));
        } else {
            damaged = bytes.clone();
            int from = Math.min(damaged.length - 1, 16);
            for (int i = from; i < damaged.length && i < from + 4096; i++) {
                damaged[i] = (byte) random.nextInt(256);
            }
        }
        return new EncodedImage(damaged, image.format(), image.width(), image.height(), image.bitDepth());
    }
}
