package io.tunet.training.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training dataset's index: which samples have stored images, their latest labels, and feedback still
 * waiting for its sample. It is an append-only JSON-lines file ({@code index.jsonl}) replayed on open, so it
 * survives restarts and a crash loses at most the line being written (a torn last line is skipped on replay).
 * The latest label of a sample wins (by labelled-at time; a tie goes to the one received last). Feedback is
 * taken once per feedback id: the same record consumed again (after a restart or a rebalance) changes nothing.
 * Thread-safe.
 */
public final class DatasetIndex implements AutoCloseable {

    /** The index file's name inside the data directory. */
    public static final String FILE = "index.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a label did to the dataset. */
    public enum LabelOutcome {
        /** It became the sample's label and differs from the one stored before (or is its first). */
        CHANGED,
        /** It was recorded, but the sample's labels stay as they were (older, or the same classes again). */
        UNCHANGED,
        /** It waits for its sample's images. */
        WAITING,
        /** Its feedback id was taken before (a replay): nothing was recorded. */
        DUPLICATE
    }

    /** Feedback for a sample whose images have not arrived. */
    public record Pending(String sampleId, String feedbackId, int[] labels, long labelledAt, long receivedAt,
            String labelledBy) {
    }

    private final Path file;
    private final FileOutputStream stream;
    private final Writer writer;
    private final Map<String, List<StoredImage>> images = new HashMap<>();
    private final Map<String, IndexLine> labels = new HashMap<>();
    private final Map<String, List<IndexLine>> pending = new LinkedHashMap<>();
    private final Set<String> feedbackIds = new HashSet<>();
    private long labelChanges;

    private DatasetIndex(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            replay(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        this.stream = new FileOutputStream(file.toFile(), true);
        this.writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    }

    /**
     * Opens (or creates) the index in {@code dataDirectory}.
     *
     * @throws IOException if the directory or file cannot be created or read
     */
    public static DatasetIndex open(Path dataDirectory) throws IOException {
        Files.createDirectories(dataDirectory);
        return new DatasetIndex(dataDirectory.resolve(FILE));
    }

    private void replay(List<String> lines) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                apply(JSON.readValue(line, IndexLine.class));
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    continue; // a line torn by a crash while it was written: its record is re-consumed from Kafka
                }
                throw new IOException(file + " line " + (i + 1) + " is not an index record: " + e.getOriginalMessage(), e);
            }
        }
    }

    /** Records a sample's four stored stains (red, green, blue, yellow); pending feedback for it becomes labels. */
    public synchronized void addImages(String sampleId, List<StoredImage> stains, long receivedAt) {
        if (stains.size() != 4) {
            throw new IllegalArgumentException("a sample has 4 stains, got " + stains.size());
        }
        append(new IndexLine(IndexLine.Kind.IMAGES, sampleId, null, null, null, receivedAt, null,
                stains.toArray(StoredImage[]::new), null));
    }

    /**
     * Records labels for a sample, once per feedback id. If its images are stored they become its labels (when
     * not older than the current ones); otherwise they wait for the sample.
     *
     * @return what the label did to the dataset
     */
    public synchronized LabelOutcome addLabel(String sampleId, String feedbackId, int[] classes, long labelledAt,
            long receivedAt, String labelledBy) {
        if (feedbackIds.contains(feedbackId)) {
            return LabelOutcome.DUPLICATE;
        }
        long changesBefore = labelChanges;
        int[] sorted = Arrays.stream(classes).sorted().distinct().toArray();
        append(new IndexLine(IndexLine.Kind.LABEL, sampleId, feedbackId, sorted, labelledAt, receivedAt, labelledBy,
                null, null));
        if (!images.containsKey(sampleId)) {
            return LabelOutcome.WAITING;
        }
        return labelChanges > changesBefore ? LabelOutcome.CHANGED : LabelOutcome.UNCHANGED;
    }

    /** Gives up feedback that waited too long for its sample. */
    public synchronized void drop(String sampleId, String feedbackId, String reason, long at) {
        append(new IndexLine(IndexLine.Kind.DROPPED, sampleId, feedbackId, null, null, at, null, null, reason));
    }

    private void append(IndexLine line) {
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
        apply(line);
    }

    private void apply(IndexLine line) {
        switch (line.kind()) {
            case IMAGES -> {
                images.put(line.sampleId(), List.of(line.stains()));
                List<IndexLine> waiting = pending.remove(line.sampleId());
                if (waiting != null) {
                    waiting.forEach(this::acceptLabel);
                }
            }
            case LABEL -> {
                // index files written before feedback ids were deduplicated may hold the same feedback twice
                if (!feedbackIds.add(line.feedbackId())) {
                    return;
                }
                if (images.containsKey(line.sampleId())) {
                    acceptLabel(line);
                } else {
                    pending.computeIfAbsent(line.sampleId(), id -> new ArrayList<>()).add(line);
                }
            }
            case DROPPED -> {
                List<IndexLine> waiting = pending.get(line.sampleId());
                if (waiting != null) {
                    waiting.removeIf(l -> l.feedbackId().equals(line.feedbackId()));
                    if (waiting.isEmpty()) {
                        pending.remove(line.sampleId());
                    }
                }
            }
        }
    }

    private void acceptLabel(IndexLine line) {
        IndexLine current = labels.get(line.sampleId());
        if (current == null || line.labelledAt() >= current.labelledAt()) {
            labels.put(line.sampleId(), line);
            if (current == null || !Arrays.equals(current.labels(), line.labels())) {
                labelChanges++;
            }
        }
    }

    /** Forces appended lines to disk (call before committing the Kafka offsets they came from). */
    public synchronized void sync() {
        try {
            writer.flush();
            stream.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file, e);
        }
    }

    /** Whether the sample's images are stored. */
    public synchronized boolean hasImages(String sampleId) {
        return images.containsKey(sampleId);
    }

    /**
     * How many labels changed the dataset so far: a sample's first label, or a label set different from the one
     * it replaced. Feedback consumed again, an older label and the same classes again do not count. Derived
     * from the index file, so a restart yields the same number.
     */
    public synchronized long labelChanges() {
        return labelChanges;
    }

    /** Feedback still waiting for its sample, oldest first. */
    public synchronized List<Pending> pending() {
        List<Pending> result = new ArrayList<>();
        pending.values().forEach(lines -> lines.forEach(l -> result.add(
                new Pending(l.sampleId(), l.feedbackId(), l.labels(), l.labelledAt(), l.receivedAt(), l.labelledBy()))));
        return result;
    }

    /** Every labelled sample with stored images, as a snapshot with a content-derived id. */
    public synchronized DatasetSnapshot snapshot() {
        List<LabelledSample> samples = new ArrayList<>(labels.size());
        labels.forEach((id, line) -> samples.add(new LabelledSample(id, line.labels(), line.labelledAt(), images.get(id))));
        return DatasetSnapshot.of(samples);
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
