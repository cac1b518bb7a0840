package io.tunet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.blob.Sha256;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.topics.Topics;
import io.tunet.simulator.cli.SimulatorCommand;
import io.tunet.simulator.faults.Fault;
import io.tunet.simulator.faults.FaultPlan;
import io.tunet.simulator.layout.PlateLayout;
import io.tunet.simulator.publish.AcquisitionPublisher;
import io.tunet.simulator.publish.FieldImages;
import io.tunet.simulator.source.HpaDirectorySource;
import io.tunet.simulator.source.SyntheticFieldSource;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.SynthField;
import io.tunet.testkit.OmeTiffFixtures;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

@WithKafka
class PublishingTest {

    private static final Path SHARED = Path.of(System.getProperty("tunet.shared.dir", "../../shared"));
    private static final String REAL_FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path blobs;

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void whatIsPublishedIsWhatAConsumerReadsBack(TestBroker broker) throws Exception {
        String plate = "T" + System.nanoTime();
        HpaSynth synth = HpaSynth.builder().size(64).build();
        SyntheticFieldSource source = new SyntheticFieldSource(synth, 11, new PlateLayout(plate, 2));
        List<FieldImages> fields = LongStream.range(0, 3).mapToObj(source::field).toList();

        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            AcquisitionPublisher publisher = publisher(producer, 1 << 20, FaultPlan.none());
            for (FieldImages field : fields) {
                publisher.publish(field);
            }
            publisher.awaitSent(Duration.ofSeconds(30));
            assertThat(publisher.summary().acknowledgedAcquisitions()).isEqualTo(12);
        }
        Set<String> ids = fields.stream().map(FieldImages::sampleId).collect(Collectors.toSet());
        List<ConsumerRecord<String, Acquisition>> read = broker.readKeys(Topics.ACQUISITIONS, ids, 12, Duration.ofSeconds(30));

