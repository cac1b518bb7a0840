package io.tunet.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.ImageDecodeException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

    private static final DecodeLimits LIMITS = DecodeLimits.defaults();

    @Test
    void shouldRoundTrip8BitPngExactly() throws Exception {
        GrayImage image = TestImages.pattern(37, 23);
        byte[] png = ImageCodec.encodePng(image, 8);

        GrayImage decoded = ImageCodec.decode(png, LIMITS);

        assertEquals(new ImageHeader(ImageFormat.PNG, 37, 23, 8), ImageCodec.readHeader(png, LIMITS));
        assertEquals(8, decoded.bitDepth());
        assertArrayEquals(image.pixels(), decoded.pixels(), 1e-7f);
    }

    @Test
    void shouldRoundTrip16BitPngWithinOneLevel() throws Exception {
        float[] pixels = new float[64 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 7919 % 65536) / 65535f;
        }
        byte[] png = ImageCodec.encodePng(new GrayImage(64, 32, 16, pixels), 16);

        GrayImage decoded = ImageCodec.decode(png, LIMITS);

        assertEquals(new ImageHeader(ImageFormat.PNG, 64, 32, 16), ImageCodec.readHeader(png, LIMITS));
        assertEquals(16, decoded.bitDepth());
        assertArrayEquals(pixels, decoded.pixels(), 0.5f / 65535);
    }

    @Test
    void shouldDecode16BitTiffScaledByItsDepth() throws Exception {
        BufferedImage tiff = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        tiff.getRaster().setSample(7, 5, 0, 40000);
        byte[] bytes = TestImages.write(tiff, "tiff");

        GrayImage decoded = ImageCodec.decode(bytes, LIMITS);

        assertEquals(new ImageHeader(ImageFormat.TIFF, 40, 30, 16), ImageCodec.readHeader(bytes, LIMITS));
        assertEquals(40000f / 65535f, decoded.pixels()[5 * 40 + 7], 1e-7f);
        assertEquals(0f, decoded.pixels()[0]);
    }

    @Test
    void shouldDecodeCompressedTiffs() throws Exception {
        BufferedImage image = new BufferedImage(33, 17, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 17; y++) {
            for (int x = 0; x < 33; x++) {
                image.getRaster().setSample(x, y, 0, x * 1000 + y);
            }
        }
        for (String compression : new String[] {"LZW", "Deflate", "PackBits"}) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(compression);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            }

            GrayImage decoded = ImageCodec.decode(bytes.toByteArray(), LIMITS);

            assertEquals((32 * 1000 + 16) / 65535f, decoded.pixels()[16 * 33 + 32], 1e-7f, compression);
        }
    }

    @Test
    void shouldDecodeGrayJpegCloseToTheOriginal() throws Exception {
        BufferedImage gray = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                gray.getRaster().setSample(x, y, 0, x * 2 + y);
            }
        }
        byte[] jpeg = TestImages.write(gray, "jpeg");

        GrayImage decoded = ImageCodec.decode(jpeg, LIMITS);

        assertEquals(new ImageHeader(ImageFormat.JPEG, 64, 64, 8), ImageCodec.readHeader(jpeg, LIMITS));
        double error = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                error += Math.abs(decoded.pixels()[y * 64 + x] * 255 - (x * 2 + y));
            }
        }
        assertTrue(error / (64 * 64) < 2.0, "mean JPEG error " + error / (64 * 64) + " levels");
    }

    @Test
    void shouldReadRgbImageWithEqualChannelsAsGray() throws Exception {
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(3, 4, 0x404040);

        GrayImage decoded = ImageCodec.decode(TestImages.write(rgb, "png"), LIMITS);

        assertEquals(0x40 / 255f, decoded.pixels()[4 * 8 + 3], 1e-7f);
        assertEquals(0f, decoded.pixels()[0]);
    }

    @Test
    void shouldRefuseColourImageAsNotGrayscale() {
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(3, 4, 0x00FF00);

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decode(TestImages.write(rgb, "png"), LIMITS));

        assertEquals(Reason.NOT_GRAYSCALE, e.reason());
        assertTrue(e.getMessage().contains("(3, 4)"), e.getMessage());
    }

    @Test
    void shouldReadGrayPaletteEntriesAndRefuseColouredOnes() throws Exception {
        BufferedImage indexed = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(2, 1, 0xFFFFFF);

        GrayImage decoded = ImageCodec.decode(TestImages.write(indexed, "png"), LIMITS);

        assertEquals(1f, decoded.pixels()[8 + 2]);
        assertEquals(0f, decoded.pixels()[0]);
        indexed.setRGB(5, 6, 0xFF0000);
        assertEquals(Reason.NOT_GRAYSCALE, reasonOfDecode(TestImages.write(indexed, "png")));
    }

    @Test
    void shouldRefuseBytesOfUnknownFormat() {
        byte[] gif = "GIF89a....".getBytes();

        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageCodec.decode(gif, LIMITS));

        assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
        assertTrue(e.getMessage().contains("474946383961"), e.getMessage());
    }

    @Test
    void shouldRefuseEmptyBytesAsTruncated() {
        assertEquals(Reason.TRUNCATED, reasonOfDecode(new byte[0]));
        assertEquals(Reason.TRUNCATED, reasonOfDecode(null));
    }

    @Test
    void shouldRefuseCorruptPngHeader() {
        byte[] png = ImageCodec.encodePng(TestImages.pattern(16, 16), 8);
        for (int i = 8; i < png.length - 12; i++) {
            png[i] = (byte) (i * 31);
        }

        assertEquals(Reason.CORRUPT, reasonOfHeader(png));
        assertEquals(Reason.CORRUPT, reasonOfDecode(png));
    }

    @Test
    void shouldRefuseJpegWithDamagedEntropyData() {
        BufferedImage gray = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                gray.getRaster().setSample(x, y, 0, (x * 7 + y * 13) % 256);
            }
        }
        byte[] jpeg = TestImages.write(gray, "jpeg");
        Arrays.fill(jpeg, jpeg.length / 2, jpeg.length / 2 + 8, (byte) 0xFF);

        assertEquals(Reason.CORRUPT, reasonOfDecode(jpeg));
    }

    @Test
    void shouldRequireLimits() {
        byte[] png = ImageCodec.encodePng(TestImages.pattern(4, 4), 8);

        assertThrows(IllegalArgumentException.class, () -> ImageCodec.decode(png, null));
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.readHeader(png, null));
    }

    @Test
    void shouldRefuseTruncatedPngJpegAndTiff() {
        byte[] png = ImageCodec.encodePng(TestImages.pattern(64, 64), 8);
        byte[] shortPng = Arrays.copyOf(png, png.length / 2);
        assertEquals(Reason.TRUNCATED, reasonOfHeader(shortPng));
        assertEquals(Reason.TRUNCATED, reasonOfDecode(shortPng));

        BufferedImage gray = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        byte[] jpeg = TestImages.write(gray, "jpeg");
        assertEquals(Reason.TRUNCATED, reasonOfDecode(Arrays.copyOf(jpeg, jpeg.length * 2 / 3)));

        byte[] tiff = TestImages.write(new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY), "tiff");
        assertEquals(Reason.TRUNCATED, reasonOfDecode(Arrays.copyOf(tiff, tiff.length / 2)));
    }

    @Test
    void shouldRefuseEnormousHeaderBeforeAllocating() {
        byte[] hostile = TestImages.pngClaiming(100_000, 100_000);

        ImageDecodeException header = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.readHeader(hostile, LIMITS));

        assertEquals(Reason.TOO_LARGE, header.reason());
        assertTrue(header.getMessage().contains("100000x100000"), header.getMessage());
        assertEquals(Reason.TOO_LARGE, reasonOfDecode(hostile));
    }

    @Test
    void shouldRefuseAMultiBand16BitImageWhoseRasterExceedsTheBudgetFromItsHeader() {
        byte[] rgba16 = TestImages.pngClaiming(8192, 8192, 16, 6); // within 8192² but 512 MiB decoded

        ImageDecodeException header = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.readHeader(rgba16, LIMITS));

        assertEquals(Reason.TOO_LARGE, header.reason());
        assertTrue(header.getMessage().contains("4 band(s) of 16 bit would decode to 512 MiB, above the budget of "
                + "128 MiB"), header.getMessage());
        assertEquals(Reason.TOO_LARGE, reasonOfDecode(rgba16));
    }

    @Test
    void shouldAcceptTheLargestSingleBand16BitImageAndAnHpaSizedColourImage() throws Exception {
        assertEquals(new ImageHeader(ImageFormat.PNG, 8192, 8192, 16),
                ImageCodec.readHeader(TestImages.pngClaiming(8192, 8192, 16, 0), LIMITS));
        assertEquals(new ImageHeader(ImageFormat.PNG, 3072, 3072, 8),
                ImageCodec.readHeader(TestImages.pngClaiming(3072, 3072, 8, 2), LIMITS));
    }

    @Test
    void shouldReadTheHeaderWithoutTouchingPixelData() throws Exception {
        byte[] headerOnly = TestImages.pngClaiming(100, 50); // its pixel data is one empty deflate block

        assertEquals(new ImageHeader(ImageFormat.PNG, 100, 50, 8), ImageCodec.readHeader(headerOnly, LIMITS));
        assertEquals(Reason.TRUNCATED, reasonOfDecode(headerOnly));
    }

    @Test
    void shouldEnforceEachLimit() {
        byte[] png = ImageCodec.encodePng(TestImages.pattern(40, 20), 8);

        assertEquals(Reason.TOO_LARGE, reasonOf(() -> ImageCodec.decode(png, new DecodeLimits(39, 100, 10_000))));
        assertEquals(Reason.TOO_LARGE, reasonOf(() -> ImageCodec.decode(png, new DecodeLimits(100, 19, 10_000))));
        assertEquals(Reason.TOO_LARGE, reasonOf(() -> ImageCodec.decode(png, new DecodeLimits(100, 100, 799))));
    }

    @Test
    void shouldRefuseOneBitPng() {
        BufferedImage binary = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_BINARY);
        byte[] png = TestImages.write(binary, "png");

        assertEquals(Reason.UNSUPPORTED_BIT_DEPTH, reasonOfHeader(png));
        assertEquals(Reason.UNSUPPORTED_BIT_DEPTH, reasonOfDecode(png));
    }

    @Test
    void shouldRefuseFloatingPointTiff() throws Exception {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        BufferedImage floats = new BufferedImage(model, Raster.createWritableRaster(
                new ComponentSampleModel(DataBuffer.TYPE_FLOAT, 8, 8, 1, 8, new int[] {0}), null), false, null);
        byte[] tiff = writeWithJdkTiffWriter(floats);

        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageCodec.readHeader(tiff, LIMITS));

        assertEquals(Reason.UNSUPPORTED_BIT_DEPTH, e.reason());
        assertTrue(e.getMessage().contains("32-bit floating-point"), e.getMessage());
    }

    @Test
    void shouldRejectEncodingAtOtherBitDepths() {
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.encodePng(TestImages.pattern(4, 4), 12));
    }

    /** TwelveMonkeys' TIFF writer cannot write float samples; the JDK's can. */
    private static byte[] writeWithJdkTiffWriter(BufferedImage image) throws Exception {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                    writer.setOutput(out);
                    writer.write(image);
                }
                return bytes.toByteArray();
            }
        }
        throw new IllegalStateException("the JDK's TIFF writer is missing");
    }

    private interface Decoding {
        void run() throws ImageDecodeException;
    }

    private static Reason reasonOf(Decoding decoding) {
        return assertThrows(ImageDecodeException.class, decoding::run).reason();
    }

    private static Reason reasonOfDecode(byte[] bytes) {
        return reasonOf(() -> ImageCodec.decode(bytes, LIMITS));
    }

    private static Reason reasonOfHeader(byte[] bytes) {
        return reasonOf(() -> ImageCodec.readHeader(bytes, LIMITS));
    }
}
