package io.tunet.training.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class ReferenceHorizonTest {

    @Test
    void shouldTakeTheTopicThatCanKeepARecordLongest() {
        ReferenceHorizon.Reading reading = ReferenceHorizon.of(Map.of(
                "samples", new ReferenceHorizon.Retained(Duration.ofDays(7).toMillis(), Duration.ofDays(1).toMillis(), 0),
                "samples-dlq", new ReferenceHorizon.Retained(Duration.ofDays(30).toMillis(), Duration.ofDays(7).toMillis(),
                        Duration.ofHours(1).toMillis())));

        assertThat(reading.horizon()).contains(Duration.ofDays(37).plusHours(1));
        assertThat(reading.why()).startsWith("topic samples-dlq");
    }

    @Test
    void shouldHaveNoHorizonWhenATopicKeepsRecordsForEverOrAcceptsTimestampsWithoutLimit() {
        assertThat(ReferenceHorizon.of(Map.of(
                "samples", new ReferenceHorizon.Retained(Duration.ofDays(7).toMillis(), 0, 0),
                "acquisitions", new ReferenceHorizon.Retained(-1, 0, 0))).horizon()).isEmpty();
        assertThat(ReferenceHorizon.of(Map.of(
                "samples", new ReferenceHorizon.Retained(Duration.ofDays(7).toMillis(), 0, Long.MAX_VALUE))).horizon())
                .isEmpty();
        assertThat(ReferenceHorizon.of(Map.of()).horizon()).isEmpty();
    }

    @Test
    void shouldReadTheTopicsSettingsFromTheBrokerAndFollowAChange() throws Exception {
        Admin admin = TestBroker.shared().admin();
        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RESULTS_DLQ.name());
        ReferenceHorizon.Reading before = ReferenceHorizon.read(admin);
        Duration longer = before.horizon().orElseThrow().plusDays(30);
        try {
            admin.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(new ConfigEntry("retention.ms",
                    Long.toString(longer.toMillis())), AlterConfigOp.OpType.SET)))).all().get();

            ReferenceHorizon.Reading after = ReferenceHorizon.read(admin);

            assertThat(after.horizon().orElseThrow()).isGreaterThan(longer);
            assertThat(after.why()).startsWith("topic " + Topics.RESULTS_DLQ.name());
        } finally {
            admin.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", null),
                    AlterConfigOp.OpType.DELETE)))).all().get();
        }
        assertThat(ReferenceHorizon.read(admin)).isEqualTo(before);
    }
}
