package io.tunet.imaging.hpa;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageFormat;
import io.tunet.imaging.OmeTiff;
import io.tunet.imaging.Preprocessing;
import io.tunet.imaging.Resize;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory in the HPA layout: {@code train.csv} ({@code Id,Target}, Target = space-separated class
 * indices 0..27), one file per stain {@code <Id>_red.png}, {@code _green}, {@code _blue}, {@code _yellow}
 * (PNG preferred; {@code .tif}, {@code .tiff}, {@code .jpg}, {@code .jpeg} accepted, first found in that
 * order) or, instead, one multi-channel OME-TIFF {@code <Id>.ome.tif} / {@code <Id>.ome.tiff} holding all four
 * (read by {@link OmeTiff}, channels named after the stains unless {@link #scan(Path, Map)} is given other names),
 * and optionally true masks
 * {@code masks/<Id>_<class>.png} (255 inside, 0 outside) for every label of every sample.
 *
 * <p>{@link #open} validates everything that can be checked without decoding pixels: every CSV row, every
 * id (letters, digits, {@code . _ -} only, no {@code ..}: an id can never name a file outside the
 * directory), that every stain file (and mask file, when {@code masks/} exists) is present. Decoding
 * happens per sample in {@link #load}. Instances are immutable and safe to share between threads.
 */
public final class HpaDirectory {

    /** Name of the label file. */
    public static final String LABELS_FILE = "train.csv";
    /** Name of the optional true-mask folder. */
    public static final String MASKS_FOLDER = "masks";

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final List<String> EXTENSIONS = acceptedExtensions();
    private static final List<String> OME_EXTENSIONS = List.of(".ome.tif", ".ome.tiff");

    /**
     * One sample ready for the model.
     *
     * @param id        the sample id
     * @param image     {@code 4 × S × S} input tensor from {@link Preprocessing#toTensor}
     * @param labels    class indices
     * @param trueMasks {@code 28 × S × S} 0/1 true masks (plane c empty unless c is a label), or {@code null}
     *                  when the directory has none
     */
    public record LoadedSample(String id, float[] image, int[] labels, float[] trueMasks) {
    }

    private final Path directory;
    private final DecodeLimits limits;
    private final List<HpaEntry> entries;
    private final Map<String, Path[]> stains;
    private final Map<String, Path> omeTiffs;
    private final Map<String, Channel> omeChannelNames;
    private final boolean hasTrueMasks;

    private HpaDirectory(Path directory, DecodeLimits limits, List<HpaEntry> entries, Map<String, Path[]> stains,
                         Map<String, Path> omeTiffs, Map<String, Channel> omeChannelNames, boolean hasTrueMasks) {
        this.directory = directory;
        this.limits = limits;
        this.entries = entries;
        this.stains = stains;
        this.omeTiffs = omeTiffs;
        this.omeChannelNames = omeChannelNames;
        this.hasTrueMasks = hasTrueMasks;
    }

    /** Opens a directory with {@link DecodeLimits#defaults()}. */
    public static HpaDirectory open(Path dir) throws DatasetException {
        return open(dir, DecodeLimits.defaults());
    }

    /**
     * Reads and checks {@code train.csv} and the presence of every stain (and mask) file.
     *
     * @throws DatasetException naming the file, row and problem: missing directory or label file, bad
     *                          header, malformed row, unsafe or duplicate id, no labels, unknown or repeated
     *                          label, missing stain or mask file
     */
    public static HpaDirectory open(Path dir, DecodeLimits limits) throws DatasetException {
        Path root = requireDirectory(dir);
        return open(root, limits, readLabels(root.resolve(LABELS_FILE)), listNames(root), OmeTiff.defaultNames());
    }

    /**
     * Opens a directory to publish its fields rather than to train on them: the fields of {@code train.csv} with
     * their labels when it exists (as {@link #open(Path)}), otherwise every id that has a red stain file or an
     * OME-TIFF, in name order and unlabelled. Every field's four stain files (or its OME-TIFF) must be there either
     * way.
     *
     * @throws DatasetException as {@link #open(Path, DecodeLimits)}, or naming a file whose id is unsafe
     */
    public static HpaDirectory scan(Path dir) throws DatasetException {
        return scan(dir, OmeTiff.defaultNames());
    }

    /**
     * As {@link #scan(Path)}, with the OME-TIFF channel names of this directory's fields.
     *
     * @param omeChannelNames lower-case OME channel name → stain, e.g. from {@link OmeTiff#parseMapping}
     */
    public static HpaDirectory scan(Path dir, Map<String, Channel> omeChannelNames) throws DatasetException {
        Path root = requireDirectory(dir);
        if (Files.isRegularFile(root.resolve(LABELS_FILE))) {
            return open(root, DecodeLimits.defaults(), readLabels(root.resolve(LABELS_FILE)), listNames(root),
                    omeChannelNames);
        }
        Set<String> files = listNames(root);
        Set<String> ids = new java.util.TreeSet<>();
        for (String name : files) {
            int stem = name.lastIndexOf("_" + Channel.RED.fileSuffix() + ".");
            String id = null;
            if (stem > 0 && EXTENSIONS.contains(name.substring(name.lastIndexOf('.') + 1))) {
                id = name.substring(0, stem);
            }
            for (String extension : OME_EXTENSIONS) {
                if (name.endsWith(extension) && name.length() > extension.length()) {
                    id = name.substring(0, name.length() - extension.length());
                }
            }
            if (id != null) {
                if (!isSafeId(id)) {
                    throw new DatasetException(root.resolve(name) + ": the id '" + id + "' is not a safe file name "
                            + "stem (letters, digits, '.', '_' and '-' only, no '..', at most 200 characters)");
                }
                ids.add(id);
            }
        }
        List<HpaEntry> entries = new ArrayList<>();
        ids.forEach(id -> entries.add(new HpaEntry(id, new int[0])));
        return open(root, DecodeLimits.defaults(), entries, files, omeChannelNames);
    }

    private static Path requireDirectory(Path dir) throws DatasetException {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new DatasetException("not a directory: " + dir);
        }
        return dir.toAbsolutePath().normalize();
    }

    private static HpaDirectory open(Path root, DecodeLimits limits, List<HpaEntry> entries, Set<String> files,
                                     Map<String, Channel> omeChannelNames) throws DatasetException {
        Map<String, Path[]> stains = new HashMap<>();
        Map<String, Path> omeTiffs = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (HpaEntry entry : entries) {
            String ome = findOmeTiff(files, entry.id());
            Path[] paths = new Path[Channel.values().length];
            List<String> missingStains = new ArrayList<>();
            for (Channel channel : Channel.values()) {
                String found = findStain(files, entry.id(), channel);
                if (found == null) {
                    missingStains.add(root.resolve(entry.id() + "_" + channel.fileSuffix() + ".png").toString());
                } else {
                    paths[channel.ordinal()] = confined(root, found);
                }
            }
            if (ome == null) {
                missing.addAll(missingStains);
                stains.put(entry.id(), paths);
            } else if (missingStains.size() < paths.length) {
                throw new DatasetException("field " + entry.id() + " in " + root + " has both an OME-TIFF (" + ome
                        + ") and stain files of its own: keep one of them");
            } else {
                omeTiffs.put(entry.id(), confined(root, ome));
            }
        }
        failIfMissing(missing, "stain file", " (also looked for .tif, .tiff, .jpg, .jpeg, and <id>.ome.tif(f))");
        Path masks = root.resolve(MASKS_FOLDER);
        boolean hasTrueMasks = Files.isDirectory(masks);
        if (hasTrueMasks) {
            Set<String> maskFiles = listNames(masks);
            for (HpaEntry entry : entries) {
                for (int label : entry.labels()) {
                    String name = maskName(entry.id(), label);
                    if (!maskFiles.contains(name)) {
                        missing.add(masks.resolve(name).toString());
                    }
                }
            }
            failIfMissing(missing, "mask file", "");
        }
        return new HpaDirectory(root, limits, Collections.unmodifiableList(entries), stains, omeTiffs,
                Map.copyOf(omeChannelNames), hasTrueMasks);
    }

    /** The directory (absolute, normalised). */
    public Path directory() {
        return directory;
    }

    /** The samples, in {@code train.csv} order. */
    public List<HpaEntry> entries() {
        return entries;
    }

    /** Whether the directory carries true masks ({@code masks/}), as HPA-Synth output does. */
    public boolean hasTrueMasks() {
        return hasTrueMasks;
    }

    /**
     * The file holding one stain of a sample (inside {@link #directory()}).
     *
     * @throws IllegalArgumentException if the entry is not one of this directory's, or its stains are the channels of
     *                                  one OME-TIFF ({@link #omeTiffPath})
     */
    public Path stainPath(HpaEntry entry, Channel channel) {
        return pathsOf(entry)[channel.ordinal()];
    }

    /**
     * The OME-TIFF holding all four stains of a sample, or empty when each stain has its own file.
     *
     * @throws IllegalArgumentException if the entry is not one of this directory's
     */
    public Optional<Path> omeTiffPath(HpaEntry entry) {
        requireKnown(entry);
        return Optional.ofNullable(omeTiffs.get(entry.id()));
    }

    /**
     * Every file {@link #load} reads for a sample: its OME-TIFF or its four stain files, then the true mask of
     * each label when the directory has masks. A cache keys a sample's tensors on these files' sizes and times.
     *
     * @throws IllegalArgumentException if the entry is not one of this directory's
     */
    public List<Path> sourceFiles(HpaEntry entry) {
        List<Path> files = new ArrayList<>();
        Optional<Path> ome = omeTiffPath(entry);
        if (ome.isPresent()) {
            files.add(ome.get());
        } else {
            files.addAll(Arrays.asList(pathsOf(entry)));
        }
        if (hasTrueMasks) {
            for (int label : entry.labels()) {
                files.add(directory.resolve(MASKS_FOLDER).resolve(maskName(entry.id(), label)));
            }
        }
        return files;
    }

    /**
     * Decodes a sample's four stains, from their files or from the channels of its OME-TIFF.
     *
     * @throws DatasetException         naming the file and the {@link ImageDecodeException.Reason} it is unreadable for
     * @throws IllegalArgumentException if the entry is not one of this directory's
     */
    public Map<Channel, GrayImage> decodeStains(HpaEntry entry) throws DatasetException {
        Optional<Path> ome = omeTiffPath(entry);
        if (ome.isPresent()) {
            try {
                return OmeTiff.decode(read(ome.get()), limits, omeChannelNames).stains();
            } catch (ImageDecodeException e) {
                throw new DatasetException(ome.get() + ": " + e.getMessage(), e);
            }
        }
        Path[] paths = pathsOf(entry);
        Map<Channel, GrayImage> images = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            images.put(channel, decode(paths[channel.ordinal()], channel));
        }
        return images;
    }

    /**
     * Decodes a sample's four stains into the model's {@code 4 × size × size} tensor, plus its true masks
     * resized to {@code size} (area-averaged, then 1 where at least half covered) when the directory has them.
     *
     * @throws DatasetException         naming the file and the {@link ImageDecodeException.Reason} for an
     *                                  unreadable image, or the sample for stains (or masks) of different sizes
     * @throws IllegalArgumentException if the entry is not one of this directory's or size is not positive
     */
    public LoadedSample load(HpaEntry entry, int size) throws DatasetException {
        Map<Channel, GrayImage> stained = decodeStains(entry);
        GrayImage[] images = new GrayImage[Channel.values().length];
        stained.forEach((channel, image) -> images[channel.ordinal()] = image);
        float[] tensor;
        try {
            tensor = Preprocessing.toTensor(images[0], images[1], images[2], images[3], size);
        } catch (ImageDecodeException e) {
            throw new DatasetException("sample " + entry.id() + " in " + directory + ": " + e.getMessage(), e);
        }
        float[] masks = hasTrueMasks ? loadMasks(entry, images[0], size) : null;
        return new LoadedSample(entry.id(), tensor, entry.labels(), masks);
    }

    private float[] loadMasks(HpaEntry entry, GrayImage reference, int size) throws DatasetException {
        int plane = size * size;
        float[] masks = new float[HpaClasses.COUNT * plane];
        float[] resized = new float[plane];
        for (int label : entry.labels()) {
            Path path = directory.resolve(MASKS_FOLDER).resolve(maskName(entry.id(), label));
            GrayImage mask = decode(path, null);
            if (mask.width() != reference.width() || mask.height() != reference.height()) {
                throw new DatasetException(path + ": DIMENSION_MISMATCH: mask is " + mask.width() + "x"
                        + mask.height() + " but the stains of " + entry.id() + " are " + reference.width() + "x"
                        + reference.height());
            }
            Resize.area(mask.pixels(), mask.width(), mask.height(), size, size, resized, 0);
            int offset = label * plane;
            for (int i = 0; i < plane; i++) {
                masks[offset + i] = resized[i] >= 0.5f ? 1f : 0f;
            }
        }
        return masks;
    }

    /** Decodes a stain ({@code stain} says which, for HPA colour images) or, with null, a grey mask. */
    private GrayImage decode(Path path, Channel stain) throws DatasetException {
        try {
            return ImageCodec.decode(read(path), limits, stain);
        } catch (ImageDecodeException e) {
            throw new DatasetException(path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path path) throws DatasetException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot be read: " + e, e);
        }
    }

    private Path[] pathsOf(HpaEntry entry) {
        requireKnown(entry);
        Path[] paths = stains.get(entry.id());
        if (paths == null) {
            throw new IllegalArgumentException("sample " + entry.id() + " is one OME-TIFF, "
                    + omeTiffs.get(entry.id()) + ": its stains have no files of their own (decodeStains reads them)");
        }
        return paths;
    }

    private void requireKnown(HpaEntry entry) {
        if (entry == null || !(stains.containsKey(entry.id()) || omeTiffs.containsKey(entry.id()))) {
            throw new IllegalArgumentException("sample " + (entry == null ? null : entry.id()) + " is not in "
                    + directory.resolve(LABELS_FILE));
        }
    }

    private static List<HpaEntry> readLabels(Path csv) throws DatasetException {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(csv + ": cannot be read: " + e, e);
        }
        if (lines.isEmpty() || !stripBom(lines.get(0)).strip().equals("Id,Target")) {
            throw new DatasetException(csv + " line 1: expected the header 'Id,Target', got '"
                    + (lines.isEmpty() ? "" : lines.get(0).strip()) + "'");
        }
        Map<String, Integer> lineOfId = new LinkedHashMap<>();
        List<HpaEntry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = csv + " line " + (i + 1) + ": ";
            String[] fields = line.split(",", -1);
            if (fields.length != 2) {
                throw new DatasetException(where + "expected 2 comma-separated fields (Id,Target), got "
                        + fields.length);
            }
            String id = fields[0].strip();
            if (!isSafeId(id)) {
                throw new DatasetException(where + "Id '" + id + "' is not a safe file name stem (letters, digits, "
                        + "'.', '_' and '-' only, no '..', at most 200 characters)");
            }
            Integer previous = lineOfId.putIfAbsent(id, i + 1);
            if (previous != null) {
                throw new DatasetException(where + "duplicate Id " + id + " (first on line " + previous + ")");
            }
            entries.add(new HpaEntry(id, parseLabels(fields[1].strip(), where)));
        }
        return entries;
    }

    private static int[] parseLabels(String target, String where) throws DatasetException {
        if (target.isEmpty()) {
            throw new DatasetException(where + "no labels in Target");
        }
        String[] tokens = target.split("\\s+");
        int[] labels = new int[tokens.length];
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < tokens.length; t++) {
            int label;
            try {
                label = Integer.parseInt(tokens[t]);
            } catch (NumberFormatException e) {
                throw new DatasetException(where + "label '" + tokens[t] + "' is not a class index", e);
            }
            if (!HpaClasses.isValid(label)) {
                throw new DatasetException(where + "unknown label " + label + " (classes are 0.."
                        + (HpaClasses.COUNT - 1) + ")");
            }
            if (!seen.add(label)) {
                throw new DatasetException(where + "label " + label + " appears twice");
            }
            labels[t] = label;
        }
        return labels;
    }

    /** Whether {@code id} can safely name files: letters, digits, {@code . _ -}, no {@code ..}, ≤ 200 chars. */
    public static boolean isSafeId(String id) {
        return id != null && SAFE_ID.matcher(id).matches() && !id.contains("..");
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static Set<String> listNames(Path dir) throws DatasetException {
        try (Stream<Path> list = Files.list(dir)) {
            Set<String> names = new HashSet<>();
            list.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot be listed: " + e, e);
        }
    }

    private static String findStain(Set<String> files, String id, Channel channel) {
        String stem = id + "_" + channel.fileSuffix() + ".";
        for (String extension : EXTENSIONS) {
            if (files.contains(stem + extension)) {
                return stem + extension;
            }
        }
        return null;
    }

    private static String findOmeTiff(Set<String> files, String id) {
        for (String extension : OME_EXTENSIONS) {
            if (files.contains(id + extension)) {
                return id + extension;
            }
        }
        return null;
    }

    private static String maskName(String id, int label) {
        return id + "_" + label + ".png";
    }

    private static Path confined(Path root, String name) throws DatasetException {
        Path path = root.resolve(name).normalize();
        if (!path.getParent().equals(root)) {
            throw new DatasetException("file " + name + " resolves outside " + root);
        }
        return path;
    }

    private static void failIfMissing(List<String> missing, String what, String note) throws DatasetException {
        if (!missing.isEmpty()) {
            String more = missing.size() > 1 ? " and " + (missing.size() - 1) + " more" : "";
            throw new DatasetException("missing " + what + ": " + missing.get(0) + note + more);
        }
    }

    private static List<String> acceptedExtensions() {
        List<String> extensions = new ArrayList<>();
        for (ImageFormat format : ImageFormat.values()) {
            extensions.addAll(format.fileExtensions());
        }
        return List.copyOf(extensions);
    }
}
