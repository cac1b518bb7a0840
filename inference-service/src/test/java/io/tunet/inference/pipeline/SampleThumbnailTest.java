package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.StainComposite;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The thumbnail inference makes from its input tensor is the one the results sink made by decoding the stains
 * again straight to the thumbnail's size (each stain area-averaged to it, then {@link StainComposite#compose}),
 * within one level per channel, whenever the model's input is a multiple of the thumbnail's sides; otherwise it
 * differs at sharp edges.
 */
class SampleThumbnailTest {

    private static final String REAL = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
    private static final DecodeLimits LIMITS = DecodeLimits.defaults();

    @TempDir
    static Path dir;

    private static LocalDirectoryBlobStore blobs;
    private static byte[][] real;
    private static byte[][] synthetic;

    @BeforeAll
    static void readFields() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        Path folder = Path.of(System.getProperty("tunet.shared.dir", "../../shared"), "data/hpa/full-size");
        real = new byte[4][];
        for (Channel channel : Channel.values()) {
            real[channel.ordinal()] = Files.readAllBytes(folder.resolve(REAL + "_" + channel.fileSuffix() + ".png"));
        }
        synthetic = syntheticField(800, 400);
    }

    @ParameterizedTest(name = "2048² HPA field, model input {0}², thumbnail at most {1}: {2}² within one level")
    @CsvSource({"192, 192, 192", "256, 128, 128", "384, 192, 192", "128, 192, 128"})
    void shouldMakeFromTheTensorTheThumbnailTheSinkDecodedFromARealField(int modelSize, int thumbnailSize, int side)
            throws Exception {
        Difference difference = compare(real, 2048, 2048, modelSize, thumbnailSize);

        assertThat(difference.width()).isEqualTo(side);
        assertThat(difference.height()).isEqualTo(side);
        assertThat(difference.worst()).as("largest difference of a channel, in levels").isLessThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "800x400 synthetic field, model input {0}², thumbnail at most {1}: within one level")
    @CsvSource({"400, 200", "400, 100", "200, 200"})
    void shouldMakeFromTheTensorTheThumbnailTheSinkDecodedFromASyntheticField(int modelSize, int thumbnailSize)
            throws Exception {
        Difference difference = compare(synthetic, 800, 400, modelSize, thumbnailSize);

        assertThat(difference.width()).isEqualTo(thumbnailSize);
        assertThat(difference.height()).isEqualTo(thumbnailSize / 2);
        assertThat(difference.worst()).as("largest difference of a channel, in levels").isLessThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: model input {2}², thumbnail {3}, which it is no multiple of")
    @CsvSource({"HPA 2048², 2048, 256, 192", "HPA 2048², 2048, 512, 192", "synthetic 800x400, 800, 256, 192"})
    void shouldDifferOnlyAtEdgesWhenTheModelInputIsNoMultipleOfTheThumbnail(String field, int width, int modelSize,
            int thumbnailSize) throws Exception {
        Difference difference = compare(width == 2048 ? real : synthetic, width, width == 2048 ? 2048 : 400,
                modelSize, thumbnailSize);

        // tensor pixels straddling a thumbnail pixel's edge are shared by both: sharp edges differ, the rest does not
        assertThat(difference.meanAbsolute()).as("mean difference of a channel, in levels").isLessThan(1.0);
        assertThat(difference.withinOne()).as("share of channel values within one level").isGreaterThan(0.85);
    }

    @Test
    void shouldDecodeASampleWhoseThumbnailFailsWithoutThumbnailAndSayWhy() throws Exception {
        Sample sample = TestSamples.inline("s-thumbnail-fails", 5);
        try (SampleDecoder plain = new SampleDecoder(blobs, LIMITS);
                SampleDecoder failing = new SampleDecoder(blobs, LIMITS, 1,
                        (r, g, b, y) -> FieldQc.measure(r, g, b, y, QcSettings.defaults()), (tensor, size, w, h) -> {
                            throw new IllegalStateException("thumbnail broke");
                        })) {
            SampleDecoder.Decoded decoded = failing.decode(sample, 32);

            assertThat(decoded.tensor()).containsExactly(plain.tensor(sample, 32));
            assertThat(decoded.qc()).isEqualTo(plain.decode(sample, 32).qc());
            assertThat(decoded.thumbnail()).isNull();
            assertThat(decoded.thumbnailFailure()).contains("thumbnail broke");
        }
    }

    /** How a thumbnail made from the tensor differs from one decoded from the stains, channel by channel. */
    record Difference(int width, int height, int worst, double meanAbsolute, double withinOne) {
    }

    private static Difference compare(byte[][] stains, int width, int height, int modelSize, int thumbnailSize)
            throws Exception {
        Sample sample = sample(stains, width, height);
        StainComposite.Png made;
        try (SampleDecoder decoder = new SampleDecoder(blobs, LIMITS, 1, thumbnailSize)) {
            made = decoder.decode(sample, modelSize).thumbnail();
        }

        StainComposite.Png decodedAgain = decodedFromTheStains(stains, Math.max(made.width(), made.height()));

        assertThat(made.width()).isEqualTo(decodedAgain.width());
        assertThat(made.height()).isEqualTo(decodedAgain.height());
        BufferedImage fromTensor = ImageIO.read(new ByteArrayInputStream(made.png()));
        BufferedImage fromStains = ImageIO.read(new ByteArrayInputStream(decodedAgain.png()));
        assertThat(fromTensor.getWidth()).isEqualTo(made.width());
        assertThat(fromTensor.getHeight()).isEqualTo(made.height());
        int worst = 0;
        long sum = 0;
        long withinOne = 0;
        for (int y = 0; y < made.height(); y++) {
            for (int x = 0; x < made.width(); x++) {
                int a = fromTensor.getRGB(x, y);
                int b = fromStains.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
                    worst = Math.max(worst, d);
                    sum += d;
                    withinOne += d <= 1 ? 1 : 0;
                }
            }
        }
        double values = 3.0 * made.width() * made.height();
        Difference difference = new Difference(made.width(), made.height(), worst, sum / values, withinOne / values);
        System.out.println("thumbnail of a " + width + "x" + height + " field from a " + modelSize + "² tensor: "
                + difference);
        return difference;
    }

    /** What the results sink did before inference sent thumbnails: each stain decoded again to the thumbnail's size. */
    private static StainComposite.Png decodedFromTheStains(byte[][] stains, int size) throws Exception {
        ImageHeader header = ImageCodec.readHeader(stains[Channel.GREEN.ordinal()], LIMITS);
        StainComposite.Dimensions out = StainComposite.dimensions(header.width(), header.height(), size);
        float[][] planes = new float[4][];
        for (Channel channel : Channel.values()) {
            planes[channel.ordinal()] = new float[out.width() * out.height()];
            ImageCodec.decodeResized(stains[channel.ordinal()], LIMITS, channel, out.width(), out.height(),
                    planes[channel.ordinal()], 0);
        }
        return StainComposite.compose(planes[0], planes[1], planes[2], planes[3], out.width(), out.height());
    }

    private static Sample sample(byte[][] stains, int width, int height) throws Exception {
        Image[] images = new Image[4];
        for (int c = 0; c < 4; c++) {
            images[c] = Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(width).setHeight(height)
                    .setBitDepth(16).setContent(c % 2 == 0 ? blobs.put(stains[c]) : ByteBuffer.wrap(stains[c]))
                    .build();
        }
        return TestSamples.sample("s-thumbnail", images[0], images[1], images[2], images[3]);
    }

    /** Four 16-bit stains of soft bright discs on a dim, noisy background, each stain a different brightness. */
    private static byte[][] syntheticField(int width, int height) {
        Random random = new Random(20);
        byte[][] stains = new byte[4][];
        for (int s = 0; s < 4; s++) {
            float[] pixels = new float[width * height];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = 0.02f * random.nextFloat();
            }
            for (int d = 0; d < 30; d++) {
                int cx = random.nextInt(width);
                int cy = random.nextInt(height);
                int r = 8 + random.nextInt(30);
                float peak = (0.1f + 0.2f * s) * (0.5f + random.nextFloat());
                for (int y = Math.max(0, cy - r); y < Math.min(height, cy + r); y++) {
                    for (int x = Math.max(0, cx - r); x < Math.min(width, cx + r); x++) {
                        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (double) (r * r);
                        if (d2 <= 1) {
                            pixels[y * width + x] = Math.min(1f, pixels[y * width + x] + peak * (float) (1 - d2));
                        }
                    }
                }
            }
            stains[s] = ImageCodec.encodePng(new GrayImage(width, height, 16, pixels), 16);
        }
        return stains;
    }
}
