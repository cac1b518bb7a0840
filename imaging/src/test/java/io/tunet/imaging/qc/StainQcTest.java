package io.tunet.imaging.qc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageFormat;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Field QC gathered while the stains are decoded straight to the model's size, as inference does it. */
class StainQcTest {

    private static final int MODEL_SIZE = 128;

    @Test
    void shouldMeasureARealFieldWhileDecodingItAsTheDecodedFieldMeasures() throws Exception {
        String id = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
        byte[][] pngs = new byte[4][];
        GrayImage[] decoded = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            pngs[channel.ordinal()] = Files.readAllBytes(
                    TestImages.fullSizeDir().resolve(id + "_" + channel.fileSuffix() + ".png"));
            decoded[channel.ordinal()] = ImageCodec.decode(pngs[channel.ordinal()], DecodeLimits.defaults(), channel);
        }

        QcReport streamed = streamed(c -> pngs[c.ordinal()]);

        assertThat(streamed).isEqualTo(QcFields.measure(decoded));
        assertThat(streamed.flags()).isEmpty();
    }

    @Test
    void shouldFlagABlurredFieldWhileDecodingIt16BitPngs() {
        GrayImage[] blurred = QcFields.map(QcFields.field(512, 16, 7), s -> QcFields.blurred(s, 6));

        QcReport streamed = streamed(c -> ImageCodec.encodePng(blurred[c.ordinal()], 16));

        assertThat(streamed.flags()).containsExactly(QcFlag.OUT_OF_FOCUS);
        assertThat(streamed.focus()).isEqualTo(QcFields.measure(decodedPngs(blurred, 16)).focus());
    }

    @Test
    void shouldMeasureAnImageDecodedWholeAsTheDecodedOne() {
        // TIFF is not read row by row: decodeResized decodes it whole and hands the listener its rows
        GrayImage[] field = QcFields.field(300, 9, 3);
        byte[][] tiffs = new byte[4][];
        GrayImage[] decoded = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            tiffs[channel.ordinal()] = TestImages.write(bufferedGray(field[channel.ordinal()]), "tiff");
            decoded[channel.ordinal()] = decode(tiffs[channel.ordinal()], channel);
        }

        QcReport streamed = streamed(c -> tiffs[c.ordinal()]);

        assertThat(streamed).isEqualTo(QcFields.measure(decoded));
    }

    @Test
    void shouldForgetWhatItSawWhenDecodingStartsOver() {
        GrayImage blue = QcFields.field(64, 4, 1)[Channel.BLUE.ordinal()];
        StainQc restarted = new StainQc(Channel.BLUE);
        restarted.begin(new ImageHeader(ImageFormat.PNG, 64, 64, 8));
        for (int y = 0; y < 10; y++) {
            restarted.row(new float[64]);
        }
        feed(restarted, blue);
        StainQc once = new StainQc(Channel.BLUE);
        feed(once, blue);

        assertThat(restarted.stats()).isEqualTo(once.stats());
        assertThat(restarted.working()).containsExactly(once.working());
    }

    @Test
    void shouldRefuseAStainNotSeenWholeOrInAnotherPlace() {
        GrayImage[] field = QcFields.field(64, 4, 1);
        StainQc[] stains = new StainQc[4];
        for (Channel channel : Channel.values()) {
            stains[channel.ordinal()] = new StainQc(channel);
            feed(stains[channel.ordinal()], field[channel.ordinal()]);
        }
        StainQc half = new StainQc(Channel.GREEN);
        half.begin(new ImageHeader(ImageFormat.PNG, 64, 64, 8));
        half.row(new float[64]);

        assertThatThrownBy(() -> FieldQc.measure(stains[0], half, stains[2], stains[3], QcSettings.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("green stain was not seen whole");
        assertThatThrownBy(() -> FieldQc.measure(stains[1], stains[0], stains[2], stains[3], QcSettings.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("red stain's place");
        assertThatThrownBy(() -> stains[0].row(new float[64])).isInstanceOf(IllegalStateException.class);
    }

    private static QcReport streamed(Function<Channel, byte[]> bytes) {
        StainQc[] stains = new StainQc[4];
        float[] tensor = new float[4 * MODEL_SIZE * MODEL_SIZE];
        for (Channel channel : Channel.values()) {
            stains[channel.ordinal()] = new StainQc(channel);
            try {
                ImageCodec.decodeResized(bytes.apply(channel), DecodeLimits.defaults(), channel, MODEL_SIZE,
                        MODEL_SIZE, tensor, channel.ordinal() * MODEL_SIZE * MODEL_SIZE, stains[channel.ordinal()]);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return FieldQc.measure(stains[0], stains[1], stains[2], stains[3], QcSettings.defaults());
    }

    private static GrayImage[] decodedPngs(GrayImage[] field, int bitDepth) {
        GrayImage[] out = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            out[channel.ordinal()] = decode(ImageCodec.encodePng(field[channel.ordinal()], bitDepth), channel);
        }
        return out;
    }

    private static GrayImage decode(byte[] bytes, Channel channel) {
        try {
            return ImageCodec.decode(bytes, DecodeLimits.defaults(), channel);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void feed(StainQc qc, GrayImage image) {
        qc.begin(new ImageHeader(ImageFormat.PNG, image.width(), image.height(), image.bitDepth()));
        float[] row = new float[image.width()];
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(image.pixels(), y * image.width(), row, 0, image.width());
            qc.row(row);
        }
    }

    private static BufferedImage bufferedGray(GrayImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) Math.round(Math.max(0f, Math.min(1f, image.pixels()[i])) * 255f);
        }
        return out;
    }
}
