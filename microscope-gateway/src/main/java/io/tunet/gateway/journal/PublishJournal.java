package io.tunet.gateway.journal;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway is about to publish and what it has published, on disk: an append-only file of short lines,
 * each with its own CRC-32, synced ({@code fsync}) before a call returns. An <em>intent</em> is written before a
 * stain's record is sent (with the partition and timestamp it is sent with, so that a later check can find it on
 * the topic); a <em>published</em> mark after the broker acknowledged it, before the file is moved to
 * {@code done/}. A line cut short by a crash fails its CRC and is skipped: only the last line can be, and the
 * record it announced was never sent, because sending waits for the sync.
 *
 * <p>In memory it holds the intents not yet marked and the marks whose file has not been moved yet
 * ({@link #forget} drops them); {@link #compact} rewrites the file to just that, atomically. Not thread-safe: the
 * gateway's loop is its only user.
 */
public final class PublishJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishJournal.class);

    /** The journal's file name inside the state folder. */
    public static final String FILE_NAME = "published.journal";

    /**
     * A record about to be sent.
     *
     * @param acquisitionId the record's acquisition id, derived from the file (see {@code AcquisitionIds})
     * @param fileName      the file in the watched folder
     * @param sampleId      the record key
     * @param partition     the partition of {@code acquisitions} it is sent to
     * @param timestamp     the record timestamp it is sent with, epoch milliseconds
     */
    public record Intent(String acquisitionId, String fileName, String sampleId, int partition, long timestamp) {
    }

    private final Path file;
    private final Map<String, Intent> pending = new LinkedHashMap<>();
    private final Map<String, String> published = new LinkedHashMap<>();
    private FileChannel out;
    private int skippedLines;

    private PublishJournal(Path file) {
        this.file = file;
    }

    /**
     * Opens (creating it and its folder if needed) and reads a journal, then rewrites it without damaged lines.
     *
     * @throws IOException if the folder or file cannot be created, read or written
     */
    public static PublishJournal open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        PublishJournal journal = new PublishJournal(file);
        if (Files.exists(file)) {
            journal.load(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        journal.compact();
        return journal;
    }

    /** Lines skipped when the journal was read (a line cut short by a crash, at most one in normal operation). */
    public int skippedLines() {
        return skippedLines;
    }

    /** Intents that were written but not marked published: their records may or may not be on the topic. */
    public Collection<Intent> pending() {
        return List.copyOf(pending.values());
    }

    /** The unmarked intent of an acquisition, or null. */
    public Intent pending(String acquisitionId) {
        return pending.get(acquisitionId);
    }

    /** Acquisitions marked published whose files were not yet {@linkplain #forget forgotten}: id → file name. */
    public Map<String, String> published() {
        return Map.copyOf(published);
    }

    /** Whether an acquisition is marked published and its file was not yet {@linkplain #forget forgotten}. */
    public boolean isPublished(String acquisitionId) {
        return published.containsKey(acquisitionId);
    }

    /** Appends intents and syncs; returns once they are on disk. */
    public void recordIntents(Collection<Intent> intents) throws IOException {
        if (intents.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Intent intent : intents) {
            lines.append(line("I", intent.acquisitionId(), intent.sampleId(), Integer.toString(intent.partition()),
                    Long.toString(intent.timestamp()), intent.fileName()));
        }
        append(lines);
        intents.forEach(intent -> pending.put(intent.acquisitionId(), intent));
    }

    /**
     * Marks acquisitions published (their records are on the topic) and syncs.
     *
     * @param files acquisition id → file name
     */
    public void recordPublished(Map<String, String> files) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        files.forEach((id, name) -> lines.append(line("D", id, name)));
        append(lines);
        files.forEach((id, name) -> {
            pending.remove(id);
            published.put(id, name);
        });
    }

    /** Drops what is known of an acquisition whose file left the folder; the file loses it at the next compaction. */
    public void forget(String acquisitionId) {
        pending.remove(acquisitionId);
        published.remove(acquisitionId);
    }

    /** The journal's size on disk. */
    public long sizeBytes() throws IOException {
        return out.size();
    }

    /**
     * Rewrites the file to what memory holds (unmarked intents, marks of files not yet moved): a new file, synced,
     * then renamed over the old one and the folder synced, so a crash leaves one or the other.
     */
    public void compact() throws IOException {
        if (out != null) {
            out.close();
        }
        StringBuilder lines = new StringBuilder();
        for (Intent intent : pending.values()) {
            lines.append(line("I", intent.acquisitionId(), intent.sampleId(), Integer.toString(intent.partition()),
                    Long.toString(intent.timestamp()), intent.fileName()));
        }
        published.forEach((id, name) -> lines.append(line("D", id, name)));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel tmp = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(tmp, lines);
            tmp.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.toAbsolutePath().getParent());
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }

    private void load(List<String> lines) {
        for (String text : lines) {
            String[] fields = text.split("\t", -1);
            if (fields.length < 2 || !crc(text.substring(0, text.lastIndexOf('\t'))).equals(fields[fields.length - 1])) {
                skippedLines++;
                continue;
            }
            try {
                if (fields[0].equals("I") && fields.length == 7) {
                    String id = decode(fields[1]);
                    pending.put(id, new Intent(id, decode(fields[5]), decode(fields[2]), Integer.parseInt(fields[3]),
                            Long.parseLong(fields[4])));
                } else if (fields[0].equals("D") && fields.length == 4) {
                    String id = decode(fields[1]);
                    pending.remove(id);
                    published.put(id, decode(fields[2]));
                } else {
                    skippedLines++;
                }
            } catch (IllegalArgumentException e) {
                skippedLines++;
            }
        }
        if (skippedLines > 0) {
            LOG.warn("{}: skipped {} damaged line(s) (a line cut short by a crash is expected; the record it announced "
                    + "was never sent)", file, skippedLines);
        }
    }

    private void append(CharSequence lines) throws IOException {
        write(out, lines);
        out.force(false);
    }

    private static void write(FileChannel channel, CharSequence lines) throws IOException {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(lines.toString());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static String line(String type, String... values) {
        StringBuilder line = new StringBuilder(type);
        for (String value : values) {
            line.append('\t').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        String text = line.toString();
        return text + '\t' + crc(text) + '\n';
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is then as durable as they make it.
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }
}
