package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("samples", 0);
    private static final TopicPartition P1 = new TopicPartition("samples", 1);

    @Test
    void shouldCommitOnlyTheDonePrefixOfEachPartition() {
        OffsetTracker tracker = new OffsetTracker();
        for (long offset = 10; offset < 15; offset++) {
            tracker.register(P0, offset);
        }
        tracker.register(P1, 3);
        tracker.complete(P0, 11);
        tracker.complete(P0, 12);
        assertThat(tracker.committable()).isEmpty();

        tracker.complete(P0, 10);
        tracker.complete(P1, 3);
        assertThat(tracker.committable()).containsOnly(
                java.util.Map.entry(P0, new OffsetAndMetadata(13)), java.util.Map.entry(P1, new OffsetAndMetadata(4)));
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.outstanding()).isEqualTo(2);

        tracker.complete(P0, 14);
        assertThat(tracker.committable()).isEmpty();
        tracker.complete(P0, 13);
        assertThat(tracker.committable()).containsOnly(java.util.Map.entry(P0, new OffsetAndMetadata(15)));
    }

    @Test
    void shouldIgnoreCompletionsOfForgottenPartitions() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.register(P0, 1);
        tracker.forget(List.of(P0));
        tracker.complete(P0, 1);
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.outstanding()).isZero();
    }
}
