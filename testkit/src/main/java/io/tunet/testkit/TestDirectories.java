package io.tunet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders tests reuse between runs. */
public final class TestDirectories {

    private TestDirectories() {
    }

    /**
     * Deletes {@code dir} and everything below it; nothing happens when it does not exist.
     *
     * @throws UncheckedIOException naming the folder when something in it cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
