package io.tunet.training.feedback;

import io.tunet.blob.BlobStoreException;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topics;
import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class IntakeLoop implements Runnable, AutoCloseable {

    /** What the loop reports, for metrics. */
    public interface Listener {
        /** Feedback was taken; {@code outcome} says what it did to the dataset. */
        void feedbackAccepted(DatasetIndex.LabelOutcome outcome);

        void sampleStored();

        void deadLetter(DeadLetterReason reason);

        void undecodableSample();
    }

    private static final Logger LOG = Logger.getLogger(IntakeLoop.class);

    private final FeedbackIntake intake;
    private final DatasetIndex index;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, DeadLetter> deadLetters;
    private final Listener listener;
    private final AtomicBoolean running = new AtomicBoolean(true);

    public IntakeLoop(FeedbackIntake intake, DatasetIndex index, Map<String, Object> clientProperties, String groupId,
            Listener listener) {
        this.intake = intake;
        this.index = index;
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
                    handle(record);
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

    private void handle(ConsumerRecord<String, byte[]> record) {
        FeedbackIntake.Source source = new FeedbackIntake.Source(record.topic(), record.partition(), record.offset(),
                record.key(), record.value());
        if (record.topic().equals(Topics.FEEDBACK.name())) {
            LabelFeedback feedback;
            try {
                feedback = Topics.FEEDBACK.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RecordDecodingException e) {
                send(intake.deadLetter(DeadLetterReason.UNDECODABLE_RECORD, e.getMessage(), source));
                return;
            }
            if (feedback == null) {
                send(intake.deadLetter(DeadLetterReason.UNDECODABLE_RECORD, "feedback record without a value", source));
                return;
            }
            FeedbackIntake.Taken taken = intake.onFeedback(feedback, source);
            taken.refused().ifPresentOrElse(this::send, () -> listener.feedbackAccepted(taken.outcome()));
            return;
        }
        Sample sample;
        try {
            sample = Topics.SAMPLES.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            LOG.warnf("sample record %s-%d@%d does not decode (inference dead-letters it): %s", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            listener.undecodableSample();
            return;
        }
        if (sample == null) {
            LOG.warnf("sample record %s-%d@%d has no value", record.topic(), record.partition(), record.offset());
            listener.undecodableSample();
            return;
        }
        try {
            intake.onSample(sample);
            listener.sampleStored();
        } catch (BlobStoreException e) {
            throw new IllegalStateException("cannot store sample " + sample.getSampleId() + " in the blob store: "
                    + e.getMessage(), e);
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
