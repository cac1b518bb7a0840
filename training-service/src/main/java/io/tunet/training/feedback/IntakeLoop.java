package io.tunet.training.feedback;

import io.tunet.blob.BlobStoreException;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import io.tunet.training.dataset.DatasetIndex;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Consumes {@code feedback} and {@code samples} on its own thread and hands each record to the
 * {@link FeedbackIntake}; dead letters go to {@code feedback-dlq}. Offsets are committed only after the index
 * is on disk and the dead letters are acknowledged (at-least-once; a replayed sample stores the same blob again,
 * and replayed feedback is recognised by its id and ignored, so a replay changes nothing).
 * <p>
 * A record whose intake throws is tried up to {@code maxAttempts} times; then it goes to {@code feedback-dlq}
 * (reason {@code OTHER}, the error in the detail) and the loop goes on, so one bad record cannot stop the intake
 * for good. Failures that are not the record's (the blob store or the index's disk cannot be written, the broker
 * does not answer) cost no attempt: they end the loop with nothing committed, the service exits, and, restarted,
 * takes the record again.
 */
public final class IntakeLoop implements Runnable, AutoCloseable {

    /** What the loop reports, for metrics. */
    public interface Listener {
        /** Feedback was taken; {@code outcome} says what it did to the dataset. */
        void feedbackAccepted(DatasetIndex.LabelOutcome outcome);

        void sampleStored();

        void deadLetter(DeadLetterReason reason);

        void undecodableSample();

        /** A record of {@code topic} failed every attempt and was sent to the dead-letter topic. */
        void gaveUp(String topic);
    }

    private static final Logger LOG = Logger.getLogger(IntakeLoop.class);
    /** Between two attempts at one record, so that a passing glitch can pass. */
    private static final Duration ATTEMPT_BACKOFF = Duration.ofMillis(200);

    private final FeedbackIntake intake;
    private final DatasetIndex index;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, DeadLetter> deadLetters;
    private final Listener listener;
    private final int maxAttempts;
    private final AtomicBoolean running = new AtomicBoolean(true);

    /**
     * @param maxAttempts how often a record whose intake throws is tried before it is dead-lettered
     */
    public IntakeLoop(FeedbackIntake intake, DatasetIndex index, Map<String, Object> clientProperties, String groupId,
            int maxAttempts, Listener listener) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1: " + maxAttempts);
        }
        this.intake = intake;
        this.index = index;
        this.maxAttempts = maxAttempts;
        this.listener = listener;
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SAMPLES.maxMessageBytes());
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        consumerProps.putAll(clientProperties);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.FEEDBACK_DLQ.maxMessageBytes());
        producerProps.putAll(clientProperties);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        deadLetters = new KafkaProducer<>(producerProps, Topics.FEEDBACK_DLQ.keySerde().serializer(),
                Topics.FEEDBACK_DLQ.valueSerde().serializer());
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(Topics.FEEDBACK.name(), Topics.SAMPLES.name()));
        try {
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    attempt(record).ifPresent(this::send);
                }
                for (DeadLetter letter : intake.expire()) {
                    send(letter);
                }
                deadLetters.flush();
                index.sync();
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the feedback intake stopped", e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Takes one record, trying it again while it throws, up to the attempt limit.
     *
     * @return the dead letter to send: the intake refused the record, or it failed every attempt
     */
    private Optional<DeadLetter> attempt(ConsumerRecord<String, byte[]> record) {
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                return take(record);
            } catch (BlobStoreException e) {
                throw new IllegalStateException("cannot store " + coordinates(record) + " in the blob store: "
                        + e.getMessage(), e);
            } catch (UncheckedIOException e) {
                // the index's disk, not the record
                throw e;
            } catch (RuntimeException e) {
                failure = e;
                LOG.warnf("attempt %d of %d at %s failed: %s", attempt, maxAttempts, coordinates(record), e);
                if (attempt < maxAttempts) {
                    backOff();
                }
            }
        }
        LOG.errorf(failure, "%s not taken after %d attempts; sent to %s", coordinates(record), maxAttempts,
                Topics.FEEDBACK_DLQ);
        listener.gaveUp(record.topic());
        try {
            return Optional.of(intake.deadLetter(DeadLetterReason.OTHER, "not taken after " + maxAttempts
                    + " attempts: " + failure, source(record)));
        } catch (BlobStoreException e) {
            throw new IllegalStateException("cannot keep the payload of " + coordinates(record)
                    + " in the blob store for its dead letter: " + e.getMessage(), e);
        }
    }

    /** Hands one record to the intake; the dead letter if it refuses it. */
    private Optional<DeadLetter> take(ConsumerRecord<String, byte[]> record) throws BlobStoreException {
        FeedbackIntake.Source source = source(record);
        if (record.topic().equals(Topics.FEEDBACK.name())) {
            LabelFeedback feedback;
            try {
                feedback = Topics.FEEDBACK.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RecordDecodingException e) {
                return Optional.of(intake.deadLetter(DeadLetterReason.UNDECODABLE_RECORD, e.getMessage(), source));
            }
            if (feedback == null) {
                return Optional.of(intake.deadLetter(DeadLetterReason.UNDECODABLE_RECORD,
                        "feedback record without a value", source));
            }
            FeedbackIntake.Taken taken = intake.onFeedback(feedback, source);
            if (taken.refused().isEmpty()) {
                listener.feedbackAccepted(taken.outcome());
            }
            return taken.refused();
        }
        Sample sample;
        try {
            sample = Topics.SAMPLES.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            LOG.warnf("sample record %s does not decode (inference dead-letters it): %s", coordinates(record),
                    e.getMessage());
            listener.undecodableSample();
            return Optional.empty();
        }
        if (sample == null) {
            LOG.warnf("sample record %s has no value", coordinates(record));
            listener.undecodableSample();
            return Optional.empty();
        }
        intake.onSample(sample);
        listener.sampleStored();
        return Optional.empty();
    }

    private static FeedbackIntake.Source source(ConsumerRecord<String, byte[]> record) {
        return new FeedbackIntake.Source(record.topic(), record.partition(), record.offset(), record.key(),
                record.value());
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static void backOff() {
        try {
            Thread.sleep(ATTEMPT_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(DeadLetter letter) {
        try {
            deadLetters.send(new ProducerRecord<>(Topics.FEEDBACK_DLQ.name(), letter.getOriginalKey(), letter)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + Topics.FEEDBACK_DLQ, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + Topics.FEEDBACK_DLQ, e);
        }
        LOG.warnf("dead letter %s: %s", letter.getReason(), letter.getDetail());
        listener.deadLetter(letter.getReason());
    }

    /** Stops the loop; the thread running it returns after closing the clients. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
