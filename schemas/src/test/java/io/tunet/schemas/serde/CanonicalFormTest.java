package io.tunet.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Each form against what its library writes. The expected strings were printed by the library itself where
 * it could be run here; the comment on each test says by which.
 */
class CanonicalFormTest {

    /** Every rule on which the forms differ: logical types, a primitive's own attribute, repeated names. */
    private static final String PROBE = """
            {"type": "record", "name": "Probe", "namespace": "org.example", "doc": "not in any canonical form",
             "fields": [
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "dropped"},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "tagged", "type": {"type": "string", "custom": "an attribute"}},
              {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 4}},
              {"name": "parent", "type": ["null", "Id"], "default": null},
              {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "org.other",
                "fields": [{"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}}]}},
              {"name": "kinds", "type": {"type": "array", "items": "org.other.Kind"}},
              {"name": "inners", "type": {"type": "map", "values": "org.other.Inner"}}
             ]}
            """;

    @Test
    void javaFormIsAvroJavasOwnForEveryKnownSchema() {
        for (Schema schema : AvroSerdes.releasedHistory().schemas()) {
            assertThat(CanonicalForm.JAVA.of(schema)).as(schema.getFullName())
                    .isEqualTo(SchemaNormalization.toParsingForm(schema));
            assertThat(CanonicalForm.JAVA.fingerprint(schema)).isEqualTo(SchemaHistory.fingerprint(schema));
        }
        Schema probe = parse(PROBE);
        assertThat(CanonicalForm.JAVA.of(probe)).isEqualTo(SchemaNormalization.toParsingForm(probe));
    }

    @Test
    void pythonFormIsWhatPythonAvroWrites() {
        // Printed by Debian 12's python3-avro 1.11.1: avro.schema.parse(PROBE).canonical_form
        assertThat(CanonicalForm.PYTHON.of(parse(PROBE))).isEqualTo("{\"name\":\"org.example.Probe\",\"type\":\"record\","
                + "\"fields\":[{\"name\":\"at\",\"type\":{\"type\":\"long\"}},{\"name\":\"day\",\"type\":{\"type\":\"int\"}},"
                + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\"}},{\"name\":\"tagged\",\"type\":{\"type\":\"string\"}},"
                + "{\"name\":\"id\",\"type\":{\"name\":\"org.example.Id\",\"type\":\"fixed\",\"size\":4}},"
                + "{\"name\":\"parent\",\"type\":[\"null\",{\"name\":\"org.example.Id\",\"type\":\"fixed\",\"size\":4}]},"
                + "{\"name\":\"inner\",\"type\":{\"name\":\"org.other.Inner\",\"type\":\"record\",\"fields\":[{\"name\":\"kind\","
                + "\"type\":{\"name\":\"org.other.Kind\",\"type\":\"enum\",\"symbols\":[\"A\",\"B\"]}}]}},"
                + "{\"name\":\"kinds\",\"type\":{\"type\":\"array\",\"items\":\"org.other.Kind\"}},"
                + "{\"name\":\"inners\",\"type\":{\"type\":\"map\",\"values\":\"org.other.Inner\"}}]}");
    }

    @Test
    void pythonFormIsWhatRustApacheAvroWritesSinceAvro4004() {
        // apache/avro-rs, test avro_4004_canonical_form_strip_logical_types: its schema, the canonical form it
        // asserts and its Rabin fingerprint (the little-endian bytes in hex)
        Schema schema = parse("""
                {"type": "record", "name": "test", "fields": [
                  {"name": "a", "type": "long", "default": 42, "doc": "The field a"},
                  {"name": "b", "type": "string", "namespace": "test.a"},
                  {"name": "c", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}
                """);

        assertThat(CanonicalForm.PYTHON.of(schema)).isEqualTo("{\"name\":\"test\",\"type\":\"record\",\"fields\":"
                + "[{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"b\",\"type\":\"string\"},{\"name\":\"c\",\"type\":{\"type\":\"long\"}}]}");
        assertThat(Long.reverseBytes(CanonicalForm.PYTHON.fingerprint(schema))).isEqualTo(0x92f2ccef718c6754L);
    }

    @Test
    void goHambaFormKeepsTheLogicalTypeAndItsParameters() {
        // No Go module could be fetched here: written from hamba/avro's String() methods (schema.go), which
        // also ignore a primitive's other attributes
        assertThat(CanonicalForm.GO_HAMBA.of(parse(PROBE))).isEqualTo("{\"name\":\"org.example.Probe\",\"type\":\"record\","
                + "\"fields\":[{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
                + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}},"
                + "{\"name\":\"tagged\",\"type\":\"string\"},"
                + "{\"name\":\"id\",\"type\":{\"name\":\"org.example.Id\",\"type\":\"fixed\",\"size\":4}},"
                + "{\"name\":\"parent\",\"type\":[\"null\",\"org.example.Id\"]},"
                + "{\"name\":\"inner\",\"type\":{\"name\":\"org.other.Inner\",\"type\":\"record\",\"fields\":[{\"name\":\"kind\","
                + "\"type\":{\"name\":\"org.other.Kind\",\"type\":\"enum\",\"symbols\":[\"A\",\"B\"]}}]}},"
                + "{\"name\":\"kinds\",\"type\":{\"type\":\"array\",\"items\":\"org.other.Kind\"}},"
                + "{\"name\":\"inners\",\"type\":{\"type\":\"map\",\"values\":\"org.other.Inner\"}}]}");
    }

    @Test
    void rubyFormIsWhatRubyAvroWrites() {
        // Printed by Apache Avro's Ruby library 1.12.1 (lang/ruby/lib, Ruby 3.1):
        // SchemaNormalization.to_parsing_form and crc_64_avro_fingerprint of Schema.parse(PROBE)
        Schema probe = parse(PROBE);

        assertThat(CanonicalForm.RUBY.of(probe)).isEqualTo("{\"name\":\"org.example.Probe\",\"type\":\"record\","
                + "\"fields\":[{\"name\":\"at\",\"type\":\"long\"},{\"name\":\"day\",\"type\":\"int\"},"
                + "{\"name\":\"amount\",\"type\":\"bytes\"},{\"name\":\"tagged\",\"type\":\"string\"},"
                + "{\"name\":\"id\",\"type\":{\"name\":\"org.example.Id\",\"type\":\"fixed\",\"size\":4}},"
                + "{\"name\":\"parent\",\"type\":[\"null\",\"Id\"]},"
                + "{\"name\":\"inner\",\"type\":{\"name\":\"org.other.Inner\",\"type\":\"record\",\"fields\":[{\"name\":\"kind\","
                + "\"type\":{\"name\":\"org.other.Kind\",\"type\":\"enum\",\"symbols\":[\"A\",\"B\"]}}]}},"
                + "{\"name\":\"kinds\",\"type\":{\"type\":\"array\",\"items\":\"Kind\"}},"
                + "{\"name\":\"inners\",\"type\":{\"type\":\"map\",\"values\":\"Inner\"}}]}");
        assertThat(CanonicalForm.RUBY.fingerprint(probe)).isEqualTo(0x9ef2324829f1a880L);
    }

    @Test
    void formsDifferOnlyWhereTheSchemaGivesThemCause() {
        Schema plain = parse("""
                {"type": "record", "name": "Plain", "fields": [{"name": "n", "type": "long"}]}
                """);
        for (CanonicalForm form : CanonicalForm.values()) {
            assertThat(form.of(plain)).as(form.name()).isEqualTo(SchemaNormalization.toParsingForm(plain));
        }
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
