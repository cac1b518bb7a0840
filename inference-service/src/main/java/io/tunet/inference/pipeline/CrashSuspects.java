package io.tunet.inference.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which samples the process was working on when it died, counted over restarts, so that a sample that kills the
 * JVM (a native crash in a decoder or ONNX Runtime, an {@link OutOfMemoryError} that ends the process) is not
 * replayed into the same death for ever: an exception is isolated and dead-lettered within the process (see
 * {@link InferencePipeline}), but a dead process remembers nothing, and the uncommitted sample comes back first after
 * every restart.
 *
 * <p>A journal file in the service's state folder: a line {@code S <topic> <partition> <offset>} is appended, and
 * forced to disk, before a sample's work begins, a line {@code F ...} (not forced) when its outputs were acknowledged,
 * and {@code STOPPED} on a graceful stop. On start, every sample begun and not finished, unless the process stopped
 * gracefully, was in the process when it died: its count goes up by one. Counts live on as {@code C <topic>
 * <partition> <offset> <n>} lines until the sample finishes. The pipeline works on a sample with a count alone (nothing
 * else in flight), so that the next death names it and not its batch, and dead-letters a sample whose count reached
 * the limit instead of working on it. The journal is rewritten (counts and open samples only) when it grows past
 * {@value #COMPACT_BYTES} bytes.
 *
 * <p>A sample that another instance takes over after a rebalance starts there with no count: each instance bounds
 * its own deaths.
 */
public final class CrashSuspects implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrashSuspects.class);
    /** The journal's name in the state folder. */
    public static final String FILE = "pipeline-journal.txt";
    static final long COMPACT_BYTES = 1 << 20;
    private static final String STOPPED = "STOPPED";

    /** A record's coordinates. */
    record Coordinates(String topic, int partition, long offset) {

        static Coordinates of(TopicPartition partition, long offset) {
            return new Coordinates(partition.topic(), partition.partition(), offset);
        }

        String line() {
            return topic + " " + partition + " " + offset;
        }
    }

    /** The journal cannot be written: the pipeline must stop rather than work on without it. */
    public static final class JournalException extends RuntimeException {
        JournalException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private final Path file;
    private final int limit;
    private final long compactBytes;
    private final Map<Coordinates, Integer> counts;
    private final Set<Coordinates> open = new LinkedHashSet<>();
    private FileChannel journal;

    private CrashSuspects(Path file, int limit, long compactBytes, Map<Coordinates, Integer> counts) {
        if (limit < 1) {
            throw new IllegalArgumentException("the crash limit must be at least 1: " + limit);
        }
        this.file = file;
        this.limit = limit;
        this.compactBytes = compactBytes;
        this.counts = counts;
    }

    /** Suspects that remember nothing across restarts (tests that need no crash accounting). */
    public static CrashSuspects inMemory() {
        return new CrashSuspects(null, Integer.MAX_VALUE, COMPACT_BYTES, new HashMap<>());
    }

    /**
     * Reads the journal in {@code stateDir} (absent: a first start), counts the samples the last process died with,
     * and starts a new journal holding the counts.
     *
     * @param limit a sample the process died with this many times is dead-lettered instead of worked on again
     */
    public static CrashSuspects open(Path stateDir, int limit) {
        return open(stateDir, limit, COMPACT_BYTES);
    }

    static CrashSuspects open(Path stateDir, int limit, long compactBytes) {
        Path file = stateDir.resolve(FILE);
        try {
            Files.createDirectories(stateDir);
            Map<Coordinates, Integer> counts = new HashMap<>();
            if (Files.exists(file)) {
                counts = replay(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
            CrashSuspects suspects = new CrashSuspects(file, limit, compactBytes, counts);
            suspects.rewrite();
            if (!counts.isEmpty()) {
                LOG.warn("the last inference process died while working on {} sample(s): {}; each is worked on alone, "
                        + "and dead-lettered once its count reaches the limit", counts.size(), counts);
            }
            return suspects;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the pipeline journal " + file, e);
        }
    }

    /** The counts a journal's lines leave: earlier counts, plus one for each sample begun and not finished. */
    static Map<Coordinates, Integer> replay(List<String> lines) {
        Map<Coordinates, Integer> counts = new HashMap<>();
        Set<Coordinates> begun = new LinkedHashSet<>();
        boolean stopped = false;
        for (String line : lines) {
            String[] parts = line.strip().split(" ");
            try {
                switch (parts[0]) {
                    case "C" -> counts.put(coordinates(parts), Integer.parseInt(parts[4]));
                    case "S" -> {
                        begun.add(coordinates(parts));
                        stopped = false;
                    }
                    case "F" -> {
                        Coordinates done = coordinates(parts);
                        begun.remove(done);
                        counts.remove(done);
                    }
                    case STOPPED -> stopped = true;
                    default -> {
                        // a line torn by the crash, or empty
                    }
                }
            } catch (RuntimeException e) {
                // a line torn by the crash: the samples it named are counted by the lines before it
            }
        }
        if (!stopped) {
            begun.forEach(c -> counts.merge(c, 1, Integer::sum));
        }
        return counts;
    }

    private static Coordinates coordinates(String[] parts) {
        return new Coordinates(parts[1], Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
    }

    /** How many times the process died while working on this record (0: never). */
    public synchronized int crashes(TopicPartition partition, long offset) {
        return counts.getOrDefault(Coordinates.of(partition, offset), 0);
    }

    /** Whether the process died while working on this record as often as the limit allows: it is dead-lettered. */
    public boolean condemned(TopicPartition partition, long offset) {
        return crashes(partition, offset) >= limit;
    }

    /** Before work on a record begins; on disk when this returns. */
    public synchronized void begin(TopicPartition partition, long offset) {
        Coordinates coordinates = Coordinates.of(partition, offset);
        open.add(coordinates);
        append("S " + coordinates.line(), true);
    }

    /** When a record's outputs (or dead letter) were acknowledged. */
    public synchronized void finish(TopicPartition partition, long offset) {
        Coordinates coordinates = Coordinates.of(partition, offset);
        boolean begun = open.remove(coordinates);
        boolean counted = counts.remove(coordinates) != null;
        if (begun || counted) {
            append("F " + coordinates.line(), false);
        }
    }

    /** A graceful stop: what is still open did not die with the process. */
    @Override
    public synchronized void close() {
        append(STOPPED, true);
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("closing the pipeline journal failed: {}", e.getMessage());
            }
            journal = null;
        }
    }

    private void append(String line, boolean force) {
        if (file == null) {
            return;
        }
        try {
            if (journal == null) {
                journal = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                journal.write(bytes);
            }
            if (force) {
                journal.force(false);
            }
            if (journal.size() > compactBytes) {
                rewrite();
            }
        } catch (IOException e) {
            // without the journal a sample that kills the process is replayed into the same death: stop instead
            throw new JournalException("cannot write the pipeline journal " + file, e);
        }
    }

    /** Replaces the journal with the counts and the open samples, atomically. */
    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        counts.forEach((c, n) -> text.append("C ").append(c.line()).append(' ').append(n).append('\n'));
        open.forEach(c -> text.append("S ").append(c.line()).append('\n'));
        if (journal != null) {
            journal.close();
            journal = null;
        }
        Path temp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
