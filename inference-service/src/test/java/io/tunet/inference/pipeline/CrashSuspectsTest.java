package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashSuspectsTest {

    private static final TopicPartition P0 = new TopicPartition("samples", 0);
    private static final TopicPartition P1 = new TopicPartition("samples", 1);

    @TempDir
    Path state;

    @Test
    void shouldCountTheSamplesAProcessDiedWithAndForgetTheFinishedOnes() {
        CrashSuspects first = CrashSuspects.open(state, 2);
        first.begin(P0, 1);
        first.begin(P0, 2);
        first.begin(P1, 7);
        first.finish(P0, 1);
        // the process dies: no close

        CrashSuspects second = CrashSuspects.open(state, 2);

        assertThat(second.crashes(P0, 1)).isZero();
        assertThat(second.crashes(P0, 2)).isEqualTo(1);
        assertThat(second.crashes(P1, 7)).isEqualTo(1);
        assertThat(second.condemned(P1, 7)).isFalse();
        second.finish(P0, 2); // worked on alone, finished: innocent
        second.begin(P1, 7); // worked on alone: the process dies again

        CrashSuspects third = CrashSuspects.open(state, 2);

        assertThat(third.crashes(P0, 2)).isZero();
        assertThat(third.crashes(P1, 7)).isEqualTo(2);
        assertThat(third.condemned(P1, 7)).isTrue();
        third.finish(P1, 7); // dead-lettered
        third.close();
        assertThat(CrashSuspects.open(state, 2).crashes(P1, 7)).isZero();
    }

    @Test
    void shouldNotCountWhatWasOpenAtAGracefulStop() {
        CrashSuspects first = CrashSuspects.open(state, 2);
        first.begin(P0, 3);
        first.close();

        assertThat(CrashSuspects.open(state, 2).crashes(P0, 3)).isZero();
    }

    @Test
    void shouldKeepACountAcrossAGracefulStopUntilTheSampleFinishes() {
        CrashSuspects first = CrashSuspects.open(state, 3);
        first.begin(P0, 4);
        CrashSuspects second = CrashSuspects.open(state, 3); // died
        second.close(); // stopped before reaching it

        CrashSuspects third = CrashSuspects.open(state, 3);

        assertThat(third.crashes(P0, 4)).isEqualTo(1);
    }

    @Test
    void shouldReadPastALineTornByTheCrash() throws Exception {
        Files.write(state.resolve(CrashSuspects.FILE), List.of("C samples 0 9 1", "S samples 1 5", "S samp"));

        CrashSuspects suspects = CrashSuspects.open(state, 2);

        assertThat(suspects.crashes(P0, 9)).isEqualTo(1);
        assertThat(suspects.crashes(P1, 5)).isEqualTo(1);
    }

    @Test
    void shouldRewriteTheJournalWhenItGrowsAndKeepWhatItKnows() throws Exception {
        CrashSuspects first = CrashSuspects.open(state, 2, 1_000);
        first.begin(P1, 0);
        for (long offset = 1; offset < 200; offset++) {
            first.begin(P0, offset);
            first.finish(P0, offset);
        }

        assertThat(Files.size(state.resolve(CrashSuspects.FILE))).isLessThan(1_100);
        assertThat(CrashSuspects.open(state, 2).crashes(P1, 0)).isEqualTo(1);
    }

    @Test
    void shouldRememberNothingInMemory() {
        CrashSuspects suspects = CrashSuspects.inMemory();
        suspects.begin(P0, 1);

        assertThat(suspects.crashes(P0, 1)).isZero();
        assertThat(suspects.condemned(P0, 1)).isFalse();
    }
}
