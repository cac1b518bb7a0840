package io.tunet.gateway.folder;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The watched folder's names, from two sources: the {@link WatchService} (fast, but it may drop events: an
 * overflow, a network file system that reports nothing) and full {@link #list() listings}, which the gateway takes
 * at start-up and periodically. Only the folder itself is watched, not its subfolders. Not thread-safe.
 */
public final class FolderWatcher implements AutoCloseable {

    /**
     * What one wait brought.
     *
     * @param names    names created or modified (a name may repeat)
     * @param overflow events were lost: take a listing
     */
    public record Events(List<String> names, boolean overflow) {
    }

    private final Path folder;
    private WatchService service;
    private WatchKey key;

    public FolderWatcher(Path folder) {
        this.folder = folder;
    }

    /** The folder. */
    public Path folder() {
        return folder;
    }

    /** Whether the watch is registered and valid (false after the folder was removed or replaced). */
    public boolean watching() {
        return key != null && key.isValid();
    }

    /**
     * Registers the watch, replacing an invalid one.
     *
     * @throws IOException if the folder cannot be watched (missing, not readable)
     */
    public void register() throws IOException {
        if (service == null) {
            service = folder.getFileSystem().newWatchService();
        }
        if (key != null) {
            key.cancel();
        }
        key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /**
     * Waits up to {@code timeout} for events and returns them with any that are already queued. Without a valid
     * watch it just waits, so that the caller's rescans carry on.
     */
    public Events poll(Duration timeout) throws InterruptedException {
        if (!watching()) {
            Thread.sleep(timeout.toMillis());
            return new Events(List.of(), true);
        }
        List<String> names = new ArrayList<>();
        boolean overflow = false;
        try {
            WatchKey signalled = service.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            while (signalled != null) {
                for (WatchEvent<?> event : signalled.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflow = true;
                    } else if (event.context() instanceof Path name) {
                        names.add(name.toString());
                    }
                }
                if (!signalled.reset()) {
                    overflow = true; // the folder went away: the caller's listing finds out how
                }
                signalled = service.poll();
            }
        } catch (ClosedWatchServiceException e) {
            overflow = true;
        }
        return new Events(names, overflow);
    }

    /**
     * Every name in the folder.
     *
     * @throws IOException if the folder cannot be listed
     */
    public Set<String> list() throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            Set<String> names = new HashSet<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    @Override
    public void close() throws IOException {
        if (service != null) {
            service.close();
        }
    }
}
