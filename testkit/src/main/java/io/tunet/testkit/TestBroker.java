package io.tunet.testkit;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

/**
 * A real Kafka broker for tests: an in-JVM single-node KRaft cluster ({@link KafkaClusterTestKit}), or the
 * external broker named by the {@code KAFKA_BOOTSTRAP} environment variable when set. One broker serves the
 * whole test JVM; it is started on first use, has every catalogue topic, and is closed exactly once when the
 * JVM exits. Tests share it, so they use their own sample ids and consumer groups.
 */
public final class TestBroker {

    /** Environment variable naming an external broker to use instead of the in-JVM one. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";

    private static TestBroker shared;

    private final String bootstrapServers;
    private final KafkaClusterTestKit cluster;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestBroker(String bootstrapServers, KafkaClusterTestKit cluster) {
        this.bootstrapServers = bootstrapServers;
        this.cluster = cluster;
    }

    /** The broker of this JVM, started (and its topics created) on first call. */
    public static synchronized TestBroker shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-broker-shutdown"));
        }
        return shared;
    }

    private static TestBroker start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        TestBroker broker;
        if (external != null && !external.isBlank()) {
            broker = new TestBroker(external.strip(), null);
        } else {
            broker = new TestBroker(null, null).startInJvm();
        }
        broker.createCatalogueTopics();
        broker.awaitPartitionLeaders();
        return broker;
    }

    private TestBroker startInJvm() {
        KafkaClusterTestKit kit = null;
        reportBrokerInitiatedExits();
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    // Our own directory, removed by KafkaClusterTestKit.close() once the broker has stopped.
                    // Without it Kafka's TestUtils makes a temp directory and registers a JVM shutdown hook that
                    // deletes it; that hook runs concurrently with ours that closes the broker, and a broker that
                    // finds its log directory gone (its high-watermark checkpoint runs every 5 s) halts the JVM
                    // with status 1: a test fork that passed every test then failed (README, decisions).
                    .setBaseDirectory(Files.createTempDirectory("tunet-test-broker-"))
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            kit = new KafkaClusterTestKit.Builder(nodes)
                    // single node: every internal topic must live with one replica
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // topics come from the catalogue; a typo must fail, not create a topic
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("message.max.bytes", Integer.toString(Topics.largestMessageBytes()))
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new TestBroker(kit.bootstrapServers(), kit);
        } catch (Exception e) {
            if (kit != null) {
                closeQuietlyAfterFailure(kit, e);
            }
            throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
        }
    }

    /**
     * The broker code in this JVM ends the process through Kafka's {@link Exit} on a fault it cannot survive (a
     * failed log directory, a fatal request-handler error). Such an exit still happens, but first says who asked
     * and why on standard error, which Surefire keeps in the test class's output file: a fork that fails after
     * its tests passed then names its cause.
     */
    private static void reportBrokerInitiatedExits() {
        Exit.setHaltProcedure((status, message) -> {
            reportExit("halted", status, message);
            Runtime.getRuntime().halt(status);
        });
        Exit.setExitProcedure((status, message) -> {
            reportExit("exited", status, message);
            System.exit(status);
        });
    }

    private static void reportExit(String how, int status, String message) {
        System.err.printf("The in-JVM Kafka broker %s the JVM with status %d (%s) from:%n", how, status, message);
        new Throwable("broker-initiated exit").printStackTrace();
        System.err.flush();
    }

    private void createCatalogueTopics() {
        try (Admin admin = admin()) {
            Topics.createMissing(admin, (short) 1);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the catalogue topics on " + bootstrapServers, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until every catalogue partition answers a ListOffsets request, which only a partition's leader
     * serves. Right after topic creation the broker can still refuse produce requests with
     * NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retry of such a first batch was seen to wedge on
     * OUT_OF_ORDER_SEQUENCE_NUMBER; tests start only once leadership is in place.
     */
    private void awaitPartitionLeaders() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?, ?> topic : Topics.all()) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientProperties(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.endOffsets(partitions, Duration.ofSeconds(60));
        }
    }

    /** {@code host:port} list for client configs. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the in-JVM broker keeps its data; null for an external broker. */
    java.nio.file.Path dataDirectory() {
        return cluster == null ? null : java.nio.file.Path.of(cluster.nodes().baseDirectory());
    }

    /** Whether this is the in-JVM broker (false when {@code KAFKA_BOOTSTRAP} named an external one). */
    public boolean inJvm() {
        return cluster != null;
    }

    /** Base client properties: the bootstrap servers and nothing else. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientProperties());
    }

    /** A producer for a catalogue topic with the project's serdes, allowing the topic's largest record. */
    public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        Map<String, Object> props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** A consumer for a catalogue topic with a fresh group, reading from the earliest offset. */
    public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic) {
        Map<String, Object> props = clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, topic.maxMessageBytes());
        return new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /**
     * Reads a topic from the beginning until {@code count} records matching {@code filter} have been seen, or
     * the timeout passes; returns what matched (possibly fewer than {@code count}).
     */
    public <K, V> List<ConsumerRecord<K, V>> read(Topic<K, V> topic, int count, Duration timeout,
                                                  java.util.function.Predicate<ConsumerRecord<K, V>> filter) {
        List<ConsumerRecord<K, V>> matched = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = consumer(topic)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (matched.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(record)) {
                        matched.add(record);
                    }
                }
            }
        }
        return matched;
    }

    /** Reads {@code count} records with keys in {@code keys} (any order), or what arrived before the timeout. */
    public <K, V> List<ConsumerRecord<K, V>> readKeys(Topic<K, V> topic, java.util.Collection<K> keys, int count,
                                                      Duration timeout) {
        java.util.Set<K> wanted = new java.util.HashSet<>(keys);
        return read(topic, count, timeout, r -> wanted.contains(r.key()));
    }

    /** Partition count of a topic as the broker sees it. */
    public int partitions(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientProperties(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            return infos == null ? 0 : infos.size();
        }
    }

    /** Stops the in-JVM broker; safe to call more than once, and a no-op for an external broker. */
    public void close() {
        if (cluster != null && closed.compareAndSet(false, true)) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the in-JVM Kafka broker failed", e);
            }
        }
    }

    private static void closeQuietlyAfterFailure(KafkaClusterTestKit kit, Exception original) {
        try {
            kit.close();
        } catch (Exception e) {
            original.addSuppressed(e);
        }
    }
}
