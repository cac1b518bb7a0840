package io.tunet.training.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake loop on the testkit broker: a record whose intake keeps throwing goes to {@code feedback-dlq} after
 * its attempts and the records behind it are taken (before, the loop died on it, and the restarted service died on
 * it again); a blob store that cannot be written dead-letters nothing and loses nothing.
 */
class IntakeLoopTest {

    private static final int ATTEMPTS = 3;

    @TempDir
    Path dir;

    private final String prefix = "intake-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final String group = prefix + "group";
    private final Events events = new Events();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private DatasetIndex index;
    private LocalDirectoryBlobStore store;

    @BeforeEach
    void open() throws Exception {
        index = DatasetIndex.open(dir.resolve("data"));
        store = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        startGroupAtTheEnd();
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        index.close();
    }

    @Test
    void shouldDeadLetterARecordWhoseIntakeKeepsFailingAndTakeTheRecordsBehindIt() throws Exception {
        Sample poison = EasyFields.sample(prefix + "poison", 0, 5);
        byte[] poisonStain = bytes(poison.getRed().getContent());
        AtomicInteger poisonPuts = new AtomicInteger();
        BlobStore blobs = new FaultyBlobs(store, bytes -> {
            if (Arrays.equals(bytes, poisonStain)) {
                poisonPuts.incrementAndGet();
                throw new IllegalArgumentException("a fault of the blob store on this one image");
            }
        });
        RecordMetadata where = publish(poison, EasyFields.sample(prefix + "good", 1, 5),
                EasyFields.feedback("fb-" + prefix + "good", prefix + "good", 3));

        IntakeLoop loop = loop(blobs);
        Future<?> running = threads.submit(loop);
        awaitTrue(() -> index.labelChanges() == 1 && committedBeyond(where), Duration.ofSeconds(60));
        loop.close();
        running.get(30, TimeUnit.SECONDS);

        assertThat(index.hasImages(prefix + "good")).isTrue();
        assertThat(index.hasImages(prefix + "poison")).isFalse();
        assertThat(poisonPuts).hasValue(ATTEMPTS);
        assertThat(events.gaveUp).containsExactly(Topics.SAMPLES.name());
        List<DeadLetter> letters = TestBroker.shared().readKeys(Topics.FEEDBACK_DLQ, List.of(prefix + "poison"), 1,
                Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OTHER);
            assertThat(letter.getDetail()).startsWith("not taken after 3 attempts")
                    .contains("a fault of the blob store on this one image");
            assertThat(letter.getSourceTopic()).isEqualTo(Topics.SAMPLES.name());
            assertThat(letter.getSourcePartition()).isEqualTo(where.partition());
            assertThat(letter.getSourceOffset()).isEqualTo(where.offset());
            assertThat(letter.getService()).isEqualTo(FeedbackIntake.SERVICE);
            byte[] original = letter.getPayloadRef() != null ? store.get(letter.getPayloadRef())
                    : bytes(letter.getPayload());
            assertThat(Topics.SAMPLES.valueSerde().deserializer().deserialize(Topics.SAMPLES.name(), original))
                    .isEqualTo(poison);
        });
        assertThat(events.deadLetters).containsExactly(DeadLetterReason.OTHER);
    }

    @Test
    void shouldDeadLetterNothingWhileTheBlobStoreCannotBeWrittenAndTakeTheSampleOnceItCan() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        boolean[] diskFull = {true};
        BlobStore blobs = new FaultyBlobs(store, bytes -> {
            puts.incrementAndGet();
            if (diskFull[0]) {
                throw new BlobStoreException(BlobStoreException.Reason.IO, "No space left on device", null);
            }
        });
        RecordMetadata where = publish(EasyFields.sample(prefix + "outage", 2, 5));

        Future<?> first = threads.submit(loop(blobs));
        assertThatThrownBy(() -> first.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasRootCauseMessage("No space left on device");
        assertThat(puts).as("an outage costs the record no attempt").hasValue(1);
        assertThat(committedBeyond(where)).isFalse();

        diskFull[0] = false;
        IntakeLoop restarted = loop(blobs);
        Future<?> running = threads.submit(restarted);
        awaitTrue(() -> index.hasImages(prefix + "outage") && committedBeyond(where), Duration.ofSeconds(60));
        restarted.close();
        running.get(30, TimeUnit.SECONDS);

        assertThat(events.deadLetters).isEmpty();
        assertThat(events.gaveUp).isEmpty();
        assertThat(events.samplesStored).hasValue(1);
    }

    private IntakeLoop loop(BlobStore blobs) {
        FeedbackIntake intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), Clock.systemUTC());
        return new IntakeLoop(intake, index, TestBroker.shared().clientProperties(), group, ATTEMPTS, events);
    }

    /** Publishes the records, in order, to partition 0 of their topics; the metadata of the first. */
    private RecordMetadata publish(Object... records) throws Exception {
        TestBroker broker = TestBroker.shared();
        RecordMetadata first = null;
        try (KafkaProducer<String, Sample> samples = broker.producer(Topics.SAMPLES);
                KafkaProducer<String, LabelFeedback> feedback = broker.producer(Topics.FEEDBACK)) {
            for (Object record : records) {
                RecordMetadata sent = record instanceof Sample s
                        ? samples.send(new ProducerRecord<>(Topics.SAMPLES.name(), 0, s.getSampleId(), s)).get()
                        : feedback.send(new ProducerRecord<>(Topics.FEEDBACK.name(), 0,
                                ((LabelFeedback) record).getSampleId(), (LabelFeedback) record)).get();
                first = first == null ? sent : first;
            }
        }
        return first;
    }

    /** This test's group starts where the shared topics end now, so records of other tests are not its business. */
    private void startGroupAtTheEnd() throws Exception {
        try (Admin admin = TestBroker.shared().admin()) {
            Map<TopicPartition, OffsetSpec> latest = admin
                    .describeTopics(List.of(Topics.SAMPLES.name(), Topics.FEEDBACK.name())).allTopicNames().get()
                    .values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        }
    }

    private boolean committedBeyond(RecordMetadata record) {
        try (Admin admin = TestBroker.shared().admin()) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(record.topic(), record.partition()));
            return committed != null && committed.offset() > record.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static byte[] bytes(Object content) {
        ByteBuffer buffer = ((ByteBuffer) content).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** What the loop reported. */
    private static final class Events implements IntakeLoop.Listener {
        final List<DeadLetterReason> deadLetters = new CopyOnWriteArrayList<>();
        final List<String> gaveUp = new CopyOnWriteArrayList<>();
        final AtomicInteger samplesStored = new AtomicInteger();

        @Override
        public void feedbackAccepted(DatasetIndex.LabelOutcome outcome) {
        }

        @Override
        public void sampleStored() {
            samplesStored.incrementAndGet();
        }

        @Override
        public void deadLetter(DeadLetterReason reason) {
            deadLetters.add(reason);
        }

        @Override
        public void undecodableSample() {
        }

        @Override
        public void gaveUp(String topic) {
            gaveUp.add(topic);
        }
    }

    /** A blob store whose writes first pass {@code check}, which may throw. */
    private static final class FaultyBlobs implements BlobStore {

        interface Check {
            void before(byte[] bytes) throws BlobStoreException;
        }

        private final BlobStore store;
        private final Check check;

        FaultyBlobs(BlobStore store, Check check) {
            this.store = store;
            this.check = check;
        }

        @Override
        public BlobRef put(byte[] bytes) throws BlobStoreException {
            check.before(bytes);
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
