package io.tunet.testkit;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource backed by the shared {@link TestBroker}: the application under test gets
 * {@code kafka.bootstrap.servers} (and Kafka Streams' own key) pointing at the real broker. The broker
 * outlives individual Quarkus applications and closes with the JVM.
 */
public final class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = TestBroker.shared().bootstrapServers();
        return Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "quarkus.kafka-streams.bootstrap-servers", bootstrap);
    }

    @Override
    public void stop() {
        // The broker is shared by every test of the JVM; TestBroker closes it once at exit.
    }
}
