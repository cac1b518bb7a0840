package io.tunet.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

class SchemaHistoryTest {

    @Test
    void shouldResolveEveryFormOfEveryKnownSchemaToThatSchema() {
        SchemaHistory history = AvroSerdes.releasedHistory();
        for (Schema schema : history.schemas()) {
            for (CanonicalForm form : CanonicalForm.values()) {
                assertThat(history.find(form.fingerprint(schema))).as("%s in the %s form", schema.getFullName(), form)
                        .isSameAs(schema);
            }
        }
    }

    @Test
    void shouldKnowTheValueSchemaOfEveryTopic() {
        for (Topic<?, ?> topic : Topics.all()) {
            assertThat(topic.valueSerde()).isInstanceOf(AvroSerde.class);
            Schema value = SpecificData.get().getSchema(((AvroSerde<?>) topic.valueSerde()).type());
            assertThat(SchemaHistory.CURRENT).as("value schema of %s", topic.name()).contains(value);
        }
    }

    @Test
    void shouldRefuseAFingerprintThatWouldNameTwoSchemas() {
        // Ruby's form names a repeated type by its short name, so a.X then b.X reads as a.X twice: two
        // different writer schemas, one Ruby fingerprint.
        Schema twiceTheSameType = new Schema.Parser().parse("""
                {"type": "record", "name": "R", "namespace": "a", "fields": [
                  {"name": "f", "type": {"type": "record", "name": "X", "fields": []}},
                  {"name": "g", "type": "X"}]}
                """);
        Schema twoTypes = new Schema.Parser().parse("""
                {"type": "record", "name": "R", "namespace": "a", "fields": [
                  {"name": "f", "type": {"type": "record", "name": "X", "fields": []}},
                  {"name": "g", "type": {"type": "record", "name": "X", "namespace": "b", "fields": []}}]}
                """);
        assertThat(SchemaNormalization.toParsingForm(twiceTheSameType)).isNotEqualTo(SchemaNormalization.toParsingForm(twoTypes));
        SchemaHistory history = AvroSerdes.releasedHistory().with(twiceTheSameType);

        assertThatThrownBy(() -> history.with(twoTypes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.format("%016x", CanonicalForm.RUBY.fingerprint(twoTypes)))
                .hasMessageContaining("a.R in the RUBY")
                .hasMessageContaining("RUBY form");
    }

    @Test
    void shouldTakeTheSameSchemaTwiceAsOne() {
        SchemaHistory history = AvroSerdes.releasedHistory();
        int known = history.schemas().size();

        SchemaHistory again = history.with(new Schema.Parser().parse(SchemaHistory.CURRENT.get(0).toString()));

        assertThat(again.schemas()).hasSize(known);
    }
}
