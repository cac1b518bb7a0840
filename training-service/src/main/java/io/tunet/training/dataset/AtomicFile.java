package io.tunet.training.dataset;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's whole content so that a crash at any point leaves either the old content or the new, never
 * a mix: the new content goes to {@code <name>.compacting}, is forced to disk, renamed over the file, and the
 * directory is forced so that the rename survives a power loss. A {@code .compacting} file found later is what
 * a crash left behind before the rename: {@link #removeLeftover} deletes it, the file itself being intact.
 */
public final class AtomicFile {

    /** Suffix of the temporary file a rewrite writes before it is renamed over the target. */
    public static final String TEMP_SUFFIX = ".compacting";

    /** Writes the new content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    private AtomicFile() {
    }

    /** The temporary file of a rewrite of {@code file}. */
    public static Path tempOf(Path file) {
        return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    /**
     * Deletes what a rewrite of {@code file} interrupted by a crash left behind.
     *
     * @return whether there was something
     */
    public static boolean removeLeftover(Path file) throws IOException {
        return Files.deleteIfExists(tempOf(file));
    }

    /** Replaces {@code file}'s content with what {@code content} writes, atomically and durably. */
    public static void replace(Path file, Content content) throws IOException {
        Path temp = tempOf(file);
        try (FileOutputStream stream = new FileOutputStream(temp.toFile());
             Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8)) {
            content.writeTo(writer);
            writer.flush();
            stream.getFD().sync();
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes a rename in {@code dir} durable (Linux and macOS sync a directory opened for reading). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
