package io.tunet.results.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;

class ThumbnailsTest {

    @TempDir
    Path blobs;

    @Test
    void shouldComposeTheStainsIntoTheirDisplayColoursAtTheThumbnailSize() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(blobs);
        // blue nucleus on the left half, green protein (16-bit, through the blob store) on the right half
        Image blue = inline(gray(400, 200, 8, (x, y) -> x < 200 ? 200 : 0));
        Image green = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(400).setHeight(200).setBitDepth(16)
                .setContent(store.put(gray(400, 200, 16, (x, y) -> x >= 200 ? 40_000 : 0))).build();
        Image dark = inline(gray(400, 200, 8, (x, y) -> 0));

        byte[] png = new Thumbnails(store, 100).composite(sample(dark, green, blue, dark));

        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(thumbnail.getWidth()).isEqualTo(100);
        assertThat(thumbnail.getHeight()).isEqualTo(50);
        assertThat(thumbnail.getRGB(20, 25) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(thumbnail.getRGB(80, 25) & 0xFFFFFF).isEqualTo(0x00FF00);
    }

    @Test
    void shouldNameTheStainThatCannotBeDecoded() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(blobs);
        Image good = inline(gray(32, 32, 8, (x, y) -> 10));
        Image broken = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(32).setHeight(32).setBitDepth(8)
                .setContent(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3})).build();

        assertThatThrownBy(() -> new Thumbnails(store, 64).composite(sample(good, good, good, broken)))
                .isInstanceOf(ThumbnailException.class)
                .hasMessageContaining("yellow");
    }

    @Test
    void shouldShrinkARealFullSizeFieldWithoutDecodingItWhole() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(blobs);
        Path field = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        Image[] stains = new Image[4];
        String[] suffixes = {"red", "green", "blue", "yellow"};
        for (int c = 0; c < 4; c++) {
            stains[c] = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(2048).setHeight(2048).setBitDepth(8)
                    .setContent(store.put(Files.readAllBytes(
                            field.resolve("5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0_" + suffixes[c] + ".png"))))
                    .build();
        }

        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(
                new Thumbnails(store, 256).composite(sample(stains[0], stains[1], stains[2], stains[3]))));

        assertThat(thumbnail.getWidth()).isEqualTo(256);
        assertThat(thumbnail.getHeight()).isEqualTo(256);
        int nucleusLit = 0;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                nucleusLit += (thumbnail.getRGB(x, y) & 0xFF) == 255 ? 1 : 0;
            }
        }
        // stretched to its 99.5th percentile: about 0.5% of the nucleus stain is at full brightness
        assertThat(nucleusLit).isBetween(200, 800);
    }

    private interface Pixel {
        int value(int x, int y);
    }

    private static byte[] gray(int width, int height, int bits, Pixel pixel) throws Exception {
        BufferedImage image = new BufferedImage(width, height,
                bits == 16 ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, pixel.value(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static Image inline(byte[] png) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(0).setHeight(0).setBitDepth(8)
                .setContent(ByteBuffer.wrap(png)).build();
    }

    private static Sample sample(Image red, Image green, Image blue, Image yellow) {
        return Sample.newBuilder().setSampleId("s").setPlate("p").setWell("A01").setField(1)
                .setRed(red).setGreen(green).setBlue(blue).setYellow(yellow).setInstrumentId("i")
                .setFirstAcquiredAt(Instant.EPOCH).setLastAcquiredAt(Instant.EPOCH).setAssembledAt(Instant.EPOCH)
                .setSourceAcquisitionIds(List.of()).build();
    }
}
