package io.tunet.ingest.assembly;

import static io.tunet.ingest.Fixtures.acquisition;
import static io.tunet.ingest.Fixtures.inline;
import static io.tunet.ingest.Fixtures.png;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.blob.Sha256;
import io.tunet.ingest.Fixtures;
import io.tunet.ingest.Fixtures.TestConfig;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.schemas.topics.Topics;

class AssemblyTopologyTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path temp;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> acquisitions;
    private TestOutputTopic<String, Sample> samples;
    private TestOutputTopic<String, IncompleteSample> incomplete;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private LocalDirectoryBlobStore blobs;

    @BeforeEach
    void start() throws Exception {
        startWith(TestConfig.defaults(temp.resolve("blobs")));
    }

    private void startWith(TestConfig config) throws Exception {
        registry = new SimpleMeterRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(temp, "state").toString());
        driver = new TopologyTestDriver(AssemblyTopology.build(config, registry), props, START);
        acquisitions = driver.createInputTopic(Topics.ACQUISITIONS.name(), new StringSerializer(),
                new ByteArraySerializer());
        samples = driver.createOutputTopic(Topics.SAMPLES.name(), Topics.SAMPLES.keySerde().deserializer(),
                Topics.SAMPLES.valueSerde().deserializer());
        incomplete = driver.createOutputTopic(Topics.SAMPLES_INCOMPLETE.name(),
                Topics.SAMPLES_INCOMPLETE.keySerde().deserializer(),
                Topics.SAMPLES_INCOMPLETE.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.ACQUISITIONS_DLQ.name(),
                Topics.ACQUISITIONS_DLQ.keySerde().deserializer(), Topics.ACQUISITIONS_DLQ.valueSerde().deserializer());
        blobs = new LocalDirectoryBlobStore(config.blobRoot());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(Acquisition acquisition) {
        acquisitions.pipeInput(acquisition.getSampleId(), AvroSerdes.of(Acquisition.class).encode(acquisition));
    }

    private KeyValueStore<String, PartialSample> partials() {
        return driver.getKeyValueStore(AssemblyTopology.PARTIAL_SAMPLES_STORE);
    }

    private KeyValueStore<String, ClosedSample> closed() {
        return driver.getKeyValueStore(AssemblyTopology.CLOSED_SAMPLES_STORE);
    }

    private long storeSize(KeyValueStore<String, ?> store) {
        try (var all = store.all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    static Stream<List<Stain>> everyStainOrder() {
        List<List<Stain>> orders = new ArrayList<>();
        permute(new ArrayList<>(PartialSample.REQUIRED), 0, orders);
        return orders.stream();
    }

    private static void permute(List<Stain> stains, int from, List<List<Stain>> out) {
        if (from == stains.size()) {
            out.add(List.copyOf(stains));
            return;
        }
        for (int i = from; i < stains.size(); i++) {
            java.util.Collections.swap(stains, from, i);
            permute(stains, from + 1, out);
            java.util.Collections.swap(stains, from, i);
        }
    }

    @ParameterizedTest
    @MethodSource("everyStainOrder")
    void shouldEmitOneSampleWhenFourthStainArrivesInAnyOrder(List<Stain> order) {
        List<Acquisition> sent = new ArrayList<>();
        for (Stain stain : order) {
            assertThat(samples.isEmpty()).as("no sample before the fourth stain").isTrue();
            Acquisition acquisition = acquisition("s-1", stain);
            sent.add(acquisition);
            send(acquisition);
        }

        List<KeyValue<String, Sample>> out = samples.readKeyValuesToList();
        assertThat(out).hasSize(1);
        Sample sample = out.get(0).value;
        assertThat(out.get(0).key).isEqualTo("s-1");
        for (Acquisition a : sent) {
            Image emitted = switch (a.getStain()) {
                case RED_MICROTUBULES -> sample.getRed();
                case GREEN_PROTEIN -> sample.getGreen();
                case BLUE_NUCLEUS -> sample.getBlue();
                case YELLOW_ER -> sample.getYellow();
                case UNKNOWN -> throw new AssertionError();
            };
            assertThat(emitted).isEqualTo(a.getImage());
        }
        assertThat(sample.getSourceAcquisitionIds()).containsExactlyInAnyOrderElementsOf(
                sent.stream().map(Acquisition::getAcquisitionId).toList());
        assertThat(sample.getFirstAcquiredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(sample.getLastAcquiredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_003L));
        assertThat(storeSize(partials())).as("partial state cleared").isZero();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("ingest.samples.assembled")).isEqualTo(1.0);
        assertThat(counter("ingest.acquisitions.received")).isEqualTo(4.0);
    }

    @Test
    void shouldGiveTheChangelogsSegmentsThatRollHourlySoThatTheCleanerCompactsThem() {
        assertThat(AssemblyTopology.store(AssemblyTopology.PARTIAL_SAMPLES_STORE, StateSerdes.partialSample()).logConfig())
                .containsEntry("segment.ms", "3600000").containsKey("max.message.bytes");
    }

    @Test
    void shouldIgnoreAndCountAStainThatArrivesTwiceWithIdenticalContent() {
        Acquisition red = acquisition("s-dup", Stain.RED_MICROTUBULES);
        send(red);
        send(Acquisition.newBuilder(red).setAcquisitionId("retry-of-red").build());
        send(acquisition("s-dup", Stain.GREEN_PROTEIN));
        send(acquisition("s-dup", Stain.BLUE_NUCLEUS));
        send(acquisition("s-dup", Stain.YELLOW_ER));

        List<Sample> out = samples.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getSourceAcquisitionIds()).contains(red.getAcquisitionId())
                .doesNotContain("retry-of-red");
        assertThat(counter("ingest.duplicates", "kind", "identical")).isEqualTo(1.0);
        assertThat(counter("ingest.duplicates", "kind", "conflicting")).isZero();
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldLetTheLastImageWinWhenAStainArrivesAgainWithDifferentContent() {
        send(acquisition("s-conflict", Stain.RED_MICROTUBULES));
        Acquisition second = acquisition("s-conflict", Stain.RED_MICROTUBULES,
                inline(png(32, 32, 99, 40), 32, 32));
        send(second);
        send(acquisition("s-conflict", Stain.GREEN_PROTEIN));
        send(acquisition("s-conflict", Stain.BLUE_NUCLEUS));
        send(acquisition("s-conflict", Stain.YELLOW_ER));

        Sample sample = samples.readValue();
        assertThat(sample.getRed()).isEqualTo(second.getImage());
        assertThat(samples.isEmpty()).isTrue();
        assertThat(counter("ingest.duplicates", "kind", "conflicting")).isEqualTo(1.0);
    }

    @Test
    void shouldIgnoreARetriedStainOfASampleThatWasAlreadyEmitted() {
        List<Acquisition> four = PartialSample.REQUIRED.stream().map(s -> acquisition("s-retry", s)).toList();
        four.forEach(this::send);
        send(four.get(2));

        assertThat(samples.readValuesToList()).hasSize(1);
        assertThat(storeSize(partials())).as("the retry does not start a new partial sample").isZero();
        assertThat(counter("ingest.duplicates", "kind", "identical")).isEqualTo(1.0);
        assertThat(counter("ingest.acquisitions.late")).isZero();
    }

    @Test
    void shouldEmitIncompleteSampleWhenStainsAreMissingAfterTheTimeout() {
        Acquisition red = acquisition("s-slow", Stain.RED_MICROTUBULES);
        Acquisition blue = acquisition("s-slow", Stain.BLUE_NUCLEUS);
        send(red);
        send(blue);

        driver.advanceWallClockTime(Duration.ofMinutes(4));
        assertThat(incomplete.isEmpty()).as("not before the timeout").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(10));

        List<KeyValue<String, IncompleteSample>> out = incomplete.readKeyValuesToList();
        assertThat(out).hasSize(1);
        IncompleteSample sample = out.get(0).value;
        assertThat(out.get(0).key).isEqualTo("s-slow");
        assertThat(sample.getStainsPresent()).containsExactly(Stain.RED_MICROTUBULES, Stain.BLUE_NUCLEUS);
        assertThat(sample.getStainsMissing()).containsExactly(Stain.GREEN_PROTEIN, Stain.YELLOW_ER);
        assertThat(sample.getAcquisitionIds()).containsExactly(red.getAcquisitionId(), blue.getAcquisitionId());
        assertThat(sample.getImages()).containsEntry("RED_MICROTUBULES", red.getImage());
        assertThat(sample.getReason()).contains("timed out");
        assertThat(sample.getFirstSeenAt()).isEqualTo(START);
        assertThat(storeSize(partials())).isZero();
        assertThat(samples.isEmpty()).isTrue();
        assertThat(counter("ingest.samples.incomplete")).isEqualTo(1.0);
    }

    @Test
    void shouldStartANewPartialSampleAndCountALateStainAfterTheTimeout() {
        send(acquisition("s-late", Stain.RED_MICROTUBULES));
        driver.advanceWallClockTime(Duration.ofMinutes(6));
        assertThat(incomplete.readValuesToList()).hasSize(1);

        send(acquisition("s-late", Stain.GREEN_PROTEIN));

        assertThat(counter("ingest.acquisitions.late")).isEqualTo(1.0);
        PartialSample restarted = partials().get("s-late");
        assertThat(restarted.stains()).containsOnlyKeys(Stain.GREEN_PROTEIN);
        assertThat(restarted.firstSeenAt()).isEqualTo(START.plus(Duration.ofMinutes(6)).toEpochMilli());
    }

    @Test
    void shouldForgetClosedSamplesAfterTheRetention() {
        PartialSample.REQUIRED.forEach(s -> send(acquisition("s-old", s)));
        assertThat(closed().get("s-old")).isNotNull();

        driver.advanceWallClockTime(Duration.ofMinutes(61));

        assertThat(storeSize(closed())).isZero();
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAnUndecodableRecordWithItsRawBytesAndKeepRunning() {
        byte[] garbage = new byte[64];
        new Random(1).nextBytes(garbage);
        acquisitions.pipeInput("s-bad", garbage);
        PartialSample.REQUIRED.forEach(s -> send(acquisition("s-good", s)));

        DeadLetter letter = onlyDeadLetter(DeadLetterReason.UNDECODABLE_RECORD);
        assertThat(letter.getOriginalKey()).isEqualTo("s-bad");
        assertThat(bytes(letter.getPayload())).isEqualTo(garbage);
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.ACQUISITIONS.name());
        assertThat(letter.getSourceOffset()).isZero();
        assertThat(letter.getService()).isEqualTo("ingest-service");
        assertThat(samples.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldDeadLetterALargeUndecodablePayloadByBlobReference() throws Exception {
        byte[] garbage = new byte[300 * 1024];
        new Random(2).nextBytes(garbage);
        acquisitions.pipeInput("s-big-bad", garbage);

        DeadLetter letter = onlyDeadLetter(DeadLetterReason.UNDECODABLE_RECORD);
        assertThat(letter.getPayload()).isNull();
        assertThat(blobs.get(letter.getPayloadRef())).isEqualTo(garbage);
    }

    @Test
    void shouldDeadLetterAStainThisServiceDoesNotKnow() {
        send(acquisition("s-unknown", Stain.UNKNOWN));

        DeadLetter letter = onlyDeadLetter(DeadLetterReason.UNKNOWN_STAIN);
        assertThat(letter.getOriginalKey()).isEqualTo("s-unknown");
        assertThat(AvroSerdes.of(Acquisition.class).decode("dlq", bytes(letter.getPayload())).getStain())
                .isEqualTo(Stain.UNKNOWN);
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterACorruptImage() {
        byte[] corrupt = png(32, 32, 1, 40);
        for (int i = 8; i < corrupt.length - 12; i++) {
            corrupt[i] ^= (byte) 0x5A;
        }
        send(acquisition("s-corrupt", Stain.GREEN_PROTEIN, inline(corrupt, 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.UNREADABLE_IMAGE).getDetail()).isNotBlank();
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterATruncatedImage() {
        byte[] whole = png(32, 32, 2, 40);
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        send(acquisition("s-truncated", Stain.GREEN_PROTEIN, inline(truncated, 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.UNREADABLE_IMAGE).getDetail()).contains("TRUNCATED");
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAnImageWhoseHeaderClaimsAnEnormousSize() {
        byte[] bomb = Fixtures.withClaimedSize(png(32, 32, 3, 40), 100_000, 100_000);
        send(acquisition("s-bomb", Stain.BLUE_NUCLEUS, inline(bomb, 100_000, 100_000)));

        assertThat(onlyDeadLetter(DeadLetterReason.IMAGE_TOO_LARGE).getDetail()).contains("100000x100000");
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAnImageWhoseHeaderDisagreesWithTheDeclaredSize() {
        send(acquisition("s-liar", Stain.BLUE_NUCLEUS, inline(png(32, 32, 4, 40), 64, 64)));

        assertThat(onlyDeadLetter(DeadLetterReason.INVALID_FIELD).getDetail()).contains("64x64").contains("32x32");
    }

    @Test
    void shouldDeadLetterAnImageInAFormatThatIsNotPngTiffOrJpeg() {
        byte[] gif = "GIF89a\u0020\u0000\u0020\u0000 not a stain".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        send(acquisition("s-gif", Stain.RED_MICROTUBULES, inline(gif, 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.UNSUPPORTED_IMAGE).getDetail()).contains("not PNG, TIFF or JPEG");
    }

    @Test
    void shouldDeadLetterAnImageWhoseBitDepthDisagreesWithTheDeclaredOne() {
        send(acquisition("s-depth", Stain.RED_MICROTUBULES, inline(Fixtures.png16(32, 32), 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.INVALID_FIELD).getDetail()).contains("bit depth 8")
                .contains("16");
    }

    @Test
    void shouldDeadLetterAStainWhoseDimensionsDifferFromItsSampleAndStillCompleteTheSample() {
        send(acquisition("s-dims", Stain.RED_MICROTUBULES));
        send(acquisition("s-dims", Stain.GREEN_PROTEIN, inline(png(48, 48, 5, 40), 48, 48)));
        PartialSample.REQUIRED.forEach(s -> send(acquisition("s-dims", s)));

        DeadLetter letter = onlyDeadLetter(DeadLetterReason.DIMENSION_MISMATCH);
        assertThat(letter.getDetail()).contains("48x48").contains("32x32");
        assertThat(samples.readValuesToList()).hasSize(1);
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAStainForAnotherPlateThanItsSample() {
        send(acquisition("s-where", Stain.RED_MICROTUBULES));
        send(Acquisition.newBuilder(acquisition("s-where", Stain.GREEN_PROTEIN)).setPlate("P2").build());

        assertThat(onlyDeadLetter(DeadLetterReason.INVALID_FIELD).getDetail()).contains("plate P2");
        assertThat(partials().get("s-where").stains()).containsOnlyKeys(Stain.RED_MICROTUBULES);
    }

    @Test
    void shouldDeadLetterARecordWhoseKeyIsNotItsSampleId() {
        Acquisition acquisition = acquisition("s-key", Stain.RED_MICROTUBULES);
        acquisitions.pipeInput("other-key", AvroSerdes.of(Acquisition.class).encode(acquisition));

        assertThat(onlyDeadLetter(DeadLetterReason.INVALID_FIELD).getOriginalKey()).isEqualTo("other-key");
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAReferenceToABlobThatIsNotInTheStore() {
        byte[] png = png(32, 32, 6, 40);
        String sha = Sha256.hex(png);
        BlobRef missing = BlobRef.newBuilder().setUri(LocalDirectoryBlobStore.URI_PREFIX + sha).setSha256(sha)
                .setSize(png.length).build();
        send(acquisition("s-missing", Stain.YELLOW_ER, Fixtures.referenced(missing, 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.BLOB_UNAVAILABLE).getDetail()).contains(sha);
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldDeadLetterAReferenceOutsideTheBlobStore() {
        BlobRef escape = BlobRef.newBuilder().setUri("file:///etc/passwd").setSha256("0".repeat(64)).setSize(10)
                .build();
        send(acquisition("s-escape", Stain.YELLOW_ER, Fixtures.referenced(escape, 32, 32)));

        assertThat(onlyDeadLetter(DeadLetterReason.INVALID_FIELD).getDetail()).contains("refused");
    }

    @Test
    void shouldDeadLetterABlobWhoseBytesNoLongerMatchTheirChecksum() throws Exception {
        byte[] png = png(32, 32, 7, 40);
        BlobRef ref = blobs.put(png);
        Path file = blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        byte[] tampered = png.clone();
        tampered[tampered.length / 2] ^= 1;
        Files.write(file, tampered);
        send(acquisition("s-tampered", Stain.YELLOW_ER, Fixtures.referenced(ref, 32, 32)));

        onlyDeadLetter(DeadLetterReason.BLOB_CHECKSUM_MISMATCH);
    }

    @Test
    void shouldAcceptStainsThatArriveAsBlobReferences() throws Exception {
        byte[] png = png(32, 32, 8, 40);
        Image referenced = Fixtures.referenced(blobs.put(png), 32, 32);
        send(acquisition("s-ref", Stain.GREEN_PROTEIN, referenced));
        Stream.of(Stain.RED_MICROTUBULES, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER)
                .forEach(s -> send(acquisition("s-ref", s)));

        assertThat(samples.readValue().getGreen()).isEqualTo(referenced);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreAClaimCheckedStainSentAgainWithTheSameAcquisitionIdBeforeAndAfterEmission() throws Exception {
        // what an at-least-once publisher (the hot-folder gateway after a broker failure) sends again: the same
        // record, its image a blob reference, its acquisition id derived from the file
        List<Acquisition> four = new ArrayList<>();
        for (Stain stain : PartialSample.REQUIRED) {
            Image referenced = Fixtures.referenced(blobs.put(png(32, 32, stain.ordinal() + 50, 40)), 32, 32);
            four.add(Acquisition.newBuilder(acquisition("s-replay", stain, referenced))
                    .setAcquisitionId("gateway-" + stain).build());
        }
        send(four.get(0));
        send(four.get(0));
        send(four.get(1));
        send(four.get(2));
        send(four.get(3));
        send(four.get(3));
        send(four.get(1));

        List<Sample> out = samples.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getSourceAcquisitionIds()).containsExactlyInAnyOrder("gateway-RED_MICROTUBULES",
                "gateway-GREEN_PROTEIN", "gateway-BLUE_NUCLEUS", "gateway-YELLOW_ER");
        assertThat(counter("ingest.duplicates", "kind", "identical")).isEqualTo(3.0);
        assertThat(counter("ingest.acquisitions.late")).isZero();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(storeSize(partials())).isZero();
    }

    @Test
    void shouldMoveLargeInlineImagesToTheBlobStoreBeforeTheyEnterTheState() throws Exception {
        stop();
        startWith(TestConfig.defaults(temp.resolve("blobs")).withClaimCheckThreshold(2_000));
        byte[] large = png(64, 64, 9, 255);
        assertThat(large.length).isGreaterThan(2_000);
        send(acquisition("s-big", Stain.GREEN_PROTEIN, inline(large, 64, 64)));

        Image stored = partials().get("s-big").stains().get(Stain.GREEN_PROTEIN).acquisition().getImage();
        assertThat(stored.getContent()).isInstanceOf(BlobRef.class);
        assertThat(StateSerdes.encode(partials().get("s-big")).length).as("state holds a reference, not pixels")
                .isLessThan(1_000);

        Stream.of(Stain.RED_MICROTUBULES, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER)
                .forEach(s -> send(acquisition("s-big", s, inline(png(64, 64, s.ordinal(), 0), 64, 64))));
        Sample sample = samples.readValue();
        assertThat(blobs.get((BlobRef) sample.getGreen().getContent())).isEqualTo(large);
        assertThat(sample.getRed().getContent()).as("small images stay inline").isInstanceOf(ByteBuffer.class);
        assertThat(counter("ingest.claim.checks")).isEqualTo(1.0);
    }

    @Test
    void shouldCountEveryDeadLetterReason() {
        send(acquisition("s-u", Stain.UNKNOWN));
        acquisitions.pipeInput("s-x", new byte[] {1, 2, 3});

        assertThat(counter("ingest.dead.letters", "reason", "UNKNOWN_STAIN")).isEqualTo(1.0);
        assertThat(counter("ingest.dead.letters", "reason", "UNDECODABLE_RECORD")).isEqualTo(1.0);
        assertThat(counter("ingest.dead.letters", "reason", "BLOB_UNAVAILABLE")).isZero();
    }

    private DeadLetter onlyDeadLetter(DeadLetterReason reason) {
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getReason()).isEqualTo(reason);
        assertThat(counter("ingest.dead.letters", "reason", reason.name())).isEqualTo(1.0);
        return letters.get(0);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        return StainInspector.toArray(buffer);
    }
}
