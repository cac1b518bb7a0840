package io.tunet.training;

import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Small four-stain fields a tiny TUNet learns in a few epochs: one cell, nucleus (blue) inside a cell body
 * (red, yellow); green fills the nucleus for class 0 (nucleoplasm) and the cytoplasm for class 25 (cytosol).
 * Labels cycle {0}, {25}, {0, 25}.
 */
public final class EasyFields {

    public static final int SIZE = 32;

    private EasyFields() {
    }

    /** The labels of field {@code n}. */
    public static int[] labels(int n) {
        return switch (n % 3) {
            case 0 -> new int[] {0};
            case 1 -> new int[] {25};
            default -> new int[] {0, 25};
        };
    }

    /**
     * Writes fields {@code 0 .. count - 1} as an HPA-layout directory ({@code <prefix>-<n>_<stain>.png} and
     * {@code train.csv}).
     */
    public static Path writeDirectory(Path dir, String prefix, int count, long seed) throws IOException {
        Files.createDirectories(dir);
        List<String> rows = new ArrayList<>(List.of("Id,Target"));
        String[] stainNames = {"red", "green", "blue", "yellow"};
        for (int n = 0; n < count; n++) {
            String id = prefix + "-" + n;
            List<byte[]> stains = stains(n, seed);
            for (int c = 0; c < stainNames.length; c++) {
                Files.write(dir.resolve(id + "_" + stainNames[c] + ".png"), stains.get(c));
            }
            rows.add(id + "," + Arrays.stream(labels(n)).mapToObj(Integer::toString).reduce((a, b) -> a + " " + b)
                    .orElseThrow());
        }
        Files.write(dir.resolve("train.csv"), rows);
        return dir;
    }

    /** Encoded PNG stains red, green, blue, yellow of field {@code n}. */
    public static List<byte[]> stains(int n, long seed) {
        Random random = new Random(seed * 1_000_003L + n);
        int[] labels = labels(n);
        boolean nucleoplasm = labels[0] == 0;
        boolean cytosol = labels[labels.length - 1] == 25;
        double cx = SIZE / 2.0 + (random.nextDouble() - 0.5) * SIZE / 6;
        double cy = SIZE / 2.0 + (random.nextDouble() - 0.5) * SIZE / 6;
        double nucleus = SIZE * (0.14 + 0.04 * random.nextDouble());
        double cell = SIZE * (0.32 + 0.06 * random.nextDouble());
        BufferedImage[] images = new BufferedImage[4];
        for (int c = 0; c < 4; c++) {
            images[c] = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        }
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double r = Math.hypot(x - cx, y - cy);
                boolean inNucleus = r < nucleus;
                boolean inCell = r < cell;
                int green = random.nextInt(12);
                if (inNucleus && nucleoplasm) {
                    green += 170;
                }
                if (inCell && !inNucleus && cytosol) {
                    green += 120;
                }
                images[0].getRaster().setSample(x, y, 0, (inCell ? 90 : 5) + random.nextInt(10));
                images[1].getRaster().setSample(x, y, 0, Math.min(255, green));
                images[2].getRaster().setSample(x, y, 0, (inNucleus ? 200 : 4) + random.nextInt(10));
                images[3].getRaster().setSample(x, y, 0, (inCell ? 70 : 3) + random.nextInt(10));
            }
        }
        List<byte[]> encoded = new ArrayList<>();
        for (BufferedImage image : images) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            encoded.add(out.toByteArray());
        }
        return encoded;
    }

    /** Field {@code n} as a Sample record with inline PNG stains. */
    public static Sample sample(String sampleId, int n, long seed) {
        List<byte[]> stains = stains(n, seed);
        Instant now = Instant.now();
        return Sample.newBuilder()
                .setSampleId(sampleId)
                .setPlate("plate-1")
                .setWell("A01")
                .setField(n)
                .setRed(image(stains.get(0)))
                .setGreen(image(stains.get(1)))
                .setBlue(image(stains.get(2)))
                .setYellow(image(stains.get(3)))
                .setInstrumentId("test")
                .setFirstAcquiredAt(now)
                .setLastAcquiredAt(now)
                .setAssembledAt(now)
                .setSourceAcquisitionIds(List.of())
                .build();
    }

    /** A curator's labels for a sample. */
    public static LabelFeedback feedback(String feedbackId, String sampleId, int... labels) {
        return LabelFeedback.newBuilder()
                .setFeedbackId(feedbackId)
                .setSampleId(sampleId)
                .setLabels(Arrays.stream(labels).boxed().toList())
                .setLabelledBy("curator-test")
                .setLabelledAt(Instant.now())
                .build();
    }

    private static Image image(byte[] png) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(SIZE).setHeight(SIZE).setBitDepth(8)
                .setContent(ByteBuffer.wrap(png)).build();
    }
}
