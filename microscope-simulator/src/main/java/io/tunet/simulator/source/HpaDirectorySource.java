package io.tunet.simulator.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.OmeTiff;
import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.HpaEntry;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;
import io.tunet.simulator.publish.EncodedImage;

/**
 * Reads an HPA-layout directory ({@code <Id>_red.png}, {@code _green}, {@code _blue}, {@code _yellow}; PNG, TIFF or
 * JPEG; any size) for publishing, through the project's one layout reader, {@link HpaDirectory#scan(Path)}. The
 * files' bytes are sent as they are; only their headers are read here. A field stored as one multi-channel OME-TIFF
 * ({@code <Id>.ome.tif}) is decoded instead and each of its four channels sent as a grey PNG of the file's bit depth
 * (8 or 16), so what travels is one single-stain image per stain as for any other field. Fields are the ids of
 * {@code train.csv} when present (with their labels), else every id with a red stain file or an OME-TIFF.
 */
public final class HpaDirectorySource {

    private static final Map<Stain, Channel> CHANNEL = new EnumMap<>(Map.of(
            Stain.RED_MICROTUBULES, Channel.RED, Stain.GREEN_PROTEIN, Channel.GREEN,
            Stain.BLUE_NUCLEUS, Channel.BLUE, Stain.YELLOW_ER, Channel.YELLOW));

    private final HpaDirectory directory;
    private final Map<String, HpaEntry> entries = new LinkedHashMap<>();

    private HpaDirectorySource(HpaDirectory directory) {
        this.directory = directory;
        directory.entries().forEach(entry -> entries.put(entry.id(), entry));
    }

    /**
     * Opens a directory.
     *
     * @throws SourceException if it is not a directory, train.csv is malformed, an id is unsafe or a stain file
     *                         is missing (naming the file)
     */
    public static HpaDirectorySource open(Path dir) throws SourceException {
        return open(dir, OmeTiff.defaultNames());
    }

    /**
     * Opens a directory whose OME-TIFF fields name their channels otherwise than after the stains.
     *
     * @param omeChannelNames lower-case OME channel name → stain, e.g. from {@link OmeTiff#parseMapping}
     * @throws SourceException as {@link #open(Path)}
     */
    public static HpaDirectorySource open(Path dir, Map<String, Channel> omeChannelNames) throws SourceException {
        try {
            return new HpaDirectorySource(HpaDirectory.scan(dir, omeChannelNames));
        } catch (DatasetException e) {
            throw new SourceException(e.getMessage());
        }
    }

    /** The ids in publishing order. */
    public List<String> ids() {
        return new ArrayList<>(entries.keySet());
    }

    /** The labels of an id from train.csv, empty when the directory has none. */
    public int[] labels(String id) {
        HpaEntry entry = entries.get(id);
        return entry == null ? new int[0] : entry.labels();
    }

    /**
     * Reads the four stain files of one id.
     *
     * @throws SourceException naming the file when the id is unknown, a file is unreadable or its header is not
     *                         an image's
     */
    public Map<Stain, EncodedImage> read(String id) throws SourceException {
        HpaEntry entry = entries.get(id);
        if (entry == null) {
            throw new SourceException("no field " + id + " in " + directory.directory());
        }
        if (directory.omeTiffPath(entry).isPresent()) {
            return readOmeTiff(entry);
        }
        Map<Stain, EncodedImage> stains = new EnumMap<>(Stain.class);
        for (Map.Entry<Stain, Channel> stain : CHANNEL.entrySet()) {
            Path file = directory.stainPath(entry, stain.getValue());
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

    private Map<Stain, EncodedImage> readOmeTiff(HpaEntry entry) throws SourceException {
        Map<Channel, GrayImage> channels;
        try {
            channels = directory.decodeStains(entry);
        } catch (DatasetException e) {
            throw new SourceException("unreadable image " + e.getMessage());
        }
        Map<Stain, EncodedImage> stains = new EnumMap<>(Stain.class);
        for (Map.Entry<Stain, Channel> stain : CHANNEL.entrySet()) {
            GrayImage image = channels.get(stain.getValue());
            stains.put(stain.getKey(), new EncodedImage(ImageCodec.encodePng(image, image.bitDepth()), ImageFormat.PNG,
                    image.width(), image.height(), image.bitDepth()));
        }
        return stains;
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

}
