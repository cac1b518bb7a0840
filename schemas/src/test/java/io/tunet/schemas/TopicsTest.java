package io.tunet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

class TopicsTest {

    @Test
    void catalogueNamesEveryTopicOnceAndCompactsOnlyTheModelRegistry() {
        Set<String> names = new HashSet<>();
        for (Topic<?, ?> topic : Topics.all()) {
            assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue();
            assertThat(topic.compacted()).as(topic.name()).isEqualTo(topic == Topics.MODELS);
        }
        assertThat(names).contains("acquisitions", "samples", "samples-incomplete", "acquisitions-dlq",
                "classifications", "masks", "feedback", "models");
    }

    @Test
    void newTopicCarriesTheRecordLimitAndCleanupPolicy() {
        var models = Topics.MODELS.newTopic((short) 1);
        assertThat(models.configs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("max.message.bytes", Integer.toString(Topics.MODELS.maxMessageBytes()));
        assertThat(Topics.SAMPLES.newTopic((short) 1).numPartitions()).isEqualTo(6);
        assertThat(Topics.largestMessageBytes()).isGreaterThanOrEqualTo(Topics.SAMPLES.maxMessageBytes());
    }

    @Test
    void classListMatchesTheHpaIndexOrder() {
        assertThat(HpaClasses.names()).hasSize(HpaClasses.COUNT);
        assertThat(HpaClasses.name(0)).isEqualTo("Nucleoplasm");
        assertThat(HpaClasses.name(25)).isEqualTo("Cytosol");
        assertThat(HpaClasses.name(27)).isEqualTo("Rods & rings");
        assertThat(HpaClasses.isValid(28)).isFalse();
    }
}
