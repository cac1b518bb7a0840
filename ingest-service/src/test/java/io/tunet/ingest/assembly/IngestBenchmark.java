package io.tunet.ingest.assembly;

import java.io.IOException;
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
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import io.tunet.ingest.Fixtures;
import io.tunet.ingest.Fixtures.TestConfig;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;

/**
 * Ingest throughput on this machine, printed and written to {@code target/benchmarks/ingest.txt}:
 * acquisitions/s assembled (a) with 512² PNG stains inline and (b) with 2048² stains that go through the claim
 * check, through a real broker with exactly-once (producer → Kafka Streams → read-committed consumer); the
 * per-acquisition cost of the checks (header, SHA-256, blob write); and the state-store size of a partial sample.
 * The machine's load average is recorded with the numbers, since other work on it changes them. Arguments: {@code small=<samples> large=<samples>} (defaults 100 and 16).
 * Run: {@code ./mvnw -B -o -pl ingest-service test-compile exec:exec@benchmark}.
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
        report.add("# claim-check threshold 256 KiB; exactly_once_v2; in-JVM single-node KRaft broker in the same JVM");
        report.add("# load average at start: " + loadAverage());
        TestBroker broker = TestBroker.shared();
        TestConfig config = TestConfig.defaults(work.resolve("blobs"));
        KafkaStreams streams = new KafkaStreams(AssemblyTopology.build(config, new SimpleMeterRegistry()),
                IngestProcess.streamsProperties(broker.bootstrapServers(), "ingest-bench-" + UUID.randomUUID(),
                        work.resolve("state")));
        streams.start();
        awaitRunning(streams);
        try {
            for (Scenario scenario : List.of(new Scenario("512x512 inline", 512, small, 6),
                    new Scenario("2048x2048 claim check", 2048, large, 3))) {
                report.addAll(run(scenario, config, broker, work));
            }
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
        report.add("# load average at end: " + loadAverage());
        Path out = Path.of("target", "benchmarks", "ingest.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        report.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    private static List<String> run(Scenario scenario, TestConfig config, TestBroker broker, Path work)
            throws Exception {
        String run = scenario.side() + "-" + UUID.randomUUID().toString().substring(0, 6);
        Random random = new Random(scenario.side());
        List<Acquisition> acquisitions = new ArrayList<>();
        long bytes = 0;
        long generateStart = System.nanoTime();
        for (int i = 0; i < scenario.samples(); i++) {
            String id = "bench-" + run + "-" + i;
            for (Stain stain : PartialSample.REQUIRED) {
                byte[] png = Fixtures.png(scenario.side(), scenario.side(), random.nextLong(), scenario.noise());
                bytes += png.length;
                acquisitions.add(Fixtures.acquisition(id, stain,
                        Fixtures.inline(png, scenario.side(), scenario.side())));
            }
        }
        double generateSeconds = (System.nanoTime() - generateStart) / 1e9;
        Collections.shuffle(acquisitions, random);
        int n = acquisitions.size();
        double meanKiB = bytes / (double) n / 1024;

        double brokerRate = throughBroker(acquisitions, broker);
        double[] costs = checkCosts(acquisitions, work.resolve("cost-blobs-" + run));
        long partialBytes = partialSampleBytes(scenario, config, work.resolve("size-" + run));

        return List.of(String.format(Locale.ROOT,
                "%-22s stains=%d mean PNG %.0f KiB | through broker (EOS): %.1f acquisitions/s = %.1f samples/s"
                        + " | per acquisition: header %.2f ms, SHA-256 %.2f ms, blob write %.2f ms"
                        + " | partial sample with 3 stains in the store: %d bytes | (PNG generation %.1f s, not timed)",
                scenario.name(), n, meanKiB, brokerRate, brokerRate / 4, costs[0], costs[1], costs[2], partialBytes,
                generateSeconds));
    }

    /**
     * Per-acquisition cost of the checks the assembler runs before the state: header read and SHA-256 of the
     * encoded bytes, and (above the threshold) the blob write. Mean over the scenario's images, in ms.
     */
    private static double[] checkCosts(List<Acquisition> acquisitions, Path blobRoot) throws Exception {
        io.tunet.blob.LocalDirectoryBlobStore blobs = new io.tunet.blob.LocalDirectoryBlobStore(blobRoot);
        io.tunet.core.image.DecodeLimits limits = io.tunet.core.image.DecodeLimits.defaults();
        long header = 0;
        long sha = 0;
        long write = 0;
        for (Acquisition acquisition : acquisitions) {
            byte[] png = StainInspector.toArray((java.nio.ByteBuffer) acquisition.getImage().getContent());
            long t0 = System.nanoTime();
            io.tunet.core.image.ImageCodec.readHeader(png, limits);
            long t1 = System.nanoTime();
            io.tunet.blob.Sha256.hex(png);
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

    /** Producer → running Kafka Streams → read-committed consumer; timed from the first send to the last sample. */
    private static double throughBroker(List<Acquisition> acquisitions, TestBroker broker) throws Exception {
        Set<String> pending = new HashSet<>();
        acquisitions.forEach(a -> pending.add(a.getSampleId()));
        try (KafkaConsumer<String, Sample> consumer = broker.consumer(Topics.SAMPLES)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.SAMPLES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Map<String, Object> producerProps = broker.clientProperties();
            producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.ACQUISITIONS.maxMessageBytes());
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            long start = System.nanoTime();
            try (KafkaProducer<String, Acquisition> producer = new KafkaProducer<>(producerProps,
                    Topics.ACQUISITIONS.keySerde().serializer(), Topics.ACQUISITIONS.valueSerde().serializer())) {
                for (Acquisition acquisition : acquisitions) {
                    producer.send(new ProducerRecord<>(Topics.ACQUISITIONS.name(), acquisition.getSampleId(),
                            acquisition));
                }
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, Sample> record : consumer.poll(Duration.ofMillis(100))) {
                    pending.remove(record.key());
                }
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException(pending.size() + " samples did not arrive within 5 minutes");
            }
            return acquisitions.size() / ((System.nanoTime() - start) / 1e9);
        }
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

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (streams.state() != KafkaStreams.State.RUNNING && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
        }
    }
}