        assertThat(read).hasSize(12);
        assertThat(ids).containsExactlyInAnyOrder(plate + "-P1-A01-f1", plate + "-P1-A01-f2", plate + "-P1-A02-f1");
        for (FieldImages field : fields) {
            List<Acquisition> stains = read.stream().map(ConsumerRecord::value)
                    .filter(a -> a.getSampleId().equals(field.sampleId())).toList();
            assertThat(stains).extracting(Acquisition::getStain)
                    .containsExactlyInAnyOrder(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN, Stain.BLUE_NUCLEUS, Stain.YELLOW_ER);
            assertThat(stains).allSatisfy(a -> {
                assertThat(a.getPlate()).isEqualTo(field.plate());
                assertThat(a.getWell()).isEqualTo(field.well());
                assertThat(a.getImage().getFormat()).isEqualTo(ImageFormat.PNG);
                assertThat(a.getImage().getWidth()).isEqualTo(64);
            });
        }
        // the green stain of the first field decodes to exactly the generator's pixels
        SynthField truth = synth.generate(11, 0);
        Acquisition green = read.stream().map(ConsumerRecord::value)
                .filter(a -> a.getSampleId().equals(fields.get(0).sampleId()) && a.getStain() == Stain.GREEN_PROTEIN)
                .findFirst().orElseThrow();
        Raster raster = ImageIO.read(new ByteArrayInputStream(bytes((ByteBuffer) green.getImage().getContent()))).getRaster();
        int[] expected = truth.raster(io.tunet.synth.Stain.GREEN);
        int[] actual = raster.getPixels(0, 0, 64, 64, (int[]) null);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void anOmeTiffFieldIsPublishedAsFourSingleStainPngsAtItsBitDepth(TestBroker broker) throws Exception {
        Path dir = Files.createTempDirectory("hpa-ome");
        String id = "ome-" + System.nanoTime();
        // written by tifffile, channels in another order than the stains'
        OmeTiffFixtures.write(dir.resolve(id + ".ome.tif"), "uint16", 64, 48, List.of("blue", "yellow", "red", "green"));
        HpaDirectorySource source = HpaDirectorySource.open(dir);
        assertThat(source.ids()).containsExactly(id);

        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            AcquisitionPublisher publisher = publisher(producer, 1 << 20, FaultPlan.none());
            publisher.publish(new FieldImages(id, "OME", "A01", 1, source.read(id), new int[0]));
            publisher.awaitSent(Duration.ofSeconds(30));
        }
        List<ConsumerRecord<String, Acquisition>> read = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 4,
                Duration.ofSeconds(30));

        assertThat(read).hasSize(4);
        Map<Stain, Integer> page = Map.of(Stain.BLUE_NUCLEUS, 0, Stain.YELLOW_ER, 1, Stain.RED_MICROTUBULES, 2,
                Stain.GREEN_PROTEIN, 3);
        for (ConsumerRecord<String, Acquisition> record : read) {
            Acquisition acquisition = record.value();
            assertThat(acquisition.getImage().getFormat()).isEqualTo(ImageFormat.PNG);
            assertThat(acquisition.getImage().getBitDepth()).isEqualTo(16);
            assertThat(acquisition.getImage().getWidth()).isEqualTo(64);
            assertThat(acquisition.getImage().getHeight()).isEqualTo(48);
            Raster raster = ImageIO.read(new ByteArrayInputStream(bytes((ByteBuffer) acquisition.getImage().getContent())))
                    .getRaster();
            int channel = page.get(acquisition.getStain());
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    assertThat(raster.getSample(x, y, 0)).as("%s at (%d, %d)", acquisition.getStain(), x, y)
                            .isEqualTo(OmeTiffFixtures.value(channel, y, x, 65536));
                }
            }
        }
    }

    @Test
    void publishDirNamesOmeTiffChannelsThroughItsMappingOption(TestBroker broker) throws Exception {
        Path dir = Files.createTempDirectory("hpa-ome-cli");
        String id = "ome-cli-" + System.nanoTime();
        OmeTiffFixtures.write(dir.resolve(id + ".ome.tiff"), "uint8", 32, 32,
                List.of("Calreticulin", "DAPI", "Tubulin", "GFP"));
        String[] common = {"publish-dir", "--data", dir.toString(), "--bootstrap", broker.bootstrapServers(),
            "--blob-root", blobs.toString()};

        int withoutMapping = new CommandLine(new SimulatorCommand()).execute(common);
        int badMapping = new CommandLine(new SimulatorCommand()).execute(concat(common, "--ome-channels", "DAPI=blue"));
        int exit = new CommandLine(new SimulatorCommand()).execute(concat(common, "--ome-channels",
                "DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow"));

        assertThat(withoutMapping).as("channels that name no stain: the field is refused").isNotZero();
        assertThat(badMapping).as("a mapping that misses stains is a usage error").isEqualTo(2);
        assertThat(exit).isZero();
        List<ConsumerRecord<String, Acquisition>> read = broker.readKeys(Topics.ACQUISITIONS, Set.of(id), 5,
                Duration.ofSeconds(5));
        assertThat(read).hasSize(4);
        Map<Stain, Integer> page = Map.of(Stain.YELLOW_ER, 0, Stain.BLUE_NUCLEUS, 1, Stain.RED_MICROTUBULES, 2,
                Stain.GREEN_PROTEIN, 3);
        for (ConsumerRecord<String, Acquisition> record : read) {
            Raster raster = ImageIO.read(new ByteArrayInputStream(bytes((ByteBuffer) record.value().getImage()
                    .getContent()))).getRaster();
            assertThat(raster.getSample(5, 7, 0)).as(record.value().getStain().toString())
                    .isEqualTo(OmeTiffFixtures.value(page.get(record.value().getStain()), 7, 5, 256));
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void aRealFullSizeFieldTravelsThroughTheBlobStore(TestBroker broker) throws Exception {
        Path dir = Files.createTempDirectory("hpa-real");
        for (String stain : List.of("red", "green", "blue", "yellow")) {
            Files.createSymbolicLink(dir.resolve(REAL_FIELD + "_" + stain + ".png"),
                    SHARED.resolve("data/hpa/full-size/" + REAL_FIELD + "_" + stain + ".png").toAbsolutePath());
        }
        HpaDirectorySource source = HpaDirectorySource.open(dir);
        FieldImages field = new FieldImages(REAL_FIELD, "REAL", "A01", 1, source.read(REAL_FIELD), new int[0]);

        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            AcquisitionPublisher publisher = publisher(producer, 256 * 1024, FaultPlan.none());
            publisher.publish(field);
            publisher.awaitSent(Duration.ofSeconds(30));
            assertThat(publisher.summary().blobImages()).isEqualTo(4);
        }
        List<ConsumerRecord<String, Acquisition>> read = broker.readKeys(Topics.ACQUISITIONS, Set.of(REAL_FIELD), 4, Duration.ofSeconds(30));

        assertThat(read).hasSize(4);
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(blobs);
        for (ConsumerRecord<String, Acquisition> record : read) {
            Acquisition acquisition = record.value();
            assertThat(acquisition.getImage().getWidth()).isEqualTo(2048);
            assertThat(acquisition.getImage().getContent()).isInstanceOf(BlobRef.class);
            BlobRef ref = (BlobRef) acquisition.getImage().getContent();
            String suffix = switch (acquisition.getStain()) {
                case RED_MICROTUBULES -> "red";
                case GREEN_PROTEIN -> "green";
                case BLUE_NUCLEUS -> "blue";
                default -> "yellow";
            };
            byte[] original = Files.readAllBytes(SHARED.resolve("data/hpa/full-size/" + REAL_FIELD + "_" + suffix + ".png"));
            assertThat(ref.getSha256()).isEqualTo(Sha256.hex(original));
            assertThat(store.get(ref)).isEqualTo(original);
        }
    }

    @Test
    void injectedFaultsAreSentAsConfiguredAndCounted(TestBroker broker) throws Exception {
        String plate = "F" + System.nanoTime();
        SyntheticFieldSource source = new SyntheticFieldSource(HpaSynth.builder().size(64).build(), 3, new PlateLayout(plate, 1));
        FieldImages field = source.field(0);

        try (KafkaProducer<String, Acquisition> producer = broker.producer(Topics.ACQUISITIONS)) {
            AcquisitionPublisher duplicates = publisher(producer, 1 << 20, FaultPlan.of(Map.of(Fault.DUPLICATE, 1.0), Duration.ZERO));
            duplicates.publish(field);
            duplicates.awaitSent(Duration.ofSeconds(30));
            assertThat(duplicates.summary().faults(Fault.DUPLICATE)).isEqualTo(4);

            AcquisitionPublisher unknown = publisher(producer, 1 << 20, FaultPlan.of(Map.of(Fault.UNKNOWN_STAIN, 1.0), Duration.ZERO));
            unknown.publish(source.field(1));
            unknown.awaitSent(Duration.ofSeconds(30));

            AcquisitionPublisher dropped = publisher(producer, 1 << 20, FaultPlan.of(Map.of(Fault.DROP, 1.0), Duration.ZERO));
            dropped.publish(source.field(2));
            dropped.awaitSent(Duration.ofSeconds(30));
            assertThat(dropped.summary().acquisitions()).isZero();
            assertThat(dropped.summary().faults(Fault.DROP)).isEqualTo(4);
        }
        Set<String> ids = Set.of(field.sampleId(), source.field(1).sampleId(), source.field(2).sampleId());
        List<Acquisition> read = broker.readKeys(Topics.ACQUISITIONS, ids, 12, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();

        assertThat(read).filteredOn(a -> a.getSampleId().equals(field.sampleId())).hasSize(8);
        assertThat(read).filteredOn(a -> a.getSampleId().equals(source.field(1).sampleId()))
                .hasSize(4).allSatisfy(a -> assertThat(a.getStain()).isEqualTo(Stain.UNKNOWN));
        assertThat(read).noneMatch(a -> a.getSampleId().equals(source.field(2).sampleId()));
    }

    @Test
    void faultPlanDrawsAtTheConfiguredRates() {
        FaultPlan plan = FaultPlan.of(Map.of(Fault.DROP, 0.1, Fault.CORRUPT, 0.2), Duration.ZERO);
        SplittableRandom random = new SplittableRandom(5);
        Map<Fault, Long> counts = new java.util.EnumMap<>(Fault.class);
        int draws = 100_000;
        for (int i = 0; i < draws; i++) {
            plan.draw(random).ifPresent(f -> counts.merge(f, 1L, Long::sum));
        }
        assertThat(counts.keySet()).isEqualTo(EnumSet.of(Fault.DROP, Fault.CORRUPT));
        assertThat(counts.get(Fault.DROP) / (double) draws).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get(Fault.CORRUPT) / (double) draws).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.01));
    }

    private AcquisitionPublisher publisher(KafkaProducer<String, Acquisition> producer, int inlineLimit, FaultPlan plan)
            throws Exception {
        return new AcquisitionPublisher(producer, new LocalDirectoryBlobStore(blobs), inlineLimit, plan, Duration.ofMillis(20),
                new SplittableRandom(1), scheduler, Clock.systemUTC(), "test-scope");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
