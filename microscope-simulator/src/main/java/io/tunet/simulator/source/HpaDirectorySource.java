package io.tunet.simulator.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.simulator.publish.EncodedImage;

/**
 * Reads an HPA-layout directory ({@code <Id>_red.png}, {@code _green}, {@code _blue}, {@code _yellow}; PNG, TIFF or
 * JPEG; any size) for publishing. The files' bytes are sent as they are; only their headers are read here.
 * Fields are the ids of {@code train.csv} when present (with their labels), else every id with a red stain file.
 */
public final class HpaDirectorySource {

    private static final Map<Stain, String> SUFFIX = new EnumMap<>(Map.of(
            Stain.RED_MICROTUBULES, "red", Stain.GREEN_PROTEIN, "green",
            Stain.BLUE_NUCLEUS, "blue", Stain.YELLOW_ER, "yellow"));
    private static final List<String> EXTENSIONS = List.of("png", "tif", "tiff", "jpg", "jpeg");

    private final Path dir;
    private final Map<String, int[]> labelsById;

    private HpaDirectorySource(Path dir, Map<String, int[]> labelsById) {
        this.dir = dir;
        this.labelsById = labelsById;
    }

    /**
     * Opens a directory.
     *
     * @throws SourceException if it is not a directory, train.csv is malformed, or an id is unsafe
     */
    public static HpaDirectorySource open(Path dir) throws SourceException {
        if (!Files.isDirectory(dir)) {
            throw new SourceException("not a directory: " + dir);
        }
        Path csv = dir.resolve("train.csv");
        Map<String, int[]> labels = Files.isRegularFile(csv) ? readLabels(csv) : idsFromFiles(dir);
        return new HpaDirectorySource(dir, labels);
    }

    /** The ids in publishing order. */
    public List<String> ids() {
        return new ArrayList<>(labelsById.keySet());
    }

    /** The labels of an id from train.csv, empty when the directory has none. */
    public int[] labels(String id) {
        return labelsById.getOrDefault(id, new int[0]).clone();
    }

    /**
     * Reads the four stain files of one id.
     *
     * @throws SourceException naming the file when a stain is missing or its header is unreadable
     */
    public Map<Stain, EncodedImage> read(String id) throws SourceException {
        requireSafe(id, "id");
        Map<Stain, Path> files = new EnumMap<>(Stain.class);
        for (Map.Entry<Stain, String> stain : SUFFIX.entrySet()) {
            files.put(stain.getKey(), find(id, stain.getValue()));
        }
        Map<Stain, EncodedImage> stains = new EnumMap<>(Stain.class);
        for (Map.Entry<Stain, Path> stain : files.entrySet()) {
            Path file = stain.getValue();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new SourceException("cannot read " + file + ": " + e.getMessage());
            }
            ImageHeader header;
            try {
                header = ImageCodec.readHeader(bytes, DecodeLimits.defaults());
            } catch (ImageDecodeException e) {
                throw new SourceException("unreadable image " + file + ": " + e.getMessage());
            }
            stains.put(stain.getKey(), new EncodedImage(bytes, ImageFormat.valueOf(header.format().name()),
                    header.width(), header.height(), header.bitDepth()));
        }
        return stains;
    }

    private Path find(String id, String suffix) throws SourceException {
        for (String extension : EXTENSIONS) {
            Path file = dir.resolve(id + "_" + suffix + "." + extension);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new SourceException("missing stain file " + dir.resolve(id + "_" + suffix + ".png")
                + " (also looked for .tif, .tiff, .jpg, .jpeg)");
    }

    private static Map<String, int[]> readLabels(Path csv) throws SourceException {
        Map<String, int[]> labels = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new SourceException("cannot read " + csv + ": " + e.getMessage());
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 2) {
                throw new SourceException(csv + " line " + (i + 1) + ": expected 'Id,Target', got '" + line + "'");
            }
            String id = parts[0].strip();
            requireSafe(id, csv + " line " + (i + 1) + " id");
            labels.put(id, parseTarget(parts[1], csv + " line " + (i + 1)));
        }
        return labels;
    }

    /** Parses a space-separated list of class indices, refusing anything outside 0..27. */
    public static int[] parseTarget(String target, String where) throws SourceException {
        String trimmed = target.strip();
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] tokens = trimmed.split("\\s+");
        int[] labels = new int[tokens.length];
        for (int t = 0; t < tokens.length; t++) {
            try {
                labels[t] = Integer.parseInt(tokens[t]);
            } catch (NumberFormatException e) {
                throw new SourceException(where + ": label '" + tokens[t] + "' is not a class index");
            }
            if (!HpaClasses.isValid(labels[t])) {
                throw new SourceException(where + ": label " + labels[t] + " is outside 0.." + (HpaClasses.COUNT - 1));
            }
        }
        return labels;
    }

    private static Map<String, int[]> idsFromFiles(Path dir) throws SourceException {
        Map<String, int[]> ids = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> name.contains("_red."))
                    .map(name -> name.substring(0, name.lastIndexOf("_red.")))
                    .sorted()
                    .forEach(id -> ids.put(id, new int[0]));
        } catch (IOException e) {
            throw new SourceException("cannot list " + dir + ": " + e.getMessage());
        }
        for (String id : ids.keySet()) {
            requireSafe(id, "file name id");
        }
        return ids;
    }

    private static void requireSafe(String id, String what) throws SourceException {
        // the same rule the training side applies, so an id publishable here is loadable there
        if (!HpaDirectory.isSafeId(id)) {
            throw new SourceException(what + " '" + id + "' is not a safe sample id (letters, digits, '.', '_', '-')");
        }
    }
}
