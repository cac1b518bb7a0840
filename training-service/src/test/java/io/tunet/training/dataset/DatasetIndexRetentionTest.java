package io.tunet.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.training.dataset.DatasetIndex.LabelOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention and compaction of the dataset index, on real files. */
class DatasetIndexRetentionTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final Duration LONG_AGO = Duration.ofDays(365);

    @TempDir
    Path dir;

    static List<StoredImage> stains(String sampleId) {
        return List.of(image(sampleId + "r"), image(sampleId + "g"), image(sampleId + "b"), image(sampleId + "y"));
    }

    static StoredImage image(String seed) {
        String hex = io.tunet.blob.Sha256.hex(seed.getBytes(StandardCharsets.UTF_8));
        return new StoredImage("blob:sha256/" + hex, hex, 100);
    }

    private static List<String> ids(List<DatasetIndex.Dropped> dropped) {
        return dropped.stream().map(DatasetIndex.Dropped::sampleId).toList();
    }

    @Test
    void shouldKeepOnlyTheUnlabelledSamplesReceivedLastAndEveryLabelledOne() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            for (int n = 0; n < 6; n++) {
                index.addImages("s" + n, stains("s" + n), 1_000 + n);
            }
            index.addLabel("s0", "f0", new int[] {1}, 5, 2_000, "c");

            List<DatasetIndex.Dropped> dropped = index.retain(3, LONG_AGO, 3_000);

            assertThat(ids(dropped)).containsExactlyInAnyOrder("s1", "s2");
            assertThat(dropped.get(0).stains()).hasSize(4);
            assertThat(index.hasImages("s0")).as("labelled, though the oldest").isTrue();
            assertThat(index.hasImages("s1")).isFalse();
            assertThat(index.stats().labelled()).isEqualTo(1);
            assertThat(index.stats().unlabelled()).isEqualTo(3);
            assertThat(index.references(image("s1g").sha256())).isFalse();
            assertThat(index.references(image("s3g").sha256())).isTrue();
        }
        try (DatasetIndex reopened = DatasetIndex.open(dir)) {
            assertThat(reopened.hasImages("s1")).isFalse();
            assertThat(reopened.hasImages("s5")).isTrue();
            assertThat(reopened.snapshot().samples()).extracting(LabelledSample::sampleId).containsExactly("s0");
        }
    }

    @Test
    void shouldDropUnlabelledSamplesOlderThanTheMaximumAge() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            index.addImages("old", stains("old"), 0);
            index.addImages("new", stains("new"), 9 * DAY);

            assertThat(ids(index.retain(100, Duration.ofDays(7), 10 * DAY))).containsExactly("old");
            assertThat(index.retain(100, Duration.ofDays(7), 10 * DAY)).as("a second pass drops nothing").isEmpty();
        }
    }

    @Test
    void shouldKeepAStainTwoSamplesShareWhileOneOfThemKeepsIt() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            List<StoredImage> shared = List.of(image("x"), image("blank"), image("y"), image("z"));
            index.addImages("a", stains("a"), 0);
            index.addImages("b", List.of(image("p"), image("blank"), image("q"), image("r")), 1);
            index.addImages("c", shared, 2);
            index.addLabel("b", "fb", new int[] {1}, 1, 3, "c");

            index.retain(0, LONG_AGO, 10);

            assertThat(index.references(image("blank").sha256())).as("b is labelled and keeps it").isTrue();
            assertThat(index.references(image("x").sha256())).isFalse();
        }
    }

    @Test
    void shouldKeepALateLabelForADroppedSampleAsALabelWithoutImages() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            index.addImages("s1", stains("s1"), 0);
            index.retain(0, LONG_AGO, 1);

            assertThat(index.addLabel("s1", "late", new int[] {3}, 5, 10, "c")).isEqualTo(LabelOutcome.SAMPLE_DROPPED);
            assertThat(index.pending()).as("not waiting, so not dead-lettered as an unknown sample").isEmpty();
            assertThat(index.stats().labelsWithoutImages()).isEqualTo(1);
            assertThat(index.snapshot().samples()).isEmpty();
            assertThat(index.labelChanges()).isZero();
        }
        try (DatasetIndex reopened = DatasetIndex.open(dir)) {
            assertThat(reopened.addLabel("s1", "late", new int[] {3}, 5, 10, "c")).isEqualTo(LabelOutcome.DUPLICATE);
            assertThat(reopened.pending()).isEmpty();
            assertThat(reopened.stats().labelsWithoutImages()).isEqualTo(1);
            // the sample stored again (say, screened again under the same id): the kept label becomes its label
            reopened.addImages("s1", stains("s1"), 20);
            assertThat(reopened.snapshot().samples()).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsExactly(3));
        }
    }

    @Test
    void shouldCompactToTheSameDatasetThatSurvivesARestart() throws Exception {
        String snapshotBefore;
        long changesBefore;
        long bytesBefore;
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            for (int n = 0; n < 20; n++) {
                index.addImages("s" + n, stains("s" + n), n);
            }
            index.addLabel("s0", "f0a", new int[] {1}, 1, 30, "c");
            index.addLabel("s0", "f0b", new int[] {2}, 2, 31, "c"); // wins, f0a's line is dead
            index.addLabel("s1", "f1", new int[] {4, 5}, 1, 32, "c");
            index.addLabel("ghost", "fg", new int[] {7}, 1, 33, "c"); // waits
            index.addLabel("gone", "fx", new int[] {8}, 1, 34, "c");
            index.drop("gone", "fx", "never came", 35); // dead-lettered: dead lines, the id stays taken
            index.addImages("s2", stains("s2"), 36); // stored again: its first line is dead
            index.retain(2, LONG_AGO, 40); // keeps s2 and s19, drops s3..s18
            index.addLabel("s5", "f5", new int[] {9}, 1, 41, "c"); // s5 was dropped: kept without images
            snapshotBefore = index.snapshot().id();
            changesBefore = index.labelChanges();
            bytesBefore = Files.size(dir.resolve(DatasetIndex.FILE));
            assertThat(index.stats().deadLines()).isEqualTo(17);

            assertThat(index.compactIfWorthIt(0.25, 0, 50)).isTrue();

            assertThat(index.stats().deadLines()).isZero();
            assertThat(index.compactIfWorthIt(0.25, 0, 50)).as("nothing dead any more").isFalse();
            assertThat(Files.size(dir.resolve(DatasetIndex.FILE))).isLessThan(bytesBefore);
            assertThat(index.snapshot().id()).isEqualTo(snapshotBefore);
            index.addLabel("s19", "f19", new int[] {6}, 1, 60, "c"); // appended after the rewrite
        }
        try (DatasetIndex reopened = DatasetIndex.open(dir)) {
            assertThat(reopened.labelChanges()).isEqualTo(changesBefore + 1);
            assertThat(reopened.snapshot().samples()).extracting(LabelledSample::sampleId)
                    .containsExactly("s0", "s1", "s19");
            assertThat(reopened.snapshot().samples().get(0).labels()).containsExactly(2);
            assertThat(reopened.pending()).extracting(DatasetIndex.Pending::feedbackId).containsExactly("fg");
            assertThat(reopened.stats().labelsWithoutImages()).isEqualTo(1);
            assertThat(reopened.hasImages("s4")).isFalse();
            assertThat(reopened.hasImages("s2")).isTrue();
            for (String replayed : List.of("f0a", "f0b", "f1", "fg", "fx", "f5", "f19")) {
                assertThat(reopened.addLabel("s0", replayed, new int[] {1}, 99, 99, "c")).as(replayed)
                        .isEqualTo(LabelOutcome.DUPLICATE);
            }
            assertThat(reopened.addLabel("s4", "f4", new int[] {1}, 1, 70, "c"))
                    .as("a dropped sample is remembered across compaction").isEqualTo(LabelOutcome.SAMPLE_DROPPED);
        }
    }

    @Test
    void shouldIgnoreAndRemoveWhatACompactionInterruptedByACrashLeftBehind() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            index.addImages("s1", stains("s1"), 0);
            index.addLabel("s1", "f1", new int[] {1}, 1, 1, "c");
        }
        // a crash while the new file was written: half a line, never renamed over the index
        Path temp = dir.resolve(DatasetIndex.FILE + AtomicFile.TEMP_SUFFIX);
        Files.writeString(temp, "{\"kind\":\"IMAGES\",\"sampleId\":\"s9\",\"st", StandardCharsets.UTF_8);

        try (DatasetIndex reopened = DatasetIndex.open(dir)) {
            assertThat(Files.exists(temp)).isFalse();
            assertThat(reopened.hasImages("s9")).isFalse();
            assertThat(reopened.snapshot().samples()).extracting(LabelledSample::sampleId).containsExactly("s1");
            reopened.compact(0, 2);
            assertThat(Files.exists(temp)).as("a finished compaction leaves no temporary file").isFalse();
        }
        try (DatasetIndex again = DatasetIndex.open(dir)) {
            assertThat(again.snapshot().samples()).extracting(LabelledSample::sampleId).containsExactly("s1");
            assertThat(again.labelChanges()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotLetALineWrittenAfterATornOneCorruptTheIndex() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            index.addImages("s1", stains("s1"), 0);
        }
        Files.writeString(dir.resolve(DatasetIndex.FILE), "{\"kind\":\"LAB", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (DatasetIndex reopened = DatasetIndex.open(dir)) {
            reopened.addLabel("s1", "f1", new int[] {2}, 1, 1, "c");
        }
        try (DatasetIndex again = DatasetIndex.open(dir)) {
            assertThat(again.snapshot().samples()).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsExactly(2));
        }
    }

    @Test
    void shouldForgetDroppedSamplesAfterTheirTimeUnlessALabelIsKeptForThem() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            index.addImages("a", stains("a"), 0);
            index.addImages("b", stains("b"), 0);
            index.retain(0, LONG_AGO, DAY);
            index.addLabel("b", "fb", new int[] {1}, 1, DAY, "c");

            index.compact(30 * DAY, 40 * DAY);

            assertThat(index.stats().droppedSamples()).isEqualTo(1);
            assertThat(index.addLabel("a", "fa", new int[] {1}, 1, 41 * DAY, "c")).isEqualTo(LabelOutcome.WAITING);
            assertThat(index.stats().labelsWithoutImages()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotCompactWhileFewLinesAreDead() throws Exception {
        try (DatasetIndex index = DatasetIndex.open(dir)) {
            for (int n = 0; n < 10; n++) {
                index.addImages("s" + n, stains("s" + n), n);
            }
            index.retain(5, LONG_AGO, 20); // 15 lines, 11 live
            long size = Files.size(dir.resolve(DatasetIndex.FILE));

            assertThat(index.compactIfWorthIt(0.5, 0, 20)).isFalse();
            assertThat(Files.size(dir.resolve(DatasetIndex.FILE))).isEqualTo(size);
        }
    }
}
