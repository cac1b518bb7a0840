package io.tunet.training.retention;

import io.tunet.training.dataset.AtomicFile;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The blobs this training service wrote to the blob store it shares with ingest, inference and the results sink,
 * and so the only blobs its garbage collection may delete: {@code <data-dir>/owned-blobs.txt}, one line per
 * write ({@code + <sha256> <size> <recorded-at millis> <owner>}) or deletion ({@code - <sha256>}). A write is
 * recorded and forced to disk <em>before</em> the blob is put, so a crash between the two leaves an entry for an
 * absent blob (forgotten by the collector after the grace period), never an owned blob nobody knows of. Owners:
 * {@value #IMAGE} (a stain that came inline in a sample) and {@code model:<name>} (an ONNX file or checkpoint
 * of that model name). Recording a blob again (the same bytes put again) renews its recorded-at time.
 *
 * <p>The ledger is also the lock between writers and the collector: {@code synchronized (ledger)} around
 * "record, put, reference" on one side and "check, delete, forget" on the other, so that a blob being put again
 * and about to be referenced is never deleted in between. Thread-safe.
 */
public final class BlobLedger implements AutoCloseable {

    /** The ledger's file name inside the data directory. */
    public static final String FILE = "owned-blobs.txt";
    /** Owner of stains that arrived inline and were stored by the intake. */
    public static final String IMAGE = "image";

    private static final Logger LOG = Logger.getLogger(BlobLedger.class);

    /**
     * A blob this service wrote.
     *
     * @param recordedAt when it was last recorded, epoch millis
     * @param owner {@value #IMAGE} or {@code model:<name>}
     */
    public record Entry(String sha256, long size, long recordedAt, String owner) {
    }

    private final Path file;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private FileOutputStream stream;
    private Writer writer;
    private long lines;

    private BlobLedger(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        if (AtomicFile.removeLeftover(file)) {
            LOG.warnf("removed the leftover of an unfinished compaction of %s", file);
        }
        boolean torn = false;
        if (Files.exists(file)) {
            List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                String line = text.get(i);
                if (line.isBlank()) {
                    continue;
                }
                if (!apply(line)) {
                    if (i == text.size() - 1) {
                        torn = true; // cut by a crash while written; its blob was not put yet
                        continue;
                    }
                    throw new IOException(file + " line " + (i + 1) + " is not a ledger record: " + line);
                }
                lines++;
            }
        }
        openWriter();
        if (torn) {
            compact();
        }
    }

    /** Opens (or creates) the ledger in {@code dataDirectory}. */
    public static BlobLedger open(Path dataDirectory, Clock clock) throws IOException {
        Files.createDirectories(dataDirectory);
        return new BlobLedger(dataDirectory.resolve(FILE), clock);
    }

    /** The owner of a model name's ONNX files and checkpoints. */
    public static String modelOwner(String modelName) {
        return "model:" + modelName;
    }

    private void openWriter() throws IOException {
        stream = new FileOutputStream(file.toFile(), true);
        writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    }

    private boolean apply(String line) {
        String[] parts = line.split(" ", 5);
        if (parts.length == 5 && parts[0].equals("+")) {
            try {
                entries.remove(parts[1]); // a renewed entry moves to the end, in recorded order
                entries.put(parts[1], new Entry(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]), parts[4]));
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (parts.length == 2 && parts[0].equals("-")) {
            entries.remove(parts[1]);
            return true;
        }
        return false;
    }

    /**
     * Records blobs about to be written by this service, durably (forced to disk before it returns).
     *
     * @param blobs SHA-256 → size
     * @throws UncheckedIOException if the ledger cannot be written; the caller must not put the blobs then
     */
    public synchronized void record(Map<String, Long> blobs, String owner) {
        if (blobs.isEmpty()) {
            return;
        }
        long now = clock.millis();
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Long> blob : blobs.entrySet()) {
            text.append("+ ").append(blob.getKey()).append(' ').append(blob.getValue()).append(' ').append(now)
                    .append(' ').append(owner).append('\n');
        }
        try {
            writer.write(text.toString());
            writer.flush();
            stream.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record owned blobs in " + file, e);
        }
        text.toString().lines().forEach(line -> {
            apply(line);
            lines++;
        });
    }

    /** Forgets a blob that was deleted (or found absent). Not forced: a lost line only means one more check. */
    public synchronized void forget(String sha256) {
        if (!entries.containsKey(sha256)) {
            return;
        }
        try {
            writer.write("- " + sha256 + "\n");
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        entries.remove(sha256);
        lines++;
    }

    /** The entry of a blob, if this service wrote it and has not deleted it. */
    public synchronized java.util.Optional<Entry> entry(String sha256) {
        return java.util.Optional.ofNullable(entries.get(sha256));
    }

    /** Every blob this service wrote and has not deleted, in the order they were recorded. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Rewrites the file when more than {@code deadFraction} of its lines are dead; returns whether it did. */
    public synchronized boolean compactIfWorthIt(double deadFraction) {
        long dead = lines - entries.size();
        if (dead <= 0 || dead <= deadFraction * lines) {
            return false;
        }
        compact();
        return true;
    }

    private void compact() {
        List<Entry> live = new ArrayList<>(entries.values());
        try {
            writer.flush();
            AtomicFile.replace(file, out -> {
                for (Entry e : live) {
                    out.write("+ " + e.sha256() + " " + e.size() + " " + e.recordedAt() + " " + e.owner() + "\n");
                }
            });
            Writer old = writer;
            openWriter();
            old.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + file, e);
        }
        lines = live.size();
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
