package io.tunet.ingest.assembly;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.ingest.Fixtures.TestConfig;

/**
 * The assembly topology alone in its own JVM, for tests that kill it: {@code bootstrap applicationId stateDir
 * blobRoot}. Prints {@code RUNNING} once the streams run; never exits by itself.
 */
public final class IngestProcess {

    private IngestProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Properties props = streamsProperties(args[0], args[1], Path.of(args[2]));
        KafkaStreams streams = new KafkaStreams(
                AssemblyTopology.build(TestConfig.defaults(Path.of(args[3])), new SimpleMeterRegistry()), props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("RUNNING");
            }
        });
        streams.start();
        new CountDownLatch(1).await();
    }

    /** Streams properties for a test instance: the topology's required settings and a short session. */
    public static Properties streamsProperties(String bootstrap, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.putAll(AssemblyTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // A killed instance's partitions come back after the session timeout: keep it at the broker's minimum.
        props.put(StreamsConfig.consumerPrefix(CommonClientConfigs.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(CommonClientConfigs.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        return props;
    }
}
