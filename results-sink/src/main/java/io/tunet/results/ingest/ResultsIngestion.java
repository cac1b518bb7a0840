package io.tunet.results.ingest;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.results.KafkaClientProperties;
import io.tunet.results.ResultsConfig;
import io.tunet.results.live.LiveEvents;
import io.tunet.schemas.topics.Topics;

/** Starts the consumer loop with the application (after Flyway migrated the schema) and stops it with it. */
@ApplicationScoped
public class ResultsIngestion {

    @Inject
    ResultsConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    LiveEvents live;

    @Inject
    MeterRegistry metrics;

    private ResultsConsumer loop;
    private Thread thread;
    private volatile boolean stopping;

    void start(@Observes StartupEvent event) throws Exception {
        ResultsStore store = new ResultsStore(new Thumbnails(new LocalDirectoryBlobStore(config.blobStoreDir()),
                config.thumbnails().size()));
        loop = new ResultsConsumer(new KafkaConsumer<>(consumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer()), new KafkaProducer<>(deadLetterProperties(),
                Topics.RESULTS_DLQ.keySerde().serializer(), Topics.RESULTS_DLQ.valueSerde().serializer()),
                dataSource, store, live::publish, config.kafka().databaseRetryInterval(), config.kafka().maxAttempts(),
                metrics);
        thread = new Thread(loop, "results-consumer");
        thread.setUncaughtExceptionHandler(new ConsumerDeath(() -> stopping, Quarkus::asyncExit));
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        if (loop != null) {
            loop.stop();
            thread.join(10_000);
        }
    }

    /** Whether the consumer loop is running. */
    public boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Whether consumption is paused for a database outage. */
    public boolean paused() {
        return loop != null && loop.paused();
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>();
        // a poll of full-size samples whose classifications carry no thumbnail (older inference) means decoding
        // four large PNGs per record: give a batch ten minutes before the group evicts this member (a storing
        // batch never polls in between)
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        // a samples record may carry four inline images
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.largestMessageBytes());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "results-sink-" + ProcessHandle.current().pid());
        props.putAll(KafkaClientProperties.of(config.kafka().bootstrapServers(), config.kafka().properties()));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.kafka().maxPollRecords());
        return props;
    }

    private Map<String, Object> deadLetterProperties() {
        Map<String, Object> props = new HashMap<>();
        // a dead letter carries the record it gives up on, and the largest the sink reads is a sample
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.RESULTS_DLQ.maxMessageBytes());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "results-sink-dlq-" + ProcessHandle.current().pid());
        props.putAll(KafkaClientProperties.of(config.kafka().bootstrapServers(), config.kafka().properties()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }
}
