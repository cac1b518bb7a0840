package io.tunet.gateway.publish;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The acquisition id of a stain file: a name-based UUID of the file's name, size and modification time. The same
 * file gives the same id in every run, so a record published before a crash is recognised after it (in the journal,
 * or on the topic); a file written again under the same name is a new acquisition.
 */
public final class AcquisitionIds {

    private AcquisitionIds() {
    }

    /**
     * @param name          file name, without the folder
     * @param size          bytes
     * @param modifiedNanos last modification, nanoseconds since the epoch as the file system reports it
     */
    public static String of(String name, long size, long modifiedNanos) {
        String key = "microscope-gateway\n" + name + "\n" + size + "\n" + modifiedNanos;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
