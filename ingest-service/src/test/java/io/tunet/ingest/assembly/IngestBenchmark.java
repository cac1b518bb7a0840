package io.tunet.ingest.assembly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.blob.Sha256;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.ingest.Fixtures;
import io.tunet.ingest.Fixtures.TestConfig;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;

/**
 * Ingest throughput on this machine, printed and written to {@code target/benchmarks/ingest.txt}, for (a) 512² PNG
 * stains inline and (b) 2048² stains that go through the claim check. Per scenario the acquisitions are published
 * first (timed on their own: that is the broker's intake), then a fresh Kafka Streams instance with exactly-once
 * assembles them; the assembly rate is the samples emitted between the first and the last one, as a
 * read-committed consumer sees them (startup excluded). Also: the cost of the checks per acquisition (header,
 * SHA-256, blob write) and the state-store size of a partial sample. The machine's load average is recorded with
 * the numbers, since other work on it changes them.
 *
 * <p>Arguments: {@code small=<samples> large=<samples>} (defaults 100 and 16). Run:
 * {@code ./mvnw -B -o -pl ingest-service test-compile exec:exec@benchmark}.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    record Scenario(String name, int side, int samples, int noise) {
    }

    public static void main(String[] args) throws Exception {
        int small = 100;
        int large = 16;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "small" -> small = Integer.parseInt(kv[1]);
                case "large" -> large = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (expected small=<samples> large=<samples>)");
            }
        }
        Path work = Files.createTempDirectory("ingest-bench");
        List<String> report = new ArrayList<>();
        report.add("# ingest-service benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version"));
        report.add("# claim-check threshold 256 KiB; exactly_once_v2 (commit every 100 ms); in-JVM single-node "
                + "KRaft broker in the same JVM");
        report.add("# load average at start: " + loadAverage());
        TestBroker broker = TestBroker.shared();
        for (Scenario scenario : List.of(new Scenario("512x512 inline", 512, small, 6),
                new Scenario("2048x2048 claim check", 2048, large, 3))) {
            report.add(run(scenario, TestConfig.defaults(work.resolve("blobs")), broker, work));
        }
        report.add("# load average at end: " + loadAverage());
        Path out = Path.of("target", "benchmarks", "ingest.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        report.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    private static String run(Scenario scenario, TestConfig config, TestBroker broker, Path work) throws Exception {
        String run = scenario.side() + "-" + UUID.randomUUID().toString().substring(0, 6);
        Random random = new Random(scenario.side());
        List<Acquisition> acquisitions = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < scenario.samples(); i++) {
            String id = "bench-" + run + "-" + i;
            for (Stain stain : PartialSample.REQUIRED) {
                byte[] png = Fixtures.png(scenario.side(), scenario.side(), random.nextLong(), scenario.noise());
                bytes += png.length;
                acquisitions.add(Fixtures.acquisition(id, stain,
                        Fixtures.inline(png, scenario.side(), scenario.side())));
            }
        }
        Collections.shuffle(acquisitions, random);
        int n = acquisitions.size();

        String applicationId = "ingest-bench-" + run;
        startAtEnd(broker, applicationId);
        double publishRate = n / publish(acquisitions, broker);
        double[] assembly = assemble(acquisitions, config, broker, applicationId, work.resolve("state-" + run));
        double[] costs = checkCosts(acquisitions, work.resolve("cost-blobs-" + run));
        long partialBytes = partialSampleBytes(scenario, config, work.resolve("size-" + run));

        return String.format(Locale.ROOT,
                "%-22s %d stains, mean PNG %.0f KiB | assembled: %.1f acquisitions/s = %.1f samples/s "
                        + "(startup to last sample %.1f s) | broker intake (publish): %.1f acquisitions/s"
                        + " | checks per acquisition: header %.2f ms, SHA-256 %.2f ms, blob write %.2f ms"
                        + " | partial sample with 3 stains in the store: %d bytes",
                scenario.name(), n, bytes / (double) n / 1024, assembly[0] * 4, assembly[0], assembly[1],
                publishRate, costs[0], costs[1], costs[2], partialBytes);
    }

    /** Commits the current end of {@code acquisitions} for the application's group, so it reads only what follows. */
    private static void startAtEnd(TestBroker broker, String applicationId) throws Exception {
        try (Admin admin = broker.admin()) {
            int partitions = broker.partitions(Topics.ACQUISITIONS.name());
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.ACQUISITIONS.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(applicationId, ends).all().get();
        }
    }

    /** Publishes every acquisition and waits for the acks; returns the seconds it took. */
    private static double publish(List<Acquisition> acquisitions, TestBroker broker) {
        Map<String, Object> props = broker.clientProperties();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.ACQUISITIONS.maxMessageBytes());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long start = System.nanoTime();
        try (KafkaProducer<String, Acquisition> producer = new KafkaProducer<>(props,
                Topics.ACQUISITIONS.keySerde().serializer(), Topics.ACQUISITIONS.valueSerde().serializer())) {
            for (Acquisition acquisition : acquisitions) {
                producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), acquisition.getSampleId(),
                        acquisition));
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Runs a fresh Kafka Streams instance over the published acquisitions until every sample is out.
     *
     * @return samples/s between the first and the last sample seen, and seconds from start() to the last sample
     */
    private static double[] assemble(List<Acquisition> acquisitions, TestConfig config, TestBroker broker,
                                     String applicationId, Path state) {
        Set<String> pending = new HashSet<>();
        acquisitions.forEach(a -> pending.add(a.getSampleId()));
        int samples = pending.size();
        Properties props = IngestProcess.streamsProperties(broker.bootstrapServers(), applicationId, state);
        try (KafkaConsumer<String, Sample> consumer = broker.consumer(Topics.SAMPLES)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.SAMPLES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            KafkaStreams streams = new KafkaStreams(AssemblyTopology.build(config, new SimpleMeterRegistry()), props);
            long start = System.nanoTime();
            long first = 0;
            long last = 0;
            streams.start();
            try {
                Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
                while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<String, Sample> record : consumer.poll(Duration.ofMillis(50))) {
                        if (pending.remove(record.key())) {
                            last = System.nanoTime();
                            first = first == 0 ? last : first;
                        }
                    }
                }
            } finally {
                streams.close(Duration.ofSeconds(10));
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException(pending.size() + " samples did not arrive within 10 minutes");
            }
            return new double[] {(samples - 1) / ((last - first) / 1e9), (last - start) / 1e9};
        }
    }

    /**
     * Per-acquisition cost of the checks the assembler runs before the state: header read and SHA-256 of the
     * encoded bytes, and (above the threshold) the blob write. Mean over the scenario's images, in ms.
     */
    private static double[] checkCosts(List<Acquisition> acquisitions, Path blobRoot) throws Exception {
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(blobRoot);
        DecodeLimits limits = DecodeLimits.defaults();
        long header = 0;
        long sha = 0;
        long write = 0;
        for (Acquisition acquisition : acquisitions) {
            byte[] png = StainInspector.toArray((ByteBuffer) acquisition.getImage().getContent());
            long t0 = System.nanoTime();
            ImageCodec.readHeader(png, limits);
            long t1 = System.nanoTime();
            Sha256.hex(png);
            long t2 = System.nanoTime();
            blobs.put(png);
            long t3 = System.nanoTime();
            header += t1 - t0;
            sha += t2 - t1;
            write += t3 - t2;
        }
        double n = acquisitions.size() * 1e6;
        return new double[] {header / n, sha / n, write / n};
    }

    /** Serialized size of one partial sample with three of its stains, as the state store and changelog hold it. */
    private static long partialSampleBytes(Scenario scenario, TestConfig config, Path state) throws IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-size");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(state).toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                AssemblyTopology.build(config, new SimpleMeterRegistry()), props)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.ACQUISITIONS.name(),
                    new StringSerializer(), new ByteArraySerializer());
            Random random = new Random(1);
            Stream.of(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS).forEach(stain -> {
                byte[] png = Fixtures.png(scenario.side(), scenario.side(), random.nextLong(), scenario.noise());
                in.pipeInput("size", AvroSerdes.of(Acquisition.class).encode(Fixtures.acquisition("size", stain,
                        Fixtures.inline(png, scenario.side(), scenario.side()))));
            });
            PartialSample partial = driver.<String, PartialSample>getKeyValueStore(
                    AssemblyTopology.PARTIAL_SAMPLES_STORE).get("size");
            return StateSerdes.encode(partial).length;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
