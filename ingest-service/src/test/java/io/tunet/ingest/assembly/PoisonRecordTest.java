package io.tunet.ingest.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.ingest.Fixtures;
import io.tunet.ingest.Fixtures.TestConfig;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/**
 * The topology in Kafka Streams on the real broker with a blob store that fails. A record whose processing throws
 * every time (here: the store throws on reading one blob, a fault the rules do not foresee) is tried three times,
 * dead-lettered with reason {@code OTHER}, and the records behind it are assembled; before, the exception killed
 * the stream thread, the service exited, and the restarted service met the same record first and died again. A
 * blob store that cannot be written (a full disk) is an outage: the stream thread fails, nothing is dead-lettered,
 * and the sample is assembled once the store takes writes again.
 */
@WithKafka
class PoisonRecordTest {

    @TempDir
    Path temp;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldDeadLetterAnAcquisitionWhoseProcessingKeepsFailingAndAssembleTheSamplesBehindIt(TestBroker broker)
            throws Exception {
        TestConfig config = TestConfig.defaults(temp.resolve("blobs"));
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(config.blobRoot());
        BlobRef poisonBlob = store.put(Fixtures.png(32, 32, 99, 40));
        AtomicInteger poisonReads = new AtomicInteger();
        BlobStore blobs = new FaultyBlobs(store) {
            @Override
            public byte[] get(BlobRef ref) throws BlobStoreException {
                if (ref.getSha256().equals(poisonBlob.getSha256())) {
                    poisonReads.incrementAndGet();
                    throw new IllegalStateException("a fault of the blob store on this one blob");
                }
                return super.get(ref);
            }
        };
        String poisonId = "poison-" + run + "-bad";
        String goodId = "poison-" + run + "-good";
        Acquisition poison = Fixtures.acquisition(poisonId, Stain.RED_MICROTUBULES,
                Fixtures.referenced(poisonBlob, 32, 32));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String applicationId = "ingest-poison-" + run;
        startGroupAtTheEnd(broker, applicationId);

        RecordMetadata where = publish(broker, poison);
        for (Stain stain : PartialSample.REQUIRED) {
            publish(broker, Fixtures.acquisition(goodId, stain));
        }
        KafkaStreams streams = new KafkaStreams(AssemblyTopology.build(config, registry, blobs),
                IngestProcess.streamsProperties(broker.bootstrapServers(), applicationId, temp.resolve("state")));
        streams.start();
        try {
            List<ConsumerRecord<String, Sample>> samples = broker.readKeys(Topics.SAMPLES, List.of(goodId), 1,
                    Duration.ofSeconds(90));
            List<ConsumerRecord<String, DeadLetter>> letters = broker.readKeys(Topics.ACQUISITIONS_DLQ,
                    List.of(poisonId), 1, Duration.ofSeconds(30));

            assertThat(samples).as("the sample behind the bad record").hasSize(1);
            assertThat(letters).singleElement().satisfies(r -> {
                DeadLetter letter = r.value();
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OTHER);
                assertThat(letter.getDetail()).startsWith("not processed after 3 attempts")
                        .contains("a fault of the blob store on this one blob");
                assertThat(letter.getSourceTopic()).isEqualTo(Topics.ACQUISITIONS.name());
                assertThat(letter.getSourcePartition()).isEqualTo(where.partition());
                assertThat(letter.getSourceOffset()).isEqualTo(where.offset());
                assertThat(letter.getService()).isEqualTo(AssemblyProcessor.SERVICE);
                assertThat(Topics.ACQUISITIONS.valueSerde().deserializer()
                        .deserialize(Topics.ACQUISITIONS.name(), letter.getPayload().array())).isEqualTo(poison);
            });
            assertThat(poisonReads).hasValue(3);
            assertThat(registry.get("ingest.dead.letters").tag("reason", "OTHER").counter().count()).isEqualTo(1);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldDeadLetterNothingWhileTheBlobStoreCannotBeWrittenAndAssembleTheSampleOnceItCan(TestBroker broker)
            throws Exception {
        // every stain goes through the claim check
        TestConfig config = TestConfig.defaults(temp.resolve("blobs")).withClaimCheckThreshold(64);
        AtomicBoolean diskFull = new AtomicBoolean(true);
        AtomicInteger failedWrites = new AtomicInteger();
        BlobStore blobs = new FaultyBlobs(new LocalDirectoryBlobStore(config.blobRoot())) {
            @Override
            public BlobRef put(byte[] bytes) throws BlobStoreException {
                if (diskFull.get()) {
                    failedWrites.incrementAndGet();
                    throw new BlobStoreException(BlobStoreException.Reason.IO, "No space left on device", null);
                }
                return super.put(bytes);
            }
        };
        String id = "poison-" + run + "-outage";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String applicationId = "ingest-outage-" + run;
        startGroupAtTheEnd(broker, applicationId);
        for (Stain stain : PartialSample.REQUIRED) {
            publish(broker, Fixtures.acquisition(id, stain));
        }
        KafkaStreams streams = new KafkaStreams(AssemblyTopology.build(config, registry, blobs),
                IngestProcess.streamsProperties(broker.bootstrapServers(), applicationId, temp.resolve("state")));
        AtomicInteger threadFailures = new AtomicInteger();
        // stands in for the supervisor that restarts the service after StreamFailureExit
        streams.setUncaughtExceptionHandler(error -> {
            if (threadFailures.incrementAndGet() >= 2) {
                diskFull.set(false);
            }
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        try {
            List<ConsumerRecord<String, Sample>> samples = broker.readKeys(Topics.SAMPLES, List.of(id), 1,
                    Duration.ofSeconds(120));

            assertThat(samples).hasSize(1);
            assertThat(threadFailures).hasValueGreaterThanOrEqualTo(2);
            assertThat(failedWrites).as("one write per failed thread: no attempts spent on an outage")
                    .hasValue(threadFailures.get());
            assertThat(registry.get("ingest.dead.letters").counters()).extracting(Counter::count).containsOnly(0.0);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    private static RecordMetadata publish(TestBroker broker, Acquisition acquisition) throws Exception {
        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            return producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), 0, acquisition.getSampleId(),
                    acquisition)).get();
        }
    }

    /** The application's group starts where {@code acquisitions} ends now: other tests' records are not its own. */
    private static void startGroupAtTheEnd(TestBroker broker, String applicationId) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(Topics.ACQUISITIONS.name()))
                    .allTopicNames().get().get(Topics.ACQUISITIONS.name()).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(Topics.ACQUISITIONS.name(), p.partition()),
                            p -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(applicationId, ends).all().get();
        }
    }

    /** A blob store that passes every call on; tests override what should fail. */
    private static class FaultyBlobs implements BlobStore {

        private final BlobStore store;

        FaultyBlobs(BlobStore store) {
            this.store = store;
        }

        @Override
        public BlobRef put(byte[] bytes) throws BlobStoreException {
            return store.put(bytes);
        }

        @Override
        public byte[] get(BlobRef ref) throws BlobStoreException {
            return store.get(ref);
        }

        @Override
        public boolean exists(BlobRef ref) throws BlobStoreException {
            return store.exists(ref);
        }

        @Override
        public void delete(BlobRef ref) throws BlobStoreException {
            store.delete(ref);
        }
    }
}
