package io.tunet.synth.layout;

import io.tunet.synth.BinaryMask;
import io.tunet.synth.Stain;
import io.tunet.synth.labels.LabelSetTable;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an HPA-layout directory: {@code train.csv} ({@code Id,Target}) and per sample the four stains
 * ({@code <Id>_red.png} …; {@code .tif}/{@code .tiff} and {@code .jpg}/{@code .jpeg} with the same stem are
 * accepted too), plus the optional true masks under {@code masks/}. Every problem is an
 * {@link HpaLayoutException} naming the file.
 */
public final class HpaDirectoryReader {

    private static final String[] EXTENSIONS = {".png", ".tif", ".tiff", ".jpg", ".jpeg"};

    private final Path dir;
    private final Map<String, int[]> labels;

    private HpaDirectoryReader(Path dir, Map<String, int[]> labels) {
        this.dir = dir;
        this.labels = labels;
    }

    /**
     * Opens a directory and reads its {@code train.csv}.
     *
     * @throws HpaLayoutException if the directory or {@code train.csv} is missing or a row is malformed
     */
    public static HpaDirectoryReader open(Path dir) throws HpaLayoutException {
        Path csv = dir.resolve("train.csv");
        if (!Files.isRegularFile(csv)) {
            throw new HpaLayoutException("no train.csv in " + dir);
        }
        Map<String, int[]> rows = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.strip().equals("Id,Target")) {
                throw new HpaLayoutException(csv + ": expected header 'Id,Target', found '" + header + "'");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma <= 0) {
                    throw new HpaLayoutException(csv + " line " + lineNo + ": expected 'Id,Target'");
                }
                try {
                    rows.put(line.substring(0, comma).strip(), LabelSetTable.parseLabels(line.substring(comma + 1), csv + " line " + lineNo));
                } catch (IllegalArgumentException e) {
                    throw new HpaLayoutException(e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            if (e instanceof HpaLayoutException h) {
                throw h;
            }
            throw new HpaLayoutException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        return new HpaDirectoryReader(dir, Collections.unmodifiableMap(rows));
    }

    /** Sample ids in {@code train.csv} order. */
    public List<String> ids() {
        return new ArrayList<>(labels.keySet());
    }

    /** The label set of one sample, sorted. */
    public int[] labels(String id) throws HpaLayoutException {
        int[] l = labels.get(id);
        if (l == null) {
            throw new HpaLayoutException("sample '" + id + "' is not in " + dir.resolve("train.csv"));
        }
        return l.clone();
    }

    /** Reads one sample's stains and any true masks. */
    public HpaSample read(String id) throws HpaLayoutException {
        int[] l = labels(id);
        float[][] stains = new float[4][];
        int width = -1, height = -1, bits = 8;
        for (Stain s : Stain.values()) {
            Path file = find(id + "_" + s.suffix());
            BufferedImage img = decode(file);
            if (width >= 0 && (img.getWidth() != width || img.getHeight() != height)) {
                throw new HpaLayoutException(file + " is " + img.getWidth() + "x" + img.getHeight() + " but the other stains of '"
                        + id + "' are " + width + "x" + height);
            }
            width = img.getWidth();
            height = img.getHeight();
            bits = img.getColorModel().getComponentSize(0);
            stains[s.ordinal()] = intensities(img);
        }
        Map<Integer, BinaryMask> masks = new LinkedHashMap<>();
        for (int c : l) {
            Path file = dir.resolve("masks").resolve(id + "_" + c + ".png");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            BufferedImage img = decode(file);
            if (img.getWidth() != width || img.getHeight() != height || width != height) {
                throw new HpaLayoutException(file + " is " + img.getWidth() + "x" + img.getHeight()
                        + "; masks must be square and the size of the stains (" + width + "x" + height + ")");
            }
            masks.put(c, BinaryMask.fromValues(width, img.getRaster().getSamples(0, 0, width, height, 0, (int[]) null)));
        }
        return new HpaSample(id, l, width, height, bits, stains, Collections.unmodifiableMap(masks));
    }

    private Path find(String stem) throws HpaLayoutException {
        for (String ext : EXTENSIONS) {
            Path p = dir.resolve(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new HpaLayoutException("missing stain file " + dir.resolve(stem) + ".png (or .tif/.tiff/.jpg/.jpeg)");
    }

    private static BufferedImage decode(Path file) throws HpaLayoutException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new HpaLayoutException("unreadable image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new HpaLayoutException("unreadable image " + file + ": no decoder recognises its format");
        }
        return img;
    }

    private static float[] intensities(BufferedImage img) {
        Raster r = img.getRaster();
        int w = img.getWidth(), h = img.getHeight();
        int bits = img.getColorModel().getComponentSize(0);
        float inv = 1f / ((1 << bits) - 1);
        int[] samples = r.getSamples(0, 0, w, h, 0, (int[]) null);
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] * inv;
        }
        return out;
    }
}
