package io.tunet.training.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.topics.Topics;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.dataset.DatasetIndex.LabelOutcome;
import io.tunet.training.dataset.DatasetSnapshot;
import io.tunet.training.dataset.LabelledSample;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackIntakeTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private DatasetIndex index;
    private LocalDirectoryBlobStore blobs;
    private FeedbackIntake intake;

    @BeforeEach
    void open() throws Exception {
        index = DatasetIndex.open(dir.resolve("data"));
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), clock);
    }

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private static FeedbackIntake.Source source(String key) {
        return new FeedbackIntake.Source(Topics.FEEDBACK.name(), 2, 17, key, new byte[] {1, 2, 3});
    }

    @Test
    void shouldRefuseLabelOutsideTheClassRangeWithReason() throws Exception {
        Optional<DeadLetter> letter = intake.onFeedback(EasyFields.feedback("f1", "s1", 0, 28), source("s1")).refused();

        assertThat(letter).isPresent();
        assertThat(letter.get().getReason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(letter.get().getDetail()).contains("label 28").contains("outside 0..27");
        assertThat(letter.get().getSourceOffset()).isEqualTo(17L);
        assertThat(letter.get().getOriginalKey()).isEqualTo("s1");
        assertThat(index.pending()).isEmpty();
    }

    @Test
    void shouldRefuseFeedbackWithoutLabels() throws Exception {
        assertThat(intake.onFeedback(EasyFields.feedback("f1", "s1"), source("s1")).refused())
                .hasValueSatisfying(l -> assertThat(l.getDetail()).contains("has no labels"));
    }

    @Test
    void shouldCarryAValueTooLargeForTheDeadLetterTopicAsABlobReference() throws Exception {
        byte[] small = new byte[FeedbackIntake.INLINE_PAYLOAD_LIMIT];
        byte[] large = new byte[FeedbackIntake.INLINE_PAYLOAD_LIMIT + 1];
        large[0] = 7;

        DeadLetter inline = intake.deadLetter(DeadLetterReason.OTHER, "small",
                new FeedbackIntake.Source(Topics.SAMPLES.name(), 0, 1, "s1", small));
        DeadLetter referenced = intake.deadLetter(DeadLetterReason.OTHER, "large",
                new FeedbackIntake.Source(Topics.SAMPLES.name(), 0, 2, "s2", large));

        assertThat(inline.getPayload().remaining()).isEqualTo(small.length);
        assertThat(inline.getPayloadRef()).isNull();
        assertThat(referenced.getPayload()).isNull();
        assertThat(blobs.get(referenced.getPayloadRef())).isEqualTo(large);
        assertThat(Topics.FEEDBACK_DLQ.valueSerde().serializer().serialize(Topics.FEEDBACK_DLQ.name(), inline).length)
                .isLessThan(Topics.FEEDBACK_DLQ.maxMessageBytes());
    }

    @Test
    void shouldDeadLetterFeedbackWhoseSampleDoesNotArriveInTime() throws Exception {
        assertThat(intake.onFeedback(EasyFields.feedback("f1", "ghost", 3), source("ghost")).refused()).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(intake.expire()).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        List<DeadLetter> letters = intake.expire();

        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_SAMPLE);
            assertThat(l.getDetail()).contains("sample ghost did not arrive").contains("PT5M");
            assertThat(Topics.FEEDBACK.valueSerde().deserializer().deserialize("feedback", l.getPayload().array())
                    .getLabels()).containsExactly(3);
        });
        assertThat(index.pending()).isEmpty();
        assertThat(intake.expire()).isEmpty();
    }

    @Test
    void shouldUseWaitingFeedbackWhenItsSampleArrivesAndLetTheLatestLabelWin() throws Exception {
        intake.onFeedback(EasyFields.feedback("f1", "s1", 0), source("s1"));
        assertThat(index.snapshot().samples()).isEmpty();

        intake.onSample(EasyFields.sample("s1", 0, 1));
        clock.advance(Duration.ofMinutes(10));
        assertThat(intake.expire()).isEmpty();
        var newer = EasyFields.feedback("f2", "s1", 25, 0);
        newer.setLabelledAt(Instant.now().plusSeconds(60));
        intake.onFeedback(newer, source("s1"));
        var older = EasyFields.feedback("f3", "s1", 7);
        older.setLabelledAt(Instant.now().minusSeconds(3600));
        intake.onFeedback(older, source("s1"));

        DatasetSnapshot snapshot = index.snapshot();
        assertThat(snapshot.samples()).singleElement().satisfies(s -> {
            assertThat(s.labels()).containsExactly(0, 25);
            assertThat(s.stains()).hasSize(4).allSatisfy(image -> assertThat(blobs.exists(image.toBlobRef())).isTrue());
        });
    }

    @Test
    void shouldKeepLabelsAndWaitingFeedbackAcrossRestartAndChangeSnapshotIdWhenALabelChanges() throws Exception {
        intake.onSample(EasyFields.sample("s1", 0, 1));
        intake.onFeedback(EasyFields.feedback("f1", "s1", 0), source("s1"));
        intake.onFeedback(EasyFields.feedback("f2", "waiting", 4), source("waiting"));
        String before = index.snapshot().id();
        index.close();

        index = DatasetIndex.open(dir.resolve("data"));
        assertThat(index.snapshot().id()).isEqualTo(before);
        assertThat(index.snapshot().samples()).extracting(LabelledSample::sampleId).containsExactly("s1");
        assertThat(index.pending()).extracting(DatasetIndex.Pending::sampleId).containsExactly("waiting");

        var relabel = EasyFields.feedback("f3", "s1", 0, 25);
        relabel.setLabelledAt(Instant.now().plusSeconds(5));
        new FeedbackIntake(index, blobs, Duration.ofMinutes(5), clock).onFeedback(relabel, source("s1"));
        assertThat(index.snapshot().id()).isNotEqualTo(before);
    }

    @Test
    void shouldCountOnlyLabelsThatChangeTheDatasetAlsoWhenFeedbackIsConsumedAgainAfterARestart() throws Exception {
        intake.onSample(EasyFields.sample("s1", 0, 1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        var first = labelled("f1", "s1", t, 0);
        var sameClassesAgain = labelled("f2", "s1", t.plusSeconds(10), 0);
        var different = labelled("f3", "s1", t.plusSeconds(20), 0, 25);
        var older = labelled("f4", "s1", t.minusSeconds(60), 7);
        var waiting = labelled("f5", "s2", t, 3);
        List<LabelFeedback> all = List.of(first, sameClassesAgain, different, older, waiting);
        assertThat(all).extracting(f -> intake.onFeedback(f, source(f.getSampleId())).outcome()).containsExactly(
                LabelOutcome.CHANGED, LabelOutcome.UNCHANGED, LabelOutcome.CHANGED, LabelOutcome.UNCHANGED,
                LabelOutcome.WAITING);
        assertThat(index.labelChanges()).isEqualTo(2);

        index.close();
        index = DatasetIndex.open(dir.resolve("data"));
        intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), clock);
        assertThat(index.labelChanges()).isEqualTo(2);
        assertThat(all).extracting(f -> intake.onFeedback(f, source(f.getSampleId())).outcome())
                .as("the same records consumed again after a restart").containsOnly(LabelOutcome.DUPLICATE);
        assertThat(index.labelChanges()).isEqualTo(2);
        assertThat(index.pending()).extracting(DatasetIndex.Pending::feedbackId).containsExactly("f5");

        intake.onSample(EasyFields.sample("s2", 1, 1));
        assertThat(index.labelChanges()).as("f5 labels s2 once its sample arrives").isEqualTo(3);
        assertThat(index.snapshot().samples()).extracting(LabelledSample::labels)
                .containsExactlyInAnyOrder(new int[] {0, 25}, new int[] {3});
    }

    private static LabelFeedback labelled(String feedbackId, String sampleId, Instant at, int... labels) {
        LabelFeedback feedback = EasyFields.feedback(feedbackId, sampleId, labels);
        feedback.setLabelledAt(at);
        return feedback;
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
