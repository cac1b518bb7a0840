package io.tunet.gateway.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.tunet.gateway.folder.StainFile;
import io.tunet.schemas.Stain;

/**
 * The acquisition id of a stain file: a name-based UUID of the file's name, size and modification time (and, for each
 * of the four stains of an OME-TIFF, the stain). The same file gives the same ids in every run, so a record published
 * before a crash is recognised after it (in the journal, or on the topic); a file written again under the same name
 * is a new acquisition.
 */
public final class AcquisitionIds {

    /** The stains of an OME-TIFF, in the order of their ids and records. */
    public static final List<Stain> OME_STAINS = List.of(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN,
            Stain.BLUE_NUCLEUS, Stain.YELLOW_ER);

    private AcquisitionIds() {
    }

    /**
     * The ids of a file: one for a single-stain file, one per stain (in {@link #OME_STAINS} order) for an OME-TIFF.
     *
     * @param size          bytes
     * @param modifiedNanos last modification, nanoseconds since the epoch as the file system reports it
     */
    public static List<String> of(StainFile file, long size, long modifiedNanos) {
        if (!file.omeTiff()) {
            return List.of(of(file.name(), size, modifiedNanos));
        }
        List<String> ids = new ArrayList<>();
        for (Stain stain : OME_STAINS) {
            ids.add(of(file.name() + "\n" + stain, size, modifiedNanos));
        }
        return List.copyOf(ids);
    }

    /**
     * The id of a single-stain file.
     *
     * @param name          file name, without the folder
     * @param size          bytes
     * @param modifiedNanos last modification, nanoseconds since the epoch as the file system reports it
     */
    public static String of(String name, long size, long modifiedNanos) {
        String key = "microscope-gateway\n" + name + "\n" + size + "\n" + modifiedNanos;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
