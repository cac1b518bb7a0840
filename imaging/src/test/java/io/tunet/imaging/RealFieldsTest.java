package io.tunet.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decodes the real full-size HPA fields in the shared data folder. */
class RealFieldsTest {

    @ParameterizedTest
    @CsvSource({"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0, 2048", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0, 3072"})
    void shouldDecodeRealFieldLikeImageIoAndKeepItsMeanInTheTensor(String id, int side) throws Exception {
        GrayImage[] stains = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            byte[] bytes = Files.readAllBytes(TestImages.fullSizeDir().resolve(id + "_" + channel.fileSuffix() + ".png"));
            assertEquals(new ImageHeader(ImageFormat.PNG, side, side, 8),
                    ImageCodec.readHeader(bytes, DecodeLimits.defaults()));
            stains[channel.ordinal()] = ImageCodec.decode(bytes, DecodeLimits.defaults());
        }
        GrayImage green = stains[Channel.GREEN.ordinal()];
        assertEquals(side, green.width());
        assertEquals(side, green.height());
        assertEquals(imageIoMean(TestImages.fullSizeDir().resolve(id + "_green.png")), green.mean(), 1e-6);

        int size = 128; // divides both sides, so area averaging must keep each stain's mean
        float[] tensor = Preprocessing.toTensor(stains[0], stains[1], stains[2], stains[3], size);

        for (Channel channel : Channel.values()) {
            double mean = 0;
            for (int i = 0; i < size * size; i++) {
                float v = tensor[channel.ordinal() * size * size + i];
                assertTrue(v >= 0f && v <= 1f, "tensor value " + v);
                mean += v;
            }
            assertEquals(stains[channel.ordinal()].mean(), mean / (size * size), 1e-5, channel.name());
        }
    }

    private static double imageIoMean(Path file) throws Exception {
        BufferedImage image = ImageIO.read(file.toFile());
        Raster raster = image.getRaster();
        double sum = 0;
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getSamples(0, y, image.getWidth(), 1, 0, row);
            for (int v : row) {
                sum += v;
            }
        }
        return sum / ((double) image.getWidth() * image.getHeight()) / 255.0;
    }
}
