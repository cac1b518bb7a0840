package io.tunet.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tunet.imaging.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HPA website images (v18 and later): each stain an RGB image tinted in the stain's colour, served as JPEG. Made
 * here from a real field's grey stains (a 512² crop of the shared 2048² field) the way the HPA tints them, then
 * decoded as the stain they were sent as.
 */
class HpaColourImageTest {

    private static final String FIELD = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final int SIDE = 512;
    private static final DecodeLimits LIMITS = DecodeLimits.defaults();
    private static final GrayImage[] GREY = new GrayImage[4];

    @BeforeAll
    static void readRealField() throws Exception {
        for (Channel channel : Channel.values()) {
            byte[] png = Files.readAllBytes(TestImages.fullSizeDir().resolve(FIELD + "_" + channel.fileSuffix() + ".png"));
            GREY[channel.ordinal()] = crop(ImageCodec.decode(png, LIMITS), SIDE);
        }
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void shouldReadATintedPngFromItsStainsChannelExactly(Channel stain) throws Exception {
        GrayImage grey = GREY[stain.ordinal()];

        GrayImage decoded = ImageCodec.decode(TestImages.write(tinted(grey, stain), "png"), LIMITS, stain);

        assertThat(decoded.bitDepth()).isEqualTo(8);
        assertThat(decoded.pixels()).containsExactly(grey.pixels());
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void shouldReadATintedJpegLikeTheHpaServesWithinJpegNoise(Channel stain) throws Exception {
        GrayImage grey = GREY[stain.ordinal()];

        GrayImage decoded = ImageCodec.decode(TestImages.write(tinted(grey, stain), "jpg"), LIMITS, stain);

        double error = 0;
        for (int i = 0; i < grey.pixels().length; i++) {
            error += Math.abs(decoded.pixels()[i] - grey.pixels()[i]) * 255;
        }
        assertThat(error / grey.pixels().length).as("mean error in 8-bit levels").isLessThan(3.0);
        assertThat(decoded.mean()).isCloseTo(grey.mean(), org.assertj.core.data.Offset.offset(3 / 255.0));
    }

    @ParameterizedTest
    @EnumSource(value = Channel.class, names = {"RED", "BLUE", "YELLOW"})
    void shouldRefuseAnImageTintedInAnotherStainsColourNamingTheTint(Channel actual) {
        byte[] jpeg = TestImages.write(tinted(GREY[actual.ordinal()], actual), "jpg");

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decode(jpeg, LIMITS, Channel.GREEN));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_STAIN_COLOUR);
        assertThat(e.getMessage()).contains("sent as the green stain", "tinted " + actual.fileSuffix());
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void shouldRefuseACompositeOfSeveralStainsWhateverStainItIsSentAs(Channel stain) {
        BufferedImage composite = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        float[] red = GREY[Channel.RED.ordinal()].pixels();
        float[] green = GREY[Channel.GREEN.ordinal()].pixels();
        float[] blue = GREY[Channel.BLUE.ordinal()].pixels();
        for (int i = 0; i < red.length; i++) {
            composite.setRGB(i % SIDE, i / SIDE, level(red[i]) << 16 | level(green[i]) << 8 | level(blue[i]));
        }

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decode(TestImages.write(composite, "png"), LIMITS, stain));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_STAIN_COLOUR);
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void shouldStillRefuseATintedImageWhenTheStainIsNotNamed(Channel stain) {
        byte[] png = TestImages.write(tinted(GREY[stain.ordinal()], stain), "png");

        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageCodec.decode(png, LIMITS));

        assertThat(e.reason()).isEqualTo(Reason.NOT_GRAYSCALE);
    }

    /** The HPA's tint: red, green, blue in their own channel; yellow in red and green. */
    private static BufferedImage tinted(GrayImage grey, Channel stain) {
        int shift = switch (stain) {
            case RED, YELLOW -> 16;
            case GREEN -> 8;
            case BLUE -> 0;
        };
        BufferedImage rgb = new BufferedImage(grey.width(), grey.height(), BufferedImage.TYPE_INT_RGB);
        float[] pixels = grey.pixels();
        for (int i = 0; i < pixels.length; i++) {
            int v = level(pixels[i]);
            int colour = v << shift | (stain == Channel.YELLOW ? v << 8 : 0);
            rgb.setRGB(i % grey.width(), i / grey.width(), colour);
        }
        return rgb;
    }

    private static int level(float value) {
        return Math.round(value * 255);
    }

    private static GrayImage crop(GrayImage image, int side) {
        float[] out = new float[side * side];
        int x0 = (image.width() - side) / 2;
        int y0 = (image.height() - side) / 2;
        for (int y = 0; y < side; y++) {
            System.arraycopy(image.pixels(), (y0 + y) * image.width() + x0, out, y * side, side);
        }
        return new GrayImage(side, side, image.bitDepth(), out);
    }
}
