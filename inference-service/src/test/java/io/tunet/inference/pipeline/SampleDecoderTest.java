package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.Preprocessing;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleDecoderTest {

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private SampleDecoder decoder;

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        decoder = new SampleDecoder(blobs, DecodeLimits.defaults());
    }

    @Test
    void shouldPreprocessInlineAndClaimCheckedStainsWithTunetCore() throws Exception {
        byte[][] stains = TestSamples.stains(5);
        DecodeLimits limits = DecodeLimits.defaults();
        float[] expected = Preprocessing.toTensor(ImageCodec.decode(stains[0], limits),
                ImageCodec.decode(stains[1], limits), ImageCodec.decode(stains[2], limits),
                ImageCodec.decode(stains[3], limits), 32);

        Sample inline = roundTrip(TestSamples.inline("s-inline", 5));
        Sample claimChecked = roundTrip(TestSamples.claimChecked("s-blob", 5, blobs));

        assertThat(decoder.tensor(inline, 32)).containsExactly(expected);
        assertThat(decoder.tensor(claimChecked, 32)).containsExactly(expected);
    }

    @Test
    void shouldFlagWithTheThresholdsItIsGiven() throws Exception {
        Sample sample = TestSamples.inline("s-thresholds", 5);
        QcSettings d = QcSettings.defaults();
        QcSettings strictFocus = new QcSettings(d.minNucleusArea(), d.minNucleusContrast(), d.minNuclei(),
                d.minForegroundFraction(), 1_000, d.maxSaturatedFraction(), d.minP999());

        try (SampleDecoder strict = new SampleDecoder(blobs, DecodeLimits.defaults(), 1, strictFocus,
                SampleDecoder.DEFAULT_THUMBNAIL_SIZE)) {
            assertThat(strict.decode(sample, 32).qc().flags()).contains(QcFlag.OUT_OF_FOCUS);
        }
        assertThat(decoder.decode(sample, 32).qc().flags()).doesNotContain(QcFlag.OUT_OF_FOCUS);
    }

    @Test
    void shouldMeasureFieldQcOfTheStoredStainsBesideTheTensor() throws Exception {
        byte[][] stains = TestSamples.stains(5);
        DecodeLimits limits = DecodeLimits.defaults();
        Sample sample = TestSamples.inline("s-qc", 5);

        SampleDecoder.Decoded decoded = decoder.decode(sample, 32);

        assertThat(decoded.tensor()).containsExactly(decoder.tensor(sample, 32));
        assertThat(decoded.qc()).isEqualTo(FieldQc.measure(ImageCodec.decode(stains[0], limits, Channel.RED),
                ImageCodec.decode(stains[1], limits, Channel.GREEN), ImageCodec.decode(stains[2], limits, Channel.BLUE),
                ImageCodec.decode(stains[3], limits, Channel.YELLOW)));
        assertThat(decoded.qcFailure()).isNull();
    }

    @Test
    void shouldDecodeASampleWhoseQcFailsWithoutQcAndSayWhy() throws Exception {
        Sample sample = TestSamples.inline("s-qc-fails", 5);
        try (SampleDecoder failing = new SampleDecoder(blobs, DecodeLimits.defaults(), 4, (r, g, b, y) -> {
            throw new IllegalStateException("QC broke");
        })) {
            SampleDecoder.Decoded decoded = failing.decode(sample, 32);

            assertThat(decoded.tensor()).containsExactly(decoder.tensor(sample, 32));
            assertThat(decoded.qc()).isNull();
            assertThat(decoded.qcFailure()).contains("QC broke");
        }
    }

    @Test
    void shouldRejectUndecodableRecordsAndTombstones() {
        byte[] garbage = "not avro at all".getBytes();
        assertThatThrownBy(() -> decoder.parse("samples", garbage))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE_RECORD))
                .hasMessageContaining("samples");
        assertThatThrownBy(() -> decoder.parse("samples", null))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE_RECORD));
    }

    @Test
    void shouldRejectAMissingBlob() throws Exception {
        Sample sample = TestSamples.claimChecked("s-missing", 1, blobs);
        blobs.delete((BlobRef) sample.getGreen().getContent());
        assertThatThrownBy(() -> decoder.tensor(sample, 32))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.BLOB_UNAVAILABLE))
                .hasMessageContaining("green");
    }

    @Test
    void shouldRejectABlobWhoseBytesChanged() throws Exception {
        Sample sample = TestSamples.claimChecked("s-tampered", 2, blobs);
        BlobRef ref = (BlobRef) sample.getBlue().getContent();
        Path stored = blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(stored, bytes);
        assertThatThrownBy(() -> decoder.tensor(sample, 32))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.BLOB_CHECKSUM_MISMATCH))
                .hasMessageContaining("blue");
    }

    @Test
    void shouldRejectCorruptAndMismatchedImages() throws Exception {
        byte[][] stains = TestSamples.stains(3);
        byte[] truncated = Arrays.copyOf(stains[3], stains[3].length / 2);
        Sample corrupt = TestSamples.sample("s-corrupt", TestSamples.inlineImage(stains[0]),
                TestSamples.inlineImage(stains[1]), TestSamples.inlineImage(stains[2]),
                TestSamples.inlineImage(truncated));
        assertThatThrownBy(() -> decoder.tensor(corrupt, 32))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNREADABLE_IMAGE))
                .hasMessageContaining("yellow");

        Image wrongSize = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(99).setHeight(99).setBitDepth(8)
                .setContent(ByteBuffer.wrap(stains[0])).build();
        Sample lying = TestSamples.sample("s-lying", wrongSize, TestSamples.inlineImage(stains[1]),
                TestSamples.inlineImage(stains[2]), TestSamples.inlineImage(stains[3]));
        assertThatThrownBy(() -> decoder.tensor(lying, 32))
                .isInstanceOfSatisfying(SampleRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.INVALID_FIELD))
                .hasMessageContaining("red");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldGiveARealFullSizeFieldTheTensorOfDecodeThenToTensorWithStainsInParallel(String id) throws Exception {
        Path fields = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        Image[] images = new Image[4];
        GrayImage[] decoded = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            byte[] png = Files.readAllBytes(fields.resolve(id + "_" + channel.fileSuffix() + ".png"));
            decoded[channel.ordinal()] = ImageCodec.decode(png, DecodeLimits.defaults(), channel);
            images[channel.ordinal()] = Image.newBuilder().setFormat(ImageFormat.PNG)
                    .setWidth(decoded[channel.ordinal()].width()).setHeight(decoded[channel.ordinal()].height())
                    .setBitDepth(8).setContent(blobs.put(png)).build();
        }
        float[] before = Preprocessing.toTensor(decoded[0], decoded[1], decoded[2], decoded[3], 128);
        Sample sample = roundTrip(TestSamples.sample(id, images[0], images[1], images[2], images[3]));

        try (SampleDecoder parallel = new SampleDecoder(blobs, DecodeLimits.defaults(), 4)) {
            float[] tensor = parallel.tensor(sample, 128);
            for (int i = 0; i < before.length; i++) {
                assertThat(tensor[i]).as("tensor[%d]", i).isCloseTo(before[i], offset(1e-6f));
            }
            assertThat(decoder.tensor(sample, 128)).containsExactly(tensor);
        }
    }

    @Test
    void shouldReportTheFirstBadStainInChannelOrderWhenDecodingInParallel() throws Exception {
        byte[][] stains = TestSamples.stains(4);
        Image truncated = TestSamples.inlineImage(Arrays.copyOf(stains[1], stains[1].length / 2));
        Image lying = Image.newBuilder(TestSamples.inlineImage(stains[3])).setWidth(47).build();
        Sample twoBad = TestSamples.sample("s-two-bad", TestSamples.inlineImage(stains[0]), truncated,
                TestSamples.inlineImage(stains[2]), lying);
        byte[] small = ImageCodec.encodePng(new GrayImage(20, 24, 8, new float[20 * 24]), 8);
        Image smallBlue = Image.newBuilder(TestSamples.inlineImage(small)).setWidth(20).setHeight(24).build();
        Sample mismatched = TestSamples.sample("s-mismatched", TestSamples.inlineImage(stains[0]),
                TestSamples.inlineImage(stains[1]), smallBlue, TestSamples.inlineImage(stains[3]));

        try (SampleDecoder parallel = new SampleDecoder(blobs, DecodeLimits.defaults(), 4)) {
            for (SampleDecoder each : new SampleDecoder[] {decoder, parallel}) {
                assertThatThrownBy(() -> each.tensor(twoBad, 32))
                        .isInstanceOfSatisfying(SampleRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNREADABLE_IMAGE))
                        .hasMessageContaining("green stain");
                assertThatThrownBy(() -> each.tensor(mismatched, 32))
                        .isInstanceOfSatisfying(SampleRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.DIMENSION_MISMATCH))
                        .hasMessage("sample s-mismatched: the blue stain is 20x24 but the red stain is 48x48");
            }
        }
    }

    private Sample roundTrip(Sample sample) throws SampleRejectedException {
        return decoder.parse("samples", Topics.SAMPLES.valueSerde().serializer().serialize("samples", sample));
    }
}
