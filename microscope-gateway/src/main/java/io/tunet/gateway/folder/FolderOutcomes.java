package io.tunet.gateway.folder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Where files go once the gateway is done with them, inside the watched folder (so a move is a rename on one file
 * system): {@code done/} for published files, {@code failed/} for files that cannot be published, each beside a
 * {@code <name>.reason} text file saying why. A name already taken in the target folder gets a number
 * ({@code x_red.1.png}), so nothing is overwritten.
 */
public final class FolderOutcomes {

    /** Published files. */
    public static final String DONE = "done";
    /** Files that cannot be published, with their reasons. */
    public static final String FAILED = "failed";
    /** Suffix of the text file that says why a file failed. */
    public static final String REASON_SUFFIX = ".reason";

    private final Path folder;
    private final Path done;
    private final Path failed;

    /**
     * Creates {@code done/} and {@code failed/} when they are missing, then and before every move.
     *
     * @throws IOException if they cannot be created
     */
    public FolderOutcomes(Path folder) throws IOException {
        this.folder = folder;
        this.done = Files.createDirectories(folder.resolve(DONE));
        this.failed = Files.createDirectories(folder.resolve(FAILED));
    }

    /** Moves a published file to {@code done/}; returns where it went. */
    public Path published(String name) throws IOException {
        return move(name, done);
    }

    /**
     * Writes {@code failed/<name>.reason} (reason, detail, time), then moves the file to {@code failed/}; returns
     * where it went. The reason comes first, so a file in {@code failed/} always has one.
     */
    public Path failed(String name, String reason, String detail, Instant at) throws IOException {
        Files.createDirectories(failed);
        Path target = free(failed, name);
        String text = "file: " + name + "\nreason: " + reason + "\ndetail: " + detail + "\nat: " + at + "\n";
        Files.writeString(target.resolveSibling(target.getFileName() + REASON_SUFFIX), text, StandardCharsets.UTF_8);
        return moveTo(folder.resolve(name), target);
    }

    private Path move(String name, Path into) throws IOException {
        // created again if an operator removed it while the gateway runs
        Files.createDirectories(into);
        return moveTo(folder.resolve(name), free(into, name));
    }

    private static Path moveTo(Path source, Path target) throws IOException {
        try {
            return Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(source, target);
        }
    }

    /** {@code into/name}, or {@code into/<stem>.<n>.<ext>} for the first n not taken. */
    private static Path free(Path into, String name) {
        Path target = into.resolve(name);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return target;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 1; ; n++) {
            Path candidate = into.resolve(stem + "." + n + extension);
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }
}
