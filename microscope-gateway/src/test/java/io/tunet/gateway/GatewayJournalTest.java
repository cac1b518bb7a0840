package io.tunet.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.gateway.journal.PublishJournal;
import io.tunet.gateway.journal.PublishJournal.Intent;

class GatewayJournalTest {

    @TempDir
    Path temp;

    @Test
    void shouldRememberIntentsAndMarksAcrossAReopen() throws Exception {
        Path file = temp.resolve("state").resolve(PublishJournal.FILE_NAME);
        try (PublishJournal journal = PublishJournal.open(file)) {
            journal.recordIntents(List.of(intent("a", "x y_red.png"), intent("b", "b_red.png"), intent("c", "c_red.png")));
            journal.recordPublished(Map.of("b", "b_red.png", "c", "c_red.png"));
            journal.forget("c");
        }
        try (PublishJournal journal = PublishJournal.open(file)) {
            assertThat(journal.pending()).containsExactly(intent("a", "x y_red.png"));
            assertThat(journal.isPublished("b")).isTrue();
            // forgotten in memory only: the file still says published, which is what a restart needs
            assertThat(journal.isPublished("c")).isTrue();
            assertThat(journal.skippedLines()).isZero();
        }
    }

    @Test
    void shouldSkipALineCutShortByACrash() throws Exception {
        Path file = temp.resolve(PublishJournal.FILE_NAME);
        try (PublishJournal journal = PublishJournal.open(file)) {
            journal.recordIntents(List.of(intent("a", "a_red.png")));
        }
        String whole = Files.readString(file);
        // a second intent, cut in the middle of its line
        Files.writeString(file, whole.substring(0, whole.length() - 5).replace("\ta\t", "\tb\t"),
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (PublishJournal journal = PublishJournal.open(file)) {
            assertThat(journal.pending()).containsExactly(intent("a", "a_red.png"));
            assertThat(journal.skippedLines()).isEqualTo(1);
        }
        assertThat(Files.readString(file)).as("rewritten without the damaged line").isEqualTo(whole);
    }

    @Test
    void shouldCompactToWhatIsStillNeeded() throws Exception {
        Path file = temp.resolve(PublishJournal.FILE_NAME);
        try (PublishJournal journal = PublishJournal.open(file)) {
            for (int i = 0; i < 100; i++) {
                journal.recordIntents(List.of(intent("id" + i, "f" + i + "_red.png")));
                journal.recordPublished(Map.of("id" + i, "f" + i + "_red.png"));
                journal.forget("id" + i);
            }
            journal.recordIntents(List.of(intent("last", "last_red.png")));
            long before = journal.sizeBytes();
            journal.compact();
            assertThat(journal.sizeBytes()).isLessThan(before / 50);
        }
        try (PublishJournal journal = PublishJournal.open(file)) {
            assertThat(journal.pending()).containsExactly(intent("last", "last_red.png"));
            assertThat(journal.isPublished("id7")).isFalse();
        }
    }

    private static Intent intent(String id, String name) {
        return new Intent(id, name, "sample-" + id, 3, 1_700_000_000_000L);
    }
}
