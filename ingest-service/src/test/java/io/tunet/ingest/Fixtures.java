package io.tunet.ingest;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;

/** Acquisitions and images for the ingest tests and the benchmark. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * A deterministic 8-bit gray PNG that looks like a fluorescence field: dark background, a few bright blobs,
     * and noise whose amplitude sets how well it compresses ({@code noise} 0 = very small file, 255 = large).
     */
    public static byte[] png(int width, int height, long seed, int noise) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Random random = new Random(seed);
        int blobs = 3 + random.nextInt(6);
        int[][] centres = new int[blobs][3];
        for (int[] c : centres) {
            c[0] = random.nextInt(width);
            c[1] = random.nextInt(height);
            c[2] = Math.max(2, Math.min(width, height) / (6 + random.nextInt(10)));
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int value = 4;
                for (int[] c : centres) {
                    int dx = x - c[0];
                    int dy = y - c[1];
                    if (dx * dx + dy * dy < c[2] * c[2]) {
                        value = 160;
                    }
                }
                if (noise > 0) {
                    value += random.nextInt(noise + 1) - noise / 2;
                }
                pixels[y * width + x] = (byte) Math.max(0, Math.min(255, value));
            }
        }
        return encode(image);
    }

    /** A 16-bit gray PNG of the given size (for bit-depth checks). */
    public static byte[] png16(int width, int height) {
        return encode(new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY));
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A copy of a PNG whose IHDR claims another size (CRC recomputed, so only the size is a lie). */
    public static byte[] withClaimedSize(byte[] png, int width, int height) {
        byte[] patched = png.clone();
        ByteBuffer.wrap(patched, 16, 8).putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(patched, 12, 17); // chunk type + 13 data bytes
        ByteBuffer.wrap(patched, 29, 4).putInt((int) crc.getValue());
        return patched;
    }

    /** An inline 8-bit PNG image record. */
    public static Image inline(byte[] png, int width, int height) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(width).setHeight(height).setBitDepth(8)
                .setContent(ByteBuffer.wrap(png)).build();
    }

    /** A claim-checked 8-bit PNG image record. */
    public static Image referenced(BlobRef ref, int width, int height) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(width).setHeight(height).setBitDepth(8)
                .setContent(ref).build();
    }

    /** An acquisition of one stain of a sample, on plate P1 well A01 field 1. */
    public static Acquisition acquisition(String sampleId, Stain stain, Image image) {
        return Acquisition.newBuilder()
                .setAcquisitionId(sampleId + "-" + stain + "-" + UUID.randomUUID())
                .setSampleId(sampleId)
                .setPlate("P1")
                .setWell("A01")
                .setField(1)
                .setStain(stain)
                .setImage(image)
                .setInstrumentId("scope-1")
                .setAcquiredAt(Instant.ofEpochMilli(1_700_000_000_000L + stain.ordinal()))
                .build();
    }

    /** An acquisition with a fresh small inline PNG whose content depends on sample and stain. */
    public static Acquisition acquisition(String sampleId, Stain stain) {
        return acquisition(sampleId, stain, inline(png(32, 32, (sampleId + stain).hashCode(), 40), 32, 32));
    }

    /** The directory of the shared data ({@code tunet.shared.dir}, set by Surefire; else {@code ../../shared}). */
    public static Path sharedDir() {
        String configured = System.getProperty("tunet.shared.dir");
        return configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    }

    /** An {@link IngestConfig} for tests, with the service's defaults except where given. */
    public record TestConfig(Duration sampleTimeout, Duration timeoutCheckInterval, Duration closedSampleRetention,
                             int claimCheckThreshold, long maxImageBytes, int maxImageSide, long maxImagePixels,
                             Path blobRoot) implements IngestConfig {

        /** Defaults of application.properties with blobs under {@code blobRoot}. */
        public static TestConfig defaults(Path blobRoot) {
            return new TestConfig(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofHours(1), 256 * 1024,
                    64L * 1024 * 1024, 8192, 8192L * 8192, blobRoot);
        }

        public TestConfig withClaimCheckThreshold(int bytes) {
            return new TestConfig(sampleTimeout, timeoutCheckInterval, closedSampleRetention, bytes, maxImageBytes,
                    maxImageSide, maxImagePixels, blobRoot);
        }

        @Override
        public int maxAttempts() {
            return 3;
        }

        @Override
        public BlobStoreConfig blobStore() {
            return () -> blobRoot.toString();
        }

        @Override
        public ApiConfig api() {
            return Optional::empty;
        }
    }
}
