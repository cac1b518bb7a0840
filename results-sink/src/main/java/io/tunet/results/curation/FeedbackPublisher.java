package io.tunet.results.curation;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.tunet.results.KafkaClientProperties;
import io.tunet.results.ResultsConfig;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.topics.Topics;

/** Publishes curators' labels to {@link Topics#FEEDBACK}, keyed by sample id, and waits for the broker's ack. */
@ApplicationScoped
public class FeedbackPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, LabelFeedback> producer;

    @Inject
    public FeedbackPublisher(ResultsConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ACK_TIMEOUT.toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "results-sink-feedback-" + ProcessHandle.current().pid());
        props.putAll(KafkaClientProperties.of(config.kafka().bootstrapServers(), config.kafka().properties()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(props, Topics.FEEDBACK.keySerde().serializer(),
                Topics.FEEDBACK.valueSerde().serializer());
    }

    /**
     * Sends the labels and returns once the broker acknowledged them.
     *
     * @throws FeedbackNotPublishedException when the broker did not acknowledge in time
     */
    public void publish(LabelFeedback feedback) {
        try {
            producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), feedback.getSampleId(), feedback))
                    .get(ACK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new FeedbackNotPublishedException("the broker refused the labels: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new FeedbackNotPublishedException("the broker did not acknowledge the labels in " + ACK_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedbackNotPublishedException("interrupted while publishing labels", e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
