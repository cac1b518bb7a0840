package io.tunet.core.training;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small HPA-layout directory for tests: 8-bit PNG stains of one cell per field, a nucleus (blue)
 * inside a cell body (yellow, red), and green on the nucleus for class 0 (nucleoplasm) and on the cytoplasm
 * ring for class 25 (cytosol); true masks under {@code masks/}. Labels cycle {0}, {25}, {0 25}.
 */
public final class TinyHpaDirectory {

    private TinyHpaDirectory() {
    }

    /** Writes {@code count} samples of {@code size × size} into {@code dir} and returns it. */
    public static Path write(Path dir, int count, int size, long seed) {
        Random random = new Random(seed);
        List<String> rows = new ArrayList<>(List.of("Id,Target"));
        try {
            Files.createDirectories(dir.resolve("masks"));
            for (int n = 0; n < count; n++) {
                String id = String.format("sample-%03d", n);
                int[] labels = switch (n % 3) {
                    case 0 -> new int[] {0};
                    case 1 -> new int[] {25};
                    default -> new int[] {0, 25};
                };
                rows.add(id + "," + (labels.length == 1 ? "" + labels[0] : labels[0] + " " + labels[1]));
                double cx = size / 2.0 + (random.nextDouble() - 0.5) * size / 6;
                double cy = size / 2.0 + (random.nextDouble() - 0.5) * size / 6;
                double nucleus = size * (0.14 + 0.04 * random.nextDouble());
                double cell = size * (0.32 + 0.06 * random.nextDouble());
                BufferedImage[] stains = new BufferedImage[4];
                for (int c = 0; c < 4; c++) {
                    stains[c] = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                }
                BufferedImage nucleusMask = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                BufferedImage cytosolMask = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
                boolean nucleoplasm = labels[0] == 0;
                boolean cytosol = labels[labels.length - 1] == 25;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double r = Math.hypot(x - cx, y - cy);
                        boolean inNucleus = r < nucleus;
                        boolean inCell = r < cell;
                        int noise = random.nextInt(12);
                        int green = noise;
                        if (inNucleus && nucleoplasm) {
                            green += 170;
                            nucleusMask.getRaster().setSample(x, y, 0, 255);
                        }
                        if (inCell && !inNucleus && cytosol) {
                            green += 120;
                            cytosolMask.getRaster().setSample(x, y, 0, 255);
                        }
                        stains[0].getRaster().setSample(x, y, 0, noise + (inCell ? 60 + (x + y) % 7 * 10 : 0));
                        stains[1].getRaster().setSample(x, y, 0, Math.min(255, green));
                        stains[2].getRaster().setSample(x, y, 0, noise + (inNucleus ? 200 : 0));
                        stains[3].getRaster().setSample(x, y, 0, noise + (inCell && !inNucleus ? 90 : 0));
                    }
                }
                String[] suffixes = {"red", "green", "blue", "yellow"};
                for (int c = 0; c < 4; c++) {
                    ImageIO.write(stains[c], "png", dir.resolve(id + "_" + suffixes[c] + ".png").toFile());
                }
                if (nucleoplasm) {
                    ImageIO.write(nucleusMask, "png", dir.resolve("masks").resolve(id + "_0.png").toFile());
                }
                if (cytosol) {
                    ImageIO.write(cytosolMask, "png", dir.resolve("masks").resolve(id + "_25.png").toFile());
                }
            }
            Files.write(dir.resolve("train.csv"), rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
