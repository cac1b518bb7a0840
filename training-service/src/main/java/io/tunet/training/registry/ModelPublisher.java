package io.tunet.training.registry;

import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Publishes model versions (a run's CANDIDATE, then PROMOTED or REJECTED; the live gate's verdicts) to
 * {@code models} in one Kafka transaction per call: readers with {@code read_committed} see all of a run's records
 * or none, so a run that dies while publishing leaves nothing behind. A new publisher with the same transactional
 * id fences an older instance of the service.
 */
public final class ModelPublisher implements AutoCloseable {

    private final KafkaProducer<String, ModelVersion> producer;

    /**
     * @param clientProperties at least the bootstrap servers; they override the defaults, not the settings its
     *     guarantees need
     * @param transactionalId stable per service instance
     */
    public ModelPublisher(Map<String, Object> clientProperties, String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODELS.maxMessageBytes());
        props.putAll(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, Topics.MODELS.keySerde().serializer(),
                Topics.MODELS.valueSerde().serializer());
        producer.initTransactions();
    }

    /**
     * Publishes the versions, in order, keyed by {@link Topics#modelKey}, as one transaction.
     *
     * @throws KafkaException if the transaction cannot be committed (it is aborted; nothing is visible)
     */
    public synchronized void publish(List<ModelVersion> versions) {
        producer.beginTransaction();
        try {
            for (ModelVersion version : versions) {
                producer.send(new ProducerRecord<>(Topics.MODELS.name(),
                        Topics.modelKey(version.getModelName(), version.getVersion()), version)).get();
            }
            producer.commitTransaction();
        } catch (ExecutionException e) {
            producer.abortTransaction();
            throw new KafkaException("publishing model versions failed", e.getCause());
        } catch (InterruptedException e) {
            producer.abortTransaction();
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing model versions", e);
        } catch (KafkaException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
