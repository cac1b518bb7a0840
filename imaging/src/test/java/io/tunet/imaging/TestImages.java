package io.tunet.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Builders for test images and the path of the shared real data. */
public final class TestImages {

    private TestImages() {
    }

    /** The shared data folder: Surefire's {@code tunet.shared.dir}, else {@code ../shared} from the repo root. */
    public static Path sharedDir() {
        String configured = System.getProperty("tunet.shared.dir");
        return configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    }

    /** The folder of real full-size HPA fields. */
    public static Path fullSizeDir() {
        return sharedDir().resolve("data/hpa/full-size");
    }

    /** A deterministic, non-symmetric test pattern with values in 0..1. */
    public static GrayImage pattern(int w, int h) {
        float[] pixels = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixels[y * w + x] = ((x * 37 + y * 11 + x * y) % 256) / 255f;
            }
        }
        return new GrayImage(w, h, 8, pixels);
    }

    /** A constant image. */
    public static GrayImage constant(int w, int h, float value) {
        float[] pixels = new float[w * h];
        java.util.Arrays.fill(pixels, value);
        return new GrayImage(w, h, 8, pixels);
    }

    /** Encodes a BufferedImage with ImageIO's writer for {@code format}. */
    public static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A syntactically valid PNG whose header claims {@code width × height} 8-bit gray pixels but whose data
     * is a single byte: only a decoder that trusts the header would allocate for it.
     */
    public static byte[] pngClaiming(int width, int height) {
        return pngClaiming(width, height, 8, 0);
    }

    /**
     * Like {@link #pngClaiming(int, int)} with a PNG bit depth and colour type (0 gray, 2 RGB, 6 RGBA) of choice:
     * an all-zero 8192² RGBA 16-bit field really compresses to about 0.5 MB and decodes to 512 MiB.
     */
    public static byte[] pngClaiming(int width, int height, int bitDepth, int colourType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
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
