package io.tunet.stack.support;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.faults.FaultPlan;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.AcquisitionPublisher;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.HpaDirectorySource;
import io.tunet.simulator.source.SourceException;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.synth.HpaSynth;

/**
 * The simulated microscope of {@code microscope-simulator}, driven from the test so that the test knows every
 * field it published: HPA-Synth fields or a real HPA-layout folder, at a chosen rate, through the same
 * {@link AcquisitionPublisher} (inline images, claim check above 256 KiB) the simulator's command line uses.
 * It can also send raw bytes and hand-made records, for the bad-input barrage.
 */
public final class Microscope implements AutoCloseable {

    /** Stains larger than this are claim-checked, as by the simulator's command line. */
    public static final int INLINE_LIMIT = 262_144;

    private final KafkaProducer<String, Acquisition> producer;
    private final KafkaProducer<String, byte[]> rawProducer;
    private final LocalDirectoryBlobStore blobStore;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AcquisitionPublisher publisher;

    public Microscope(String bootstrap, Path blobStore) throws BlobStoreException {
        this(bootstrap, blobStore, INLINE_LIMIT);
    }

    /** A microscope that claim-checks every stain larger than {@code inlineLimit} bytes (0: every stain). */
    public Microscope(String bootstrap, Path blobStore, int inlineLimit) throws BlobStoreException {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.ACQUISITIONS.maxMessageBytes());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // a broker restart must delay sends, never fail them
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        this.producer = new KafkaProducer<>(config, Topics.ACQUISITIONS.keySerde().serializer(),
                Topics.ACQUISITIONS.valueSerde().serializer());
        this.rawProducer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.blobStore = new LocalDirectoryBlobStore(blobStore);
        this.publisher = new AcquisitionPublisher(producer, this.blobStore, inlineLimit, FaultPlan.none(),
                Duration.ZERO, new SplittableRandom(7), scheduler, Clock.systemUTC(), "e2e-microscope");
    }

    public LocalDirectoryBlobStore blobStore() {
        return blobStore;
    }

    /**
     * Publishes {@code count} HPA-Synth fields of size {@code size} on plate {@code plate}, at most
     * {@code fieldsPerSecond} (0 = as fast as possible), and waits until Kafka acknowledged every stain.
     *
     * @return the sample ids, in publishing order
     */
    public List<String> publishSynthetic(String plate, int size, long seed, int count, double fieldsPerSecond)
            throws BlobStoreException, InterruptedException {
        SyntheticFieldSource source = new SyntheticFieldSource(HpaSynth.builder().size(size).build(), seed,
                new PlateLayout(plate, 4));
        List<FieldImages> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(source.field(i));
        }
        return publish(fields, fieldsPerSecond);
    }

    /** Publishes every field of an HPA-layout folder (real data) on plate {@code plate}. */
    public List<String> publishDirectory(Path dir, String plate) throws SourceException, BlobStoreException,
            InterruptedException {
        HpaDirectorySource source = HpaDirectorySource.open(dir);
        PlateLayout layout = new PlateLayout(plate, 1);
        List<FieldImages> fields = new ArrayList<>();
        List<String> ids = source.ids();
        for (int i = 0; i < ids.size(); i++) {
            PlateLayout.Position position = layout.position(i);
            fields.add(new FieldImages(position.sampleId(), position.plate(), position.well(), position.field(),
                    source.read(ids.get(i)), source.labels(ids.get(i))));
        }
        return publish(fields, 0);
    }

    /**
     * Publishes prepared fields at most {@code fieldsPerSecond} (0 = no limit) and waits for the acknowledgements.
     *
     * @return the sample ids, in publishing order
     */
    public List<String> publish(List<FieldImages> fields, double fieldsPerSecond)
            throws BlobStoreException, InterruptedException {
        List<String> ids = new ArrayList<>(fields.size());
        long start = System.nanoTime();
        for (int i = 0; i < fields.size(); i++) {
            if (fieldsPerSecond > 0) {
                long due = start + (long) (i * 1e9 / fieldsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            publisher.publish(fields.get(i));
            ids.add(fields.get(i).sampleId());
        }
        publisher.awaitSent(Duration.ofMinutes(5));
        if (publisher.summary().errors() > 0) {
            throw new IllegalStateException("Kafka refused " + publisher.summary().errors() + " stains");
        }
        return ids;
    }

    /** Sends one hand-made record and waits for the acknowledgement. */
    public void send(String key, Acquisition acquisition) throws InterruptedException {
        await(producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), key, acquisition)));
    }

    /** Sends raw bytes as the value of an acquisition record (no encoding), and waits for the acknowledgement. */
    public void sendRaw(String key, byte[] value) throws InterruptedException {
        await(rawProducer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), key, value)));
    }

    private static void await(java.util.concurrent.Future<?> sent) throws InterruptedException {
        try {
            sent.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge a send", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
        rawProducer.close(Duration.ofSeconds(30));
        scheduler.shutdownNow();
    }
}
