package io.tunet.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.tunet.stack.bench.SoakBenchmark.Sample;
import io.tunet.stack.support.Stack;

/** The soak's verdict on made-up samples: a 30-minute run at 12 fields/s, one sample a minute. */
class VerdictTest {

    private static final int RATE_PER_MINUTE = 720;
    private static final Verdict.Setting SETTING = new Verdict.Setting(10, 0.05, 30_000, 14_000_000, 128,
            1L << 30, 0.1, 5);

    @Test
    void shouldPassWhenEverythingIsFlatOrGrowsWithinItsBound() {
        Verdict verdict = Verdict.of(run(0, 0), SETTING, 30 * RATE_PER_MINUTE, List.of(), List.of());

        assertThat(verdict.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
        assertThat(verdict.passed()).isTrue();
    }

    @Test
    void shouldFailWhenAProcessGrowsFasterThanFivePercentOfItsLevelPerHour() {
        // 500 MB growing 1 MB a minute: 12% per hour
        Verdict verdict = Verdict.of(run(1_000_000, 0), SETTING, 30 * RATE_PER_MINUTE, List.of(), List.of());

        assertThat(failed(verdict)).containsExactly("PSS " + Stack.INGEST);
    }

    @Test
    void shouldFailWhenTheBlobStoreKeepsTheStainsOfUnlabelledFields() {
        // every field's 30 KB of stains kept, where retention should keep the labelled 5% only
        Verdict verdict = Verdict.of(run(0, 30_000), SETTING, 30 * RATE_PER_MINUTE, List.of(), List.of());

        assertThat(failed(verdict)).containsExactly("disk " + SoakBenchmark.BLOBS);
    }

    @Test
    void shouldFailWhenClaimCheckedStainsArePublishedButNoneIsEverCollected() {
        Verdict verdict = Verdict.of(run(0, 0, 0), SETTING, 30 * RATE_PER_MINUTE, List.of(), List.of());

        assertThat(failed(verdict)).containsExactly("training's garbage collector ran");
    }

    @Test
    void shouldFailWhenAPublishedFieldWasNeverStored() {
        Verdict verdict = Verdict.of(run(0, 0), SETTING, 30 * RATE_PER_MINUTE, List.of("SOAK-P1-A01-f1"), List.of());

        assertThat(failed(verdict)).containsExactly("nothing lost");
    }

    @Test
    void shouldJudgeTrainingOnItsFloorBetweenRunsNotOnWhereItsPeaksFall() {
        // runs (1.5 GB above a flat 1.4 GB floor) fall late in the window: a line through every sample climbs
        Verdict flatFloor = Verdict.of(withTrainingRuns(run(0, 0), 0), SETTING, 30 * RATE_PER_MINUTE, List.of(),
                List.of());
        assertThat(failed(flatFloor)).isEmpty();
        assertThat(check(flatFloor, "PSS " + Stack.TRAINING).measured()).contains("between runs (12 of 21 samples;")
                .contains("during runs up to 2900 MB");

        // the floor itself rising 1 MB a minute (4%/h of 1.4 GB is 0.93 MB/min): fails
        Verdict risingFloor = Verdict.of(withTrainingRuns(run(0, 0), 1_500_000), SETTING, 30 * RATE_PER_MINUTE,
                List.of(), List.of());
        assertThat(failed(risingFloor)).containsExactly("PSS " + Stack.TRAINING);
    }

    /**
     * {@code samples} with training at a 1.4 GB floor (rising by {@code floorPerMinute}) and runs in minutes 17-19 and
     * 24-27, each run's memory still held at the first sample after it (minutes 20 and 28: the JVM trims later).
     */
    private static List<Sample> withTrainingRuns(List<Sample> samples, long floorPerMinute) {
        List<Sample> changed = new ArrayList<>();
        for (Sample s : samples) {
            int minute = (int) s.minutes();
            boolean running = minute >= 17 && minute <= 19 || minute >= 24 && minute <= 27;
            boolean held = running || minute == 20 || minute == 28;
            Map<String, Long> memory = new LinkedHashMap<>(s.memory());
            memory.put(Stack.TRAINING, 1_400_000_000L + minute * floorPerMinute + (held ? 1_500_000_000L : 0));
            Map<String, Double> training = new LinkedHashMap<>(s.training());
            training.put(SoakBenchmark.TRAINING_RUN_IN_PROGRESS, running ? 1.0 : 0.0);
            changed.add(new Sample(s.minutes(), s.running(), s.load(), s.published(), s.stored(), s.labels(),
                    s.p50Millis(), s.p99Millis(), memory, s.disk(), training, s.collections(), s.trainingRuns()));
        }
        return changed;
    }

    private static Verdict.Check check(Verdict verdict, String what) {
        return verdict.checks().stream().filter(c -> c.what().equals(what)).findFirst().orElseThrow();
    }

    @Test
    void shouldLabelTheGivenShareEvenlySpread() {
        long labelled = IntStream.range(0, 1000).filter(i -> SoakBenchmark.isLabelled(i, 0.05)).count();

        assertThat(labelled).isEqualTo(50);
        assertThat(SoakBenchmark.isLabelled(19, 0.05)).isTrue();
        assertThat(SoakBenchmark.isLabelled(20, 0.05)).isFalse();
    }

    private static List<String> failed(Verdict verdict) {
        return verdict.checks().stream().filter(c -> !c.passed()).map(Verdict.Check::what).toList();
    }

    /**
     * Samples of a healthy run (flat memory, blob store growing by the labelled stains only, Kafka and PostgreSQL by a
     * field's records), with {@code ingestGrowthPerMinute} bytes of PSS and {@code blobGrowthPerField} bytes of blobs
     * added.
     */
    private static List<Sample> run(long ingestGrowthPerMinute, long blobGrowthPerField) {
        return run(ingestGrowthPerMinute, blobGrowthPerField, 0.04);
    }

    private static List<Sample> run(long ingestGrowthPerMinute, long blobGrowthPerField, double foreignDeletedPerField) {
        List<Sample> samples = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            int fields = minute * RATE_PER_MINUTE;
            int labels = fields / 20;
            int runs = minute / 8;
            Map<String, Long> memory = new LinkedHashMap<>();
            for (String process : SoakBenchmark.line()) {
                memory.put(process, 500_000_000L + (process.equals(Stack.INGEST) ? minute * ingestGrowthPerMinute : 0)
                        + (minute % 2) * 3_000_000L);
            }
            Map<String, Long> disk = new LinkedHashMap<>();
            disk.put(SoakBenchmark.BLOBS, 40_000_000L + labels * 30_000L + (long) fields * blobGrowthPerField);
            // the topics' retention and the changelogs' compaction hold: Kafka grows by tombstones and closed samples
            disk.put(SoakBenchmark.KAFKA, 900_000_000L + fields * 1_000L);
            disk.put(SoakBenchmark.POSTGRES_TABLES, 27_000_000L + fields * 34_000L);
            disk.put(SoakBenchmark.POSTGRES_WAL, Math.min(16_000_000L * (minute + 1), 600_000_000L));
            disk.put(SoakBenchmark.TRAINING_DATA, 2_000_000L + fields * 200L + labels * 70_000L);
            disk.put(SoakBenchmark.TRAINING_RUNS, runs * 500_000L);
            Map<String, Double> training = Map.of("training_retention_samples_dropped_total", (double) fields * 0.9,
                    "training_retention_blobs_deleted_total", fields * 3.6,
                    "training_retention_foreign_blobs_deleted_total", fields * foreignDeletedPerField);
            Map<String, Long> collections = new LinkedHashMap<>();
            for (String module : Stack.SERVICES) {
                collections.put(module, 10L * minute);
            }
            samples.add(new Sample(minute, true, 1.0, fields, fields, labels, 250, 700, memory, disk, training, collections,
                    runs));
        }
        return samples;
    }
}
