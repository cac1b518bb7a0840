package io.tunet.stack.e2e;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.schemas.serde.AvroSerdes;
import io.tunet.simulator.publish.EncodedImage;

/**
 * Every kind of malformed acquisition a microscope, a network or an attacker can produce, each with the
 * dead-letter reason ingest must give it. Each bad record gets its own key (= sample id where the record has
 * one), so the test can match every dead letter to what was sent.
 */
final class BadAcquisitions {

    /**
     * One malformed input: raw bytes when {@code records} is empty, else well-encoded records with a flaw.
     *
     * @param atInference whether only decoding the pixels finds the flaw, so that ingest assembles the field
     *                    and inference dead-letters it on {@code samples-dlq}; otherwise ingest dead-letters the
     *                    record on {@code acquisitions-dlq}
     */
    record Bad(String kind, String key, byte[] raw, List<Acquisition> records, DeadLetterReason expected,
               boolean atInference) {
    }

    private final Map<Stain, EncodedImage> goodField;
    private final EncodedImage good8bit;
    private final EncodedImage good16bit;

    /**
     * @param goodField a valid field of 8-bit PNG stains, to damage
     * @param good16bit a valid 16-bit PNG stain of the same size (sent claiming 8 bits)
     */
    BadAcquisitions(Map<Stain, EncodedImage> goodField, EncodedImage good16bit) {
        this.goodField = Map.copyOf(goodField);
        this.good8bit = goodField.get(Stain.GREEN_PROTEIN);
        this.good16bit = good16bit;
    }

