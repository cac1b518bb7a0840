package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.Resize;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.Pipelines;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.schemas.Classification;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import io.tunet.schemas.Thumbnail;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field QC measured at inference, and the thumbnail made from the tensor, travel in the Classification: against a
 * real broker and real ONNX Runtime.
 */
@WithKafka
class FieldQcPipelineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final String REAL = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";

    @TempDir
    static Path models;

    private static Path modelFile;

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private String prefix;

    @BeforeAll
    static void exportModel() {
        modelFile = TestModels.export(models, 11, TestModels.SIZE, "1");
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        prefix = "qc-" + UUID.randomUUID() + "-";
    }

    @Test
    void shouldPutTheFieldQcOfTheStoredStainsInEveryClassification(TestBroker broker) throws Exception {
        byte[][] real = realField();
        byte[][] blurred = real.clone();
        blurred[Channel.BLUE.ordinal()] = blurred(real[Channel.BLUE.ordinal()]);
        Map<String, Sample> samples = new LinkedHashMap<>();
        samples.put(prefix + "real", claimChecked(prefix + "real", real));
        samples.put(prefix + "blurred", claimChecked(prefix + "blurred", blurred));
        samples.put(prefix + "black", TestSamples.uniform(prefix + "black", 0f));
        samples.put(prefix + "white", TestSamples.uniform(prefix + "white", 1f));
        String group = Broker.groupAtEndOfSamples(broker);

        try (Pipelines service = new Pipelines(Pipelines.settings(broker.bootstrapServers(), group), blobs, "tunet",
                false)) {
            service.registry.loadFile(modelFile, OptionalLong.of(1));
            service.start();
            Broker.send(broker, Topics.SAMPLES, samples);

            List<ConsumerRecord<String, Classification>> classified = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().startsWith(prefix), samples.size(), TIMEOUT, SETTLE);
            Map<String, FieldQuality> qc = classified.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> r.value().getQc()));

            assertThat(qc).hasSize(4).doesNotContainValue(null);
            FieldQuality good = qc.get(prefix + "real");
            assertThat(good.getFlags()).isEmpty();
            assertThat(good.getNuclei()).isGreaterThanOrEqualTo(8);
            assertThat(good).as("measured on the stains as stored, not on the model's " + TestModels.SIZE + "²")
                    .isEqualTo(SampleResults.fieldQuality(FieldQc.measure(decoded(real, Channel.RED),
                            decoded(real, Channel.GREEN), decoded(real, Channel.BLUE), decoded(real, Channel.YELLOW))));
            assertThat(qc.get(prefix + "blurred").getFlags()).containsExactly("OUT_OF_FOCUS");
            assertThat(qc.get(prefix + "black").getFlags())
                    .containsExactly("EMPTY", "DIM_RED", "DIM_GREEN", "DIM_BLUE", "DIM_YELLOW");
            assertThat(qc.get(prefix + "white").getFlags()).containsExactly("EMPTY", "SATURATED");
            assertThat(qc.get(prefix + "white").getBlue().getSaturatedFraction()).isEqualTo(1.0);
            assertThat(service.metrics.qcMissingCount()).isZero();
            assertThat(classified).allSatisfy(r -> assertThat(r.value().getThumbnail()).isNotNull());
            Thumbnail thumbnail = classified.stream().filter(r -> r.key().equals(prefix + "real")).findFirst()
                    .orElseThrow().value().getThumbnail();
            assertThat(thumbnail.getWidth()).as("at most the model's input").isEqualTo(TestModels.SIZE);
            byte[] png = new byte[thumbnail.getPng().remaining()];
            thumbnail.getPng().duplicate().get(png);
            assertThat(ImageIO.read(new ByteArrayInputStream(png)).getHeight()).isEqualTo(TestModels.SIZE);
            assertThat(service.metrics.thumbnailMissingCount()).isZero();
        }
    }

    @Test
    void shouldClassifyASampleWhoseThumbnailFailsWithoutThumbnail(TestBroker broker) throws Exception {
        SampleDecoder failingThumbnail = new SampleDecoder(blobs, DecodeLimits.defaults(), 1,
                (r, g, b, y) -> FieldQc.measure(r, g, b, y, QcSettings.defaults()), (tensor, size, w, h) -> {
                    throw new IllegalStateException("thumbnail broke");
                });

        Classified one = classifyOne(broker, failingThumbnail, prefix + "t");

        assertThat(one.classification().getQc()).isNotNull();
        assertThat(one.classification().getThumbnail()).isNull();
        assertThat(one.metrics().thumbnailMissingCount()).isEqualTo(1);
    }

    @Test
    void shouldClassifyASampleWhoseQcFailsWithoutQc(TestBroker broker) throws Exception {
        SampleDecoder failingQc = new SampleDecoder(blobs, DecodeLimits.defaults(), 1, (r, g, b, y) -> {
            throw new IllegalStateException("QC broke");
        });

        Classified one = classifyOne(broker, failingQc, prefix + "s");

        assertThat(one.classification().getQc()).isNull();
        assertThat(one.metrics().qcMissingCount()).isEqualTo(1);
    }

    /** A sample's classification and the metrics of the pipeline that made it. */
    private record Classified(Classification classification, InferenceMetrics metrics) {
    }

    /**
     * Classifies one sample on a pipeline of its own that decodes with {@code decoder}; checks that it has all 28
     * probabilities and that its offset was committed.
     */
    private Classified classifyOne(TestBroker broker, SampleDecoder decoder, String key) throws Exception {
        String group = Broker.groupAtEndOfSamples(broker);
        Classified one;
        try (Pipelines service = new Pipelines(Pipelines.settings(broker.bootstrapServers(), group), blobs, "tunet",
                false, decoder)) {
            service.registry.loadFile(modelFile, OptionalLong.of(1));
            service.start();
            Broker.send(broker, Topics.SAMPLES, Map.of(key, TestSamples.inline(key, 3)));

            List<ConsumerRecord<String, Classification>> classified = Broker.readUntilKeys(broker,
                    Topics.CLASSIFICATIONS, r -> r.key().equals(key), 1, TIMEOUT, SETTLE);

            assertThat(classified).hasSize(1);
            assertThat(classified.get(0).value().getProbabilities()).hasSize(28);
            one = new Classified(classified.get(0).value(), service.metrics);
        }
        assertThat(Broker.committedOnSamples(broker, group)).isEqualTo(Broker.endOfSamples(broker));
        return one;
    }

    private static byte[][] realField() throws Exception {
        Path folder = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        byte[][] stains = new byte[4][];
        for (Channel channel : Channel.values()) {
            stains[channel.ordinal()] = Files.readAllBytes(folder.resolve(REAL + "_" + channel.fileSuffix() + ".png"));
        }
        return stains;
    }

    /** The stain shrunk to a 32nd and enlarged back: at QC's 256² working size, a 64² field enlarged four times. */
    private static byte[] blurred(byte[] png) throws Exception {
        GrayImage stain = ImageCodec.decode(png, DecodeLimits.defaults());
        int w = stain.width();
        int h = stain.height();
        float[] small = Resize.area(stain.pixels(), w, h, w / 32, h / 32);
        return ImageCodec.encodePng(new GrayImage(w, h, 8, Resize.area(small, w / 32, h / 32, w, h)), 8);
    }

    private static GrayImage decoded(byte[][] stains, Channel channel) throws Exception {
        return ImageCodec.decode(stains[channel.ordinal()], DecodeLimits.defaults(), channel);
    }

    private Sample claimChecked(String id, byte[][] stains) throws Exception {
        Image[] images = new Image[4];
        for (Channel channel : Channel.values()) {
            ImageHeader header = ImageCodec.readHeader(stains[channel.ordinal()], DecodeLimits.defaults());
            images[channel.ordinal()] = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(header.width())
                    .setHeight(header.height()).setBitDepth(header.bitDepth())
                    .setContent(blobs.put(stains[channel.ordinal()])).build();
        }
        return TestSamples.sample(id, images[0], images[1], images[2], images[3]);
    }
}
