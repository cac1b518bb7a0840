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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The training dataset's index: which samples have stored images, their latest labels, and feedback still
 * waiting for its sample. It is an append-only JSON-lines file ({@code index.jsonl}) replayed on open, so it
 * survives restarts and a crash loses at most the line being written (a torn last line is skipped on replay, and
 * the file is compacted at once so that the next line does not land behind it).
 * The latest label of a sample wins (by labelled-at time; a tie goes to the one received last). Feedback is
 * taken once per feedback id: the same record consumed again (after a restart or a rebalance) changes nothing.
 *
 * <p>Retention: {@link #retain} drops the images of unlabelled samples outside a window (count and age); the
 * sample id is remembered, so a label that arrives for it later is kept as a label without images
 * ({@link LabelOutcome#SAMPLE_DROPPED}) instead of waiting and being dead-lettered as an unknown sample. {@link
 * #compact} rewrites the file with only the lines that still matter (atomically: {@link AtomicFile}), so that
 * file and memory follow what retention dropped.
 * Thread-safe.
 */
public final class DatasetIndex implements AutoCloseable {

    /** The index file's name inside the data directory. */
    public static final String FILE = "index.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(DatasetIndex.class);

    /** What a label did to the dataset. */
    public enum LabelOutcome {
        /** It became the sample's label and differs from the one stored before (or is its first). */
        CHANGED,
        /** It was recorded, but the sample's labels stay as they were (older, or the same classes again). */
        UNCHANGED,
        /** It waits for its sample's images. */
        WAITING,
        /** Its feedback id was taken before (a replay): nothing was recorded. */
        DUPLICATE,
        /**
         * Its sample's images were dropped by retention before the label came: kept as a label without images
         * (it becomes the sample's label if the sample is stored again), not trained on.
         */
        SAMPLE_DROPPED
    }

    /** An unlabelled sample whose images {@link #retain} dropped. */
    public record Dropped(String sampleId, List<StoredImage> stains, long receivedAt) {
    }

    /**
     * What the index holds.
     *
     * @param labelled samples with images and a label (the training set)
     * @param unlabelled samples with images and no label yet (the retention window)
     * @param waitingFeedback feedback waiting for its sample
     * @param droppedSamples ids of samples whose images retention dropped, still remembered
     * @param labelsWithoutImages labels kept for dropped samples
     * @param lines lines in the file
     * @param liveLines lines a compaction would write
     */
    public record Stats(int labelled, int unlabelled, int waitingFeedback, int droppedSamples, int labelsWithoutImages,
            long lines, long liveLines) {

        /** Lines that no longer matter. */
        public long deadLines() {
            return lines - liveLines;
        }
    }

    /** Feedback for a sample whose images have not arrived. */
    public record Pending(String sampleId, String feedbackId, int[] labels, long labelledAt, long receivedAt,
            String labelledBy) {
    }

    private final Path file;
    private FileOutputStream stream;
    private Writer writer;
    /** The IMAGES line of each sample whose images are kept. */
    private final Map<String, IndexLine> images = new HashMap<>();
    /** How many kept samples reference each blob (by SHA-256): samples may share identical stains. */
    private final Map<String, Integer> blobReferences = new HashMap<>();
    private final Map<String, IndexLine> labels = new HashMap<>();
    private final Map<String, List<IndexLine>> pending = new LinkedHashMap<>();
    /** Samples whose images retention dropped, and when. */
    private final Map<String, Long> dropped = new HashMap<>();
    /** Labels that arrived for dropped samples. */
    private final Map<String, List<IndexLine>> withoutImages = new HashMap<>();
    private final Set<String> feedbackIds = new HashSet<>();
    private long labelChanges;
    private long lines;
    private boolean tornLine;

    private DatasetIndex(Path file) throws IOException {
        this.file = file;
        if (AtomicFile.removeLeftover(file)) {
            LOG.warnf("removed %s, left by a compaction that did not finish; %s is as it was before it",
                    AtomicFile.tempOf(file).getFileName(), file.getFileName());
        }
        if (Files.exists(file)) {
            replay(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        openWriter();
        if (tornLine) {
            compact(Long.MIN_VALUE, System.currentTimeMillis());
        }
    }

    private void openWriter() throws IOException {
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
                this.lines++;
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    // a line torn by a crash while it was written: its record is re-consumed from Kafka
                    tornLine = true;
                    continue;
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
        append(IndexLine.images(sampleId, stains.toArray(StoredImage[]::new), receivedAt));
    }

    /**
     * Records labels for a sample, once per feedback id. If its images are stored they become its labels (when
     * not older than the current ones); if retention dropped the sample's images they are kept as a label without
     * images; otherwise they wait for the sample.
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
        append(IndexLine.label(sampleId, feedbackId, sorted, labelledAt, receivedAt, labelledBy));
        if (!images.containsKey(sampleId)) {
            return dropped.containsKey(sampleId) ? LabelOutcome.SAMPLE_DROPPED : LabelOutcome.WAITING;
        }
        return labelChanges > changesBefore ? LabelOutcome.CHANGED : LabelOutcome.UNCHANGED;
    }

    /** Gives up feedback that waited too long for its sample. */
    public synchronized void drop(String sampleId, String feedbackId, String reason, long at) {
        append(IndexLine.dropped(sampleId, feedbackId, reason, at));
    }

    /**
     * Drops the images of unlabelled samples outside the window: all but the {@code maxUnlabelled} received last,
     * and those received more than {@code maxAge} before {@code now}. Labelled samples are never dropped. The
     * dropped samples' ids are remembered (see {@link LabelOutcome#SAMPLE_DROPPED}); their blobs are not touched
     * here.
     *
     * @return the samples dropped, with the stains they referenced
     */
    public synchronized List<Dropped> retain(int maxUnlabelled, Duration maxAge, long now) {
        if (maxUnlabelled < 0) {
            throw new IllegalArgumentException("the unlabelled window must not be negative: " + maxUnlabelled);
        }
        List<IndexLine> unlabelled = images.values().stream()
                .filter(line -> !labels.containsKey(line.sampleId()))
                .sorted(Comparator.comparingLong(IndexLine::receivedAt).reversed().thenComparing(IndexLine::sampleId))
                .toList();
        List<Dropped> result = new ArrayList<>();
        for (int i = 0; i < unlabelled.size(); i++) {
            IndexLine line = unlabelled.get(i);
            String reason;
            if (now - line.receivedAt() > maxAge.toMillis()) {
                reason = "unlabelled for longer than " + maxAge;
            } else if (i >= maxUnlabelled) {
                reason = "older than the " + maxUnlabelled + " unlabelled samples received last";
            } else {
                continue;
            }
            append(IndexLine.evicted(line.sampleId(), reason, now));
            result.add(new Dropped(line.sampleId(), List.of(line.stains()), line.receivedAt()));
        }
        return result;
    }
    private void append(IndexLine line) {
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
        lines++;
        apply(line);
    }

    private void apply(IndexLine line) {
        switch (line.kind()) {
            case IMAGES -> {
                forgetImages(images.put(line.sampleId(), line));
                for (StoredImage stain : line.stains()) {
                    blobReferences.merge(stain.sha256(), 1, Integer::sum);
                }
                dropped.remove(line.sampleId());
                List<IndexLine> waiting = pending.remove(line.sampleId());
                if (waiting != null) {
                    waiting.forEach(this::acceptLabel);
                }
                List<IndexLine> kept = withoutImages.remove(line.sampleId());
                if (kept != null) {
                    kept.forEach(this::acceptLabel);
                }
            }
            case LABEL -> {
                // index files written before feedback ids were deduplicated may hold the same feedback twice
                if (!feedbackIds.add(line.feedbackId())) {
                    return;
                }
                if (images.containsKey(line.sampleId())) {
                    acceptLabel(line);
                } else if (dropped.containsKey(line.sampleId())) {
                    withoutImages.computeIfAbsent(line.sampleId(), id -> new ArrayList<>()).add(line);
                } else {
                    pending.computeIfAbsent(line.sampleId(), id -> new ArrayList<>()).add(line);
                }
            }
            case EVICTED -> {
                forgetImages(images.remove(line.sampleId()));
                dropped.put(line.sampleId(), line.receivedAt());
            }
            case TAKEN -> feedbackIds.add(line.feedbackId());
            case STATE -> labelChanges = line.labelChanges();
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

    private void forgetImages(IndexLine previous) {
        if (previous == null) {
            return;
        }
        for (StoredImage stain : previous.stains()) {
            blobReferences.computeIfPresent(stain.sha256(), (sha, count) -> count == 1 ? null : count - 1);
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

    /** Whether a kept sample references the blob with this SHA-256 (samples may share identical stains). */
    public synchronized boolean references(String sha256) {
        return blobReferences.containsKey(sha256);
    }

    /** What the index holds, and how much of its file is dead. */
    public synchronized Stats stats() {
        int waiting = pending.values().stream().mapToInt(List::size).sum();
        int kept = withoutImages.values().stream().mapToInt(List::size).sum();
        return new Stats(labels.size(), images.size() - labels.size(), waiting, dropped.size(), kept, lines,
                liveLines(waiting, kept, dropped.size()));
    }

    /** Lines a compaction writes: each kept sample, label, waiting feedback, dropped id, other feedback id, state. */
    private long liveLines(int waiting, int kept, int droppedIds) {
        long otherIds = feedbackIds.size() - labels.size() - waiting - kept;
        return images.size() + labels.size() + waiting + droppedIds + kept + otherIds + 1;
    }

    /**
     * Compacts the file when more than {@code deadFraction} of its lines no longer matter.
     *
     * @return whether it compacted
     * @see #compact
     */
    public synchronized boolean compactIfWorthIt(double deadFraction, long forgetDroppedBefore, long now) {
        Stats stats = stats();
        if (stats.deadLines() <= 0 || stats.deadLines() <= deadFraction * stats.lines()) {
            return false;
        }
        compact(forgetDroppedBefore, now);
        return true;
    }

    /**
     * Rewrites the file with only what still matters: each kept sample's images, its winning label, waiting
     * feedback, the ids of dropped samples (those dropped before {@code forgetDroppedBefore} are forgotten, unless
     * a label is kept for them), labels kept without images, every other feedback id taken (so that replays stay
     * duplicates) and the label-change count. Replacing the file is atomic ({@link AtomicFile}): a crash leaves
     * the old file or the new one, both complete.
     *
     * @throws UncheckedIOException if the new file cannot be written; the old one stays in use
     */
    public synchronized void compact(long forgetDroppedBefore, long now) {
        dropped.entrySet().removeIf(e -> e.getValue() < forgetDroppedBefore && !withoutImages.containsKey(e.getKey()));
        List<IndexLine> live = new ArrayList<>();
        Set<String> written = new HashSet<>();
        images.values().stream().sorted(Comparator.comparing(IndexLine::sampleId)).forEach(live::add);
        labels.values().stream().sorted(Comparator.comparing(IndexLine::sampleId)).forEach(live::add);
        pending.values().forEach(live::addAll);
        dropped.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> live.add(IndexLine.evicted(e.getKey(), null, e.getValue())));
        withoutImages.values().forEach(live::addAll);
        live.stream().filter(l -> l.kind() == IndexLine.Kind.LABEL).forEach(l -> written.add(l.feedbackId()));
        feedbackIds.stream().filter(id -> !written.contains(id)).sorted().forEach(id -> live.add(IndexLine.taken(id)));
        live.add(IndexLine.state(labelChanges, now));
        try {
            writer.flush();
            AtomicFile.replace(file, out -> {
                for (IndexLine line : live) {
                    out.write(JSON.writeValueAsString(line));
                    out.write('\n');
                }
            });
            Writer old = writer;
            openWriter();
            old.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + file, e);
        }
        LOG.infof("compacted %s: %d lines to %d", file, lines, live.size());
        lines = live.size();
        tornLine = false;
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

    /**
     * The curator's classes for a sample, ascending: its latest label, also one still waiting for the sample's
     * images or kept for a sample whose images were dropped; empty when no curator labelled it. The live gate
     * judges shadowed samples by it, whether the label came before or after the shadow's verdict.
     */
    public synchronized Optional<int[]> curatorLabels(String sampleId) {
        IndexLine latest = labels.get(sampleId);
        for (List<IndexLine> others : List.of(pending.getOrDefault(sampleId, List.of()),
                withoutImages.getOrDefault(sampleId, List.of()))) {
            for (IndexLine line : others) {
                if (latest == null || line.labelledAt() > latest.labelledAt()) {
                    latest = line;
                }
            }
        }
        return latest == null ? Optional.empty() : Optional.of(latest.labels().clone());
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
        labels.forEach((id, line) -> {
            IndexLine stored = images.get(id);
            if (stored != null) {
                samples.add(new LabelledSample(id, line.labels(), line.labelledAt(), List.of(stored.stains())));
            }
        });
        return DatasetSnapshot.of(samples);
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
