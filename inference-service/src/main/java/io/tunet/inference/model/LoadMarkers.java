package io.tunet.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Remembers, across a crash, which model version the process was loading: a marker file is written (and synced)
 * before ONNX Runtime opens a version and removed once the load has returned, refused or not. A marker found
 * later means that version took the process down while loading (ONNX Runtime crashes natively on some damaged
 * files), so it is refused instead of crash-looping the service after every restart. Deleting the marker file
 * lets the version be tried again.
 */
public final class LoadMarkers {

    private final Path directory;

    private LoadMarkers(Path directory) {
        this.directory = directory;
    }

    /** Markers in {@code directory}, created if missing. */
    public static LoadMarkers in(Path directory) {
        try {
            return new LoadMarkers(Files.createDirectories(directory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model-load marker folder " + directory, e);
        }
    }

    /** Whether a load of this version started and never returned. */
    public boolean crashedBefore(String name, long version) {
        return Files.exists(marker(name, version));
    }

    /** The marker file of a version (for log lines that say how to clear it). */
    public Path marker(String name, long version) {
        return directory.resolve("loading-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "-v" + version);
    }

    /** Writes the version's marker, synced to disk, before a load starts. */
    void loading(String name, long version) {
        Path marker = marker(name, version);
        try (FileChannel out = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(StandardCharsets.UTF_8.encode("loading since " + Instant.now() + "\n"));
            out.force(true);
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model-load marker " + marker, e);
        }
    }

    /** Removes the version's marker once its load has returned. */
    void loaded(String name, long version) {
        try {
            Files.deleteIfExists(marker(name, version));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the model-load marker " + marker(name, version), e);
        }
    }
}
