package io.tunet.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Classification;
import io.tunet.schemas.ModelVersion;

/**
 * Records written by other Avro implementations, whose single-object headers carry the fingerprint of their
 * own canonical form. The Python fixtures are real: written by Debian's python3-avro 1.11.1 with
 * {@code src/test/python/write_python_fixtures.py}.
 */
class ForeignWriterTest {

    private static final String PYTHON = "/io/tunet/schemas/foreign/python-avro-1.11/";

    /** One line of the fixtures' {@code fingerprints.tsv}: what python avro computed for that file. */
    record PythonFixture(String file, long fingerprint, String canonicalForm) {
        @Override
        public String toString() {
            return file;
        }
    }

    static List<PythonFixture> pythonFixtures() {
        List<PythonFixture> fixtures = new ArrayList<>();
        for (String line : new String(resource(PYTHON + "fingerprints.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t");
            fixtures.add(new PythonFixture(columns[0], Long.parseUnsignedLong(columns[1], 16), columns[2]));
        }
        return fixtures;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonFixtures")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldDecodeWhatPythonAvroWrote(PythonFixture fixture) {
        SpecificRecord expected = expectedFor(fixture.file());

        Object decoded = AvroSerdes.of((Class) expected.getClass()).decode("t", resource(PYTHON + fixture.file()));

        assertThat(decoded).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonFixtures")
    void shouldComputePythonAvrosCanonicalFormOfTheWriterSchema(PythonFixture fixture) {
        long inHeader = AvroSerde.readFingerprint(resource(PYTHON + fixture.file()));
        Schema writer = AvroSerdes.releasedHistory().find(inHeader);

        assertThat(inHeader).isEqualTo(fixture.fingerprint());
        assertThat(writer).as("a known schema has fingerprint %016x", inHeader).isNotNull();
        assertThat(CanonicalForm.PYTHON.of(writer)).isEqualTo(fixture.canonicalForm());
    }

    @Test
    void shouldKnowTheFingerprintThatIssue15DeadLettered() {
        byte[] bytes = resource(PYTHON + "Acquisition.bin");

        // AvroSerde prints the header's 8 bytes read as a little-endian number; on the wire they are reversed.
        assertThat(String.format("%016x", CanonicalForm.PYTHON.fingerprint(Acquisition.getClassSchema())))
                .isEqualTo("b09993587bbd82b2");
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 2, AvroSerde.HEADER_LENGTH)))
                .isEqualTo("b282bd7b589399b0");
        assertThat(SchemaHistory.fingerprint(Acquisition.getClassSchema()))
                .as("Java's own fingerprint is another").isNotEqualTo(0xb09993587bbd82b2L);
        assertThat(AvroSerdes.of(Acquisition.class).decode("acquisitions", bytes).getAcquiredAt()).isEqualTo(Records.T0);
    }

    static List<Arguments> everyRecordInEveryForm() {
        List<Arguments> cases = new ArrayList<>();
        for (SpecificRecord record : Records.all()) {
            for (CanonicalForm form : CanonicalForm.values()) {
                cases.add(Arguments.of(record.getSchema().getName(), form, record));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} in the {1} form")
    @MethodSource("everyRecordInEveryForm")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldDecodeARecordWhoseHeaderCarriesAnyFormsFingerprint(String type, CanonicalForm form, SpecificRecord record)
            throws IOException {
        Schema schema = record.getSchema();
        byte[] bytes = Records.singleObject(form.fingerprint(schema), schema, Records.asWrittenBy(schema, record));

        Object decoded = AvroSerdes.of((Class) record.getClass()).decode("t", bytes);

        assertThat(decoded).isEqualTo(record);
    }

    @ParameterizedTest(name = "ModelVersion-v1 in the {0} form")
    @MethodSource("forms")
    void shouldDecodeAReleasedOlderVersionInAnyForm(CanonicalForm form) throws IOException {
        Schema v1 = new Schema.Parser().parse(new String(resource("/io/tunet/schemas/history/ModelVersion-v1.avsc"),
                StandardCharsets.UTF_8));
        ModelVersion current = (ModelVersion) expectedFor("ModelVersion.bin");
        byte[] bytes = Records.singleObject(form.fingerprint(v1), v1, Records.asWrittenBy(v1, current));

        ModelVersion decoded = AvroSerdes.of(ModelVersion.class).decode("models", bytes);

        assertThat(decoded).isEqualTo(ModelVersion.newBuilder(current).setCheckpoint(null).build());
    }

    @ParameterizedTest(name = "Classification-v1 in the {0} form")
    @MethodSource("forms")
    void shouldDecodeAClassificationWrittenBeforeQcInAnyForm(CanonicalForm form) throws IOException {
        Schema v1 = new Schema.Parser().parse(new String(resource("/io/tunet/schemas/history/Classification-v1.avsc"),
                StandardCharsets.UTF_8));
        Classification current = (Classification) expectedFor("Classification.bin");
        byte[] bytes = Records.singleObject(form.fingerprint(v1), v1, Records.asWrittenBy(v1, current));

        Classification decoded = AvroSerdes.of(Classification.class).decode("classifications", bytes);

        assertThat(decoded).isEqualTo(Classification.newBuilder(current).setQc(null).setThumbnail(null).build());
    }

    @ParameterizedTest(name = "Classification-v2 in the {0} form")
    @MethodSource("forms")
    void shouldDecodeAClassificationWrittenBeforeThumbnailInAnyForm(CanonicalForm form) throws IOException {
        Schema v2 = new Schema.Parser().parse(new String(resource("/io/tunet/schemas/history/Classification-v2.avsc"),
                StandardCharsets.UTF_8));
        Classification current = (Classification) expectedFor("Classification.bin");
        byte[] bytes = Records.singleObject(form.fingerprint(v2), v2, Records.asWrittenBy(v2, current));

        Classification decoded = AvroSerdes.of(Classification.class).decode("classifications", bytes);

        assertThat(decoded).isEqualTo(Classification.newBuilder(current).setThumbnail(null).build());
    }

    static CanonicalForm[] forms() {
        return CanonicalForm.values();
    }

    /** The record {@code Records.all()} holds for a fixture; a history version's lacks the fields added since. */
    private static SpecificRecord expectedFor(String file) {
        String type = file.substring(0, file.length() - ".bin".length());
        if (type.equals("ModelVersion-v1")) {
            return ModelVersion.newBuilder((ModelVersion) expectedFor("ModelVersion.bin")).setCheckpoint(null).build();
        }
        if (type.equals("ModelVersion-v2")) {
            return ModelVersion.newBuilder((ModelVersion) expectedFor("ModelVersion.bin")).setSignature(null).build();
        }
        if (type.equals("Classification-v1")) {
            return Classification.newBuilder((Classification) expectedFor("Classification.bin")).setQc(null)
                    .setThumbnail(null).build();
        }
        if (type.equals("Classification-v2")) {
            return Classification.newBuilder((Classification) expectedFor("Classification.bin")).setThumbnail(null)
                    .build();
        }
        return Records.all().stream().filter(r -> r.getSchema().getName().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no example record for " + file));
    }

    private static byte[] resource(String path) {
        try (InputStream in = ForeignWriterTest.class.getResourceAsStream(path)) {
            return Objects.requireNonNull(in, path).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