    /** Kinds of damage, {@code rounds} records of each (the i-th round damages a little differently). */
    List<Bad> make(int rounds) {
        List<Bad> all = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            all.add(garbage(i));
            all.add(truncatedRecord(i));
            all.add(valid("unknown-stain", i, Stain.UNKNOWN, inline(good8bit.bytes()), DeadLetterReason.UNKNOWN_STAIN));
            all.add(valid("corrupt-header", i, Stain.GREEN_PROTEIN, inline(flipped(good8bit.bytes(), 8 + i)),
                    DeadLetterReason.UNREADABLE_IMAGE));
            all.add(fieldWithCorruptPixels(i));
            all.add(valid("truncated-image", i, Stain.BLUE_NUCLEUS,
                    inline(Arrays.copyOf(good8bit.bytes(), good8bit.bytes().length / (2 + i % 3))),
                    DeadLetterReason.UNREADABLE_IMAGE));
            all.add(bomb(i));
            all.add(valid("declared-size-wrong", i, Stain.YELLOW_ER, image(good8bit.bytes(), ImageFormat.PNG,
                    good8bit.width() * 2, good8bit.height() * 2, 8), DeadLetterReason.INVALID_FIELD));
            all.add(valid("not-an-image", i, Stain.RED_MICROTUBULES,
                    inline(("GIF89a this is not a stain #" + i).getBytes(StandardCharsets.ISO_8859_1)),
                    DeadLetterReason.UNSUPPORTED_IMAGE));
            all.add(valid("bit-depth-lie", i, Stain.RED_MICROTUBULES, image(good16bit.bytes(), ImageFormat.PNG,
                    good16bit.width(), good16bit.height(), 8), DeadLetterReason.INVALID_FIELD));
            all.add(keyNotSampleId(i));
            all.add(valid("missing-blob", i, Stain.YELLOW_ER, referenced(missingBlob(i)),
                    DeadLetterReason.BLOB_UNAVAILABLE));
            all.add(valid("path-escape", i, Stain.YELLOW_ER, referenced(escape(i)), DeadLetterReason.INVALID_FIELD));
        }
        return all;
    }

    private Bad garbage(int i) {
        byte[] bytes = new byte[32 + i * 7];
        new java.util.Random(i).nextBytes(bytes);
        return new Bad("garbage", key("garbage", i), bytes, List.of(), DeadLetterReason.UNDECODABLE_RECORD, false);
    }

    private Bad truncatedRecord(int i) {
        String key = key("truncated-record", i);
        byte[] whole = AvroSerdes.of(Acquisition.class).encode(acquisition(key, Stain.RED_MICROTUBULES,
                inline(good8bit.bytes())));
        return new Bad("truncated-record", key, Arrays.copyOf(whole, 10 + i * 97 % (whole.length - 20)), List.of(),
                DeadLetterReason.UNDECODABLE_RECORD, false);
    }

    private Bad bomb(int i) {
        byte[] png = withClaimedSize(good8bit.bytes(), 100_000 + i, 100_000);
        return valid("decompression-bomb", i, Stain.BLUE_NUCLEUS, image(png, ImageFormat.PNG, 100_000 + i, 100_000, 8),
                DeadLetterReason.IMAGE_TOO_LARGE);
    }

    private Bad keyNotSampleId(int i) {
        Acquisition acquisition = acquisition(key("key-mismatch-sample", i), Stain.RED_MICROTUBULES,
                inline(good8bit.bytes()));
        return new Bad("key-mismatch", key("key-mismatch", i), null, List.of(acquisition),
                DeadLetterReason.INVALID_FIELD, false);
    }

    private Bad valid(String kind, int i, Stain stain, Image image, DeadLetterReason expected) {
        String key = key(kind, i);
        return new Bad(kind, key, null, List.of(acquisition(key, stain, image)), expected, false);
    }

    /** A complete field whose green stain has damaged pixel data behind an intact header. */
    private Bad fieldWithCorruptPixels(int i) {
        String key = key("corrupt-pixels", i);
        List<Acquisition> stains = new ArrayList<>();
        for (Map.Entry<Stain, EncodedImage> stain : goodField.entrySet()) {
            byte[] bytes = stain.getValue().bytes();
            if (stain.getKey() == Stain.GREEN_PROTEIN) {
                bytes = flipped(bytes, pixelData(bytes) + 16 + i * 31);
            }
            stains.add(acquisition(key, stain.getKey(), inline(bytes)));
        }
        return new Bad("corrupt-pixels", key, null, stains, DeadLetterReason.UNREADABLE_IMAGE, true);
    }

    private static String key(String kind, int i) {
        return "bad-" + kind + "-" + i;
    }

    private Acquisition acquisition(String sampleId, Stain stain, Image image) {
        return Acquisition.newBuilder().setAcquisitionId(UUID.randomUUID().toString()).setSampleId(sampleId)
                .setPlate("BARRAGE").setWell("H12").setField(1).setStain(stain).setImage(image)
                .setInstrumentId("e2e-barrage").setAcquiredAt(java.time.Instant.now()).build();
    }

    private Image inline(byte[] bytes) {
        return image(bytes, ImageFormat.PNG, good8bit.width(), good8bit.height(), 8);
    }

    private static Image image(byte[] bytes, ImageFormat format, int width, int height, int bitDepth) {
        return Image.newBuilder().setFormat(format).setWidth(width).setHeight(height).setBitDepth(bitDepth)
                .setContent(ByteBuffer.wrap(bytes)).build();
    }

    private Image referenced(BlobRef ref) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(good8bit.width()).setHeight(good8bit.height())
                .setBitDepth(8).setContent(ref).build();
    }

    private static BlobRef missingBlob(int i) {
        String sha = String.format("%064x", 0xdead_0000L + i);
        return BlobRef.newBuilder().setUri(LocalDirectoryBlobStore.URI_PREFIX + sha).setSha256(sha).setSize(1234)
                .build();
    }

    private static BlobRef escape(int i) {
        String[] uris = {"file:///etc/passwd", LocalDirectoryBlobStore.URI_PREFIX + "../../../../etc/passwd",
            "blob:sha256/..%2F..%2Fetc%2Fshadow", "/etc/hostname"};
        return BlobRef.newBuilder().setUri(uris[i % uris.length]).setSha256("0".repeat(64)).setSize(10).build();
    }

    /** XORs 256 bytes from offset {@code from} on (the 8-byte signature is left alone). */
    private static byte[] flipped(byte[] png, int from) {
        byte[] damaged = png.clone();
        for (int k = from; k < Math.min(damaged.length - 12, from + 256); k++) {
            damaged[k] ^= (byte) 0x5A;
        }
        return damaged;
    }

    /** Offset of the first IDAT chunk's data: what follows is compressed pixels. */
    private static int pixelData(byte[] png) {
        for (int k = 8; k + 8 < png.length; k++) {
            if (png[k] == 'I' && png[k + 1] == 'D' && png[k + 2] == 'A' && png[k + 3] == 'T') {
                return k + 4;
            }
        }
        throw new IllegalArgumentException("no IDAT chunk in the PNG");
    }

    /** The PNG with its IHDR claiming another size (CRC recomputed, so only the size is a lie). */
    static byte[] withClaimedSize(byte[] png, int width, int height) {
        byte[] patched = png.clone();
        ByteBuffer buffer = ByteBuffer.wrap(patched);
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(patched, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        return patched;
    }
}
