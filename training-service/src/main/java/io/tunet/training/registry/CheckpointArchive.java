package io.tunet.training.registry;

import io.tunet.core.training.TunetTraining;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * What a {@code ModelVersion.checkpoint} blob holds: a zip of the version's DJL parameter file
 * ({@code <architecture>-<epoch>.params}) and the {@value TunetTraining#NETWORK_FILE} that describes its
 * network, so that a training instance that never saw the run can warm-start from it.
 */
public final class CheckpointArchive {

    private static final String PARAMS_PATTERN = "[a-z0-9]+-\\d{4}\\.params";

    private CheckpointArchive() {
    }

    /**
     * Packs a checkpoint written by a training run.
     *
     * @param checkpoint the {@code .params} file; {@value TunetTraining#NETWORK_FILE} must be beside it
     * @throws IOException if either file cannot be read
     */
    public static byte[] pack(Path checkpoint) throws IOException {
        if (!checkpoint.getFileName().toString().matches(PARAMS_PATTERN)) {
            throw new IOException(checkpoint + " is not a checkpoint file (<architecture>-<epoch>.params)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Path file : new Path[] {checkpoint, checkpoint.resolveSibling(TunetTraining.NETWORK_FILE)}) {
                zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Unpacks an archive written by {@link #pack(Path)} into {@code directory}.
     *
     * @return the {@code .params} file, with {@value TunetTraining#NETWORK_FILE} beside it
     * @throws IOException if the archive is not a zip, holds anything but one parameter file and one network
     *     description, or cannot be written out
     */
    public static Path unpack(byte[] archive, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path params = null;
        boolean network = false;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (name.equals(TunetTraining.NETWORK_FILE) && !network) {
                    network = true;
                } else if (name.matches(PARAMS_PATTERN) && params == null) {
                    params = directory.resolve(name);
                } else {
                    throw new IOException("checkpoint archive holds an unexpected entry '" + name + "'");
                }
                Files.write(directory.resolve(name), zip.readAllBytes());
            }
        }
        if (params == null || !network) {
            throw new IOException("checkpoint archive lacks " + (params == null ? "a .params file"
                    : TunetTraining.NETWORK_FILE));
        }
        return params;
    }
}
