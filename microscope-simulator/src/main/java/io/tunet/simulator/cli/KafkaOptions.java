package io.tunet.simulator.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.topics.Topic;
import picocli.CommandLine.Option;

/** Options every publishing command shares: where Kafka and the blob store are. */
final class KafkaOptions {

    @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP or ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--blob-root", defaultValue = "${env:TUNET_BLOB_STORE:-.tunet/blobs}",
            description = "Blob store directory for images above the inline limit (default: ${DEFAULT-VALUE}).")
    Path blobRoot;

    @Option(names = "--inline-limit", defaultValue = "262144",
            description = "Images larger than this many bytes go through the blob store (default: ${DEFAULT-VALUE}).")
    int inlineLimit;

    <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    LocalDirectoryBlobStore blobStore() throws BlobStoreException {
        return new LocalDirectoryBlobStore(blobRoot);
    }
}
