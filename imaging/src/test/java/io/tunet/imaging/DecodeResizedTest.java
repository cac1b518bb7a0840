package io.tunet.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ImageCodec#decodeResized} (streamed for gray PNGs) against what serving and training computed before it
 * existed: {@link Preprocessing#toTensor} of {@link ImageCodec#decode}d stains.
 */
class DecodeResizedTest {

    private static final DecodeLimits LIMITS = DecodeLimits.defaults();
    private static final float FLOAT_NOISE = 1e-6f;

    @ParameterizedTest
    @CsvSource({"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldGiveTheRealFieldsTensorOfDecodeThenToTensor(String id) throws Exception {
        int size = 128;
        GrayImage[] stains = new GrayImage[4];
        float[] streamed = new float[4 * size * size];
        for (Channel channel : Channel.values()) {
            byte[] bytes = Files.readAllBytes(TestImages.fullSizeDir().resolve(id + "_" + channel.fileSuffix() + ".png"));
            assertStreamable(bytes);
            stains[channel.ordinal()] = ImageCodec.decode(bytes, LIMITS, channel);
            ImageHeader header = ImageCodec.decodeResized(bytes, LIMITS, channel, size, size, streamed,
                    channel.ordinal() * size * size);
            assertEquals(ImageCodec.readHeader(bytes, LIMITS), header);
        }
        float[] before = Preprocessing.toTensor(stains[0], stains[1], stains[2], stains[3], size);
        assertArrayEquals(before, streamed, FLOAT_NOISE);
    }

    @ParameterizedTest(name = "{0}x{1} {2}-bit colour type {3} to {4}x{5}")
    @CsvSource({
        "333, 517, 16, 0, 128, 128", // odd size, 16 bit, shrinking
        "517, 333, 8, 0, 128, 96", // odd size, 8 bit, another aspect
        "200, 150, 8, 4, 64, 64", // gray + alpha, alpha ignored
        "97, 61, 16, 4, 32, 32", // 16-bit gray + alpha: four bytes a pixel
        "50, 37, 8, 0, 64, 64", // smaller than the model: bilinear on both axes
        "300, 20, 16, 0, 128, 128", // shrinks on one axis, grows on the other
        "128, 128, 8, 0, 128, 128"}) // the model's size: a copy
    void shouldStreamEveryPngRowFilterLikeImageIoDecodes(int w, int h, int depth, int colourType, int outW, int outH)
            throws Exception {
        byte[] png = png(w, h, depth, colourType, new Random(w * 31L + h));
        assertStreamable(png);
        float[] streamed = new float[outW * outH + 5];
        ImageHeader header = ImageCodec.decodeResized(png, LIMITS, Channel.GREEN, outW, outH, streamed, 5);

        GrayImage whole = ImageCodec.decode(png, LIMITS, Channel.GREEN);
        assertEquals(new ImageHeader(ImageFormat.PNG, w, h, depth), header);
        assertArrayEquals(Resize.area(whole.pixels(), w, h, outW, outH), Arrays.copyOfRange(streamed, 5,
                streamed.length), FLOAT_NOISE);
    }

    @Test
    void shouldResizeFormatsItDoesNotStreamThroughTheWholeImage() throws Exception {
        GrayImage pattern = TestImages.pattern(210, 170);
        BufferedImage gray16 = new BufferedImage(210, 170, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) gray16.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) Math.round(pattern.pixels()[i] * 65535);
        }
        BufferedImage tinted = new BufferedImage(210, 170, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 170; y++) {
            for (int x = 0; x < 210; x++) {
                tinted.setRGB(x, y, Math.round(pattern.pixels()[y * 210 + x] * 255) << 8);
            }
        }
        for (byte[] image : new byte[][] {TestImages.write(gray16, "tiff"), TestImages.write(tinted, "png"),
            TestImages.write(tinted, "tiff")}) {
            float[] resized = new float[64 * 64];
            ImageCodec.decodeResized(image, LIMITS, Channel.GREEN, 64, 64, resized, 0);
            GrayImage whole = ImageCodec.decode(image, LIMITS, Channel.GREEN);
            assertArrayEquals(Resize.area(whole.pixels(), 210, 170, 64, 64), resized, FLOAT_NOISE);
        }
    }

    @Test
    void shouldFailForTheSameReasonsAsDecode() throws Exception {
        byte[] png = png(64, 48, 8, 0, new Random(1));
        byte[] damaged = png.clone();
        for (int i = 60; i < 90; i++) {
            damaged[i] ^= (byte) 0x5A; // inside the IDAT chunk
        }
        byte[] shortData = shortenIdat(png);
        byte[][] cases = {
            Arrays.copyOf(png, png.length / 2), // no IEND
            damaged,
            shortData,
            TestImages.pngClaiming(100_000, 10),
            TestImages.pngClaiming(8192, 8192, 16, 6),
            TestImages.pngClaiming(64, 64, 1, 0),
            "GIF89a.....".getBytes(StandardCharsets.US_ASCII),
            new byte[0]};
        for (byte[] bad : cases) {
            Reason decode = assertThrows(ImageDecodeException.class, () -> ImageCodec.decode(bad, LIMITS)).reason();
            Reason resized = assertThrows(ImageDecodeException.class,
                    () -> ImageCodec.decodeResized(bad, LIMITS, null, 16, 16, new float[256], 0)).reason();
            assertEquals(decode, resized);
        }
        assertThrows(ImageDecodeException.class, () -> ImageCodec.decodeResized(png, new DecodeLimits(63, 100, 10_000),
                Channel.RED, 16, 16, new float[256], 0));
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.decodeResized(png, LIMITS, Channel.RED, 16, 16,
                new float[255], 0));
    }

    /** Guards the comparisons above: equal results would prove nothing if every image went through ImageIO. */
    private static void assertStreamable(byte[] png) {
        PngRows rows = PngRows.open(png);
        assertTrue(rows != null && rows.read(values -> { }), "the PNG is streamed, not decoded whole");
    }

    /**
     * A PNG with random samples whose rows cycle through all five row filters (ImageIO's writer picks its own),
     * compressed in several IDAT chunks.
     */
    private static byte[] png(int w, int h, int depth, int colourType, Random random) {
        int bpp = (colourType == 4 ? 2 : 1) * depth / 8;
        int stride = w * bpp;
        byte[] previous = new byte[stride];
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            byte[] row = new byte[stride];
            for (int i = 0; i < stride; i++) {
                // smooth with noise, so that predictions are neither always right nor always wrong
                row[i] = (byte) ((i * 3 + y * 5) / 4 + random.nextInt(24));
            }
            int filter = y % 5;
            raw.write(filter);
            for (int i = 0; i < stride; i++) {
                int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                int b = previous[i] & 0xFF;
                int c = i >= bpp ? previous[i - bpp] & 0xFF : 0;
                int predictor = switch (filter) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) >>> 1;
                    default -> paeth(a, b, c);
                };
                raw.write((row[i] - predictor) & 0xFF);
            }
            previous = row;
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        byte[] data = compressed.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        int piece = Math.max(1, data.length / 3);
        for (int from = 0; from < data.length; from += piece) {
            chunk(out, "IDAT", Arrays.copyOfRange(data, from, Math.min(data.length, from + piece)));
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The same PNG with only the first half of its compressed data, in one IDAT chunk. */
    private static byte[] shortenIdat(byte[] png) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int at = 8 + 25;
        while (true) {
            int length = ByteBuffer.wrap(png, at, 4).getInt();
            String type = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("IEND")) {
                break;
            }
            data.write(png, at + 8, length);
            at += 12 + length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 8 + 25);
        byte[] all = data.toByteArray();
        chunk(out, "IDAT", Arrays.copyOf(all, all.length / 2));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
