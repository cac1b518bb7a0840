package io.tunet.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Classification;
import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.serde.RecordDecodingException.Reason;

class AvroSerdeTest {

    static List<SpecificRecord> records() {
        return Records.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryRecordType(SpecificRecord record) {
        AvroSerde serde = AvroSerdes.of(record.getClass());

        byte[] bytes = serde.serializer().serialize("t", record);
        Object decoded = serde.deserializer().deserialize("t", bytes);

        assertThat(decoded).isEqualTo(record);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void shouldReadWhatAnOlderWriterWrote() throws IOException {
        Schema v0 = parse("/io/tunet/schemas/evolution/LabelFeedback-v0.avsc");
        GenericRecord old = new GenericData.Record(v0);
        old.put("feedbackId", "fb-old");
        old.put("sampleId", "P1-A01-1");
        old.put("labels", List.of(0, 25));
        old.put("labelledBy", "import:2025");
        old.put("labelledAt", 1_700_000_000_000L);
        byte[] oldBytes = singleObject(v0, old);

        AvroSerde<LabelFeedback> reader = AvroSerdes.of(LabelFeedback.class, AvroSerdes.releasedHistory().with(v0));
        LabelFeedback decoded = reader.decode("feedback", oldBytes);

        assertThat(decoded.getSampleId()).isEqualTo("P1-A01-1");
        assertThat(decoded.getLabels()).containsExactly(0, 25);
        assertThat(decoded.getLabelledAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decoded.getSource()).as("added field takes its default").isEqualTo(FeedbackSource.OTHER);
        assertThat(decoded.getComment()).isNull();
    }

    @Test
    void shouldReadAModelVersionWrittenBeforeTheCheckpointField() throws IOException {
        Schema v1 = parse("/io/tunet/schemas/history/ModelVersion-v1.avsc");
        ModelVersion current = Records.all().stream().filter(ModelVersion.class::isInstance)
                .map(ModelVersion.class::cast).findFirst().orElseThrow();
        GenericRecord old = Records.asWrittenBy(v1, ModelVersion.newBuilder(current).setCheckpoint(null).build());

        ModelVersion decoded = AvroSerdes.of(ModelVersion.class).decode("models", singleObject(v1, old));

        assertThat(decoded.getVersion()).isEqualTo(current.getVersion());
        assertThat(decoded.getOnnx()).isEqualTo(current.getOnnx());
        assertThat(decoded.getCheckpoint()).as("added field takes its default").isNull();
    }

    @Test
    void shouldReadAClassificationWrittenBeforeTheQcFieldWithQcAbsent() throws IOException {
        Schema v1 = parse("/io/tunet/schemas/history/Classification-v1.avsc");
        Classification current = Records.all().stream().filter(Classification.class::isInstance)
                .map(Classification.class::cast).findFirst().orElseThrow();
        GenericRecord old = Records.asWrittenBy(v1, current);

        Classification decoded = AvroSerdes.of(Classification.class).decode("classifications", singleObject(v1, old));

        assertThat(decoded.getSampleId()).isEqualTo(current.getSampleId());
        assertThat(decoded.getProbabilities()).isEqualTo(current.getProbabilities());
        assertThat(decoded.getClassifiedAt()).isEqualTo(current.getClassifiedAt());
        assertThat(decoded.getQc()).as("added field takes its default").isNull();
        assertThat(decoded).isEqualTo(Classification.newBuilder(current).setQc(null).setThumbnail(null).build());
    }

    @Test
    void shouldReadAClassificationWrittenBeforeTheThumbnailFieldWithQcAndNoThumbnail() throws IOException {
        Schema v2 = parse("/io/tunet/schemas/history/Classification-v2.avsc");
        Classification current = Records.all().stream().filter(Classification.class::isInstance)
                .map(Classification.class::cast).findFirst().orElseThrow();
        GenericRecord old = Records.asWrittenBy(v2, current);

        Classification decoded = AvroSerdes.of(Classification.class).decode("classifications", singleObject(v2, old));

        assertThat(decoded.getQc()).isEqualTo(current.getQc());
        assertThat(decoded.getThumbnail()).as("added field takes its default").isNull();
        assertThat(decoded).isEqualTo(Classification.newBuilder(current).setThumbnail(null).build());
    }

    @Test
    void shouldRoundTripAClassificationWithItsThumbnail() {
        Classification current = Records.all().stream().filter(Classification.class::isInstance)
                .map(Classification.class::cast).findFirst().orElseThrow();
        AvroSerde<Classification> serde = AvroSerdes.of(Classification.class);

        Classification decoded = serde.decode("classifications", serde.encode(current));

        assertThat(decoded.getThumbnail().getWidth()).isEqualTo(192);
        assertThat(decoded.getThumbnail().getHeight()).isEqualTo(96);
        assertThat(decoded.getThumbnail().getPng()).isEqualTo(ByteBuffer.wrap(Records.THUMBNAIL_PNG));
    }

    @Test
    void shouldRoundTripAClassificationWithQcFlagsAndFigures() {
        Classification current = Records.all().stream().filter(Classification.class::isInstance)
                .map(Classification.class::cast).findFirst().orElseThrow();
        AvroSerde<Classification> serde = AvroSerdes.of(Classification.class);

        Classification decoded = serde.decode("classifications", serde.encode(current));

        assertThat(decoded.getQc().getFlags()).containsExactly("OUT_OF_FOCUS", "DIM_GREEN");
        assertThat(decoded.getQc().getFocus()).isEqualTo(3.25);
        assertThat(decoded.getQc().getGreen().getP999()).isEqualTo(0.5);
        assertThat(decoded.getQc().getRed().getSaturatedFraction()).isEqualTo(0.0007);
    }

    @Test
    void shouldRefuseAWriterSchemaItHasNeverSeen() throws IOException {
        Schema v0 = parse("/io/tunet/schemas/evolution/LabelFeedback-v0.avsc");
        GenericRecord old = new GenericData.Record(v0);
        old.put("feedbackId", "x");
        old.put("sampleId", "y");
        old.put("labels", List.of());
        old.put("labelledBy", "z");
        old.put("labelledAt", 0L);

        assertThatThrownBy(() -> AvroSerdes.of(LabelFeedback.class).decode("feedback", singleObject(v0, old)))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
                    assertThat(e.topic()).isEqualTo("feedback");
                    assertThat(e).hasMessageContaining("feedback").hasMessageContaining("LabelFeedback");
                });
    }

    @Test
    void shouldRefuseARecordOfAnotherTypeEvenWithAKnownFingerprint() {
        byte[] sampleBytes = AvroSerdes.of(Sample.class).encode((Sample) Records.all().get(1));
        AvroSerde<Acquisition> acquisitions = AvroSerdes.of(Acquisition.class, AvroSerdes.releasedHistory()
                .with(Sample.getClassSchema()));

        assertThatThrownBy(() -> acquisitions.decode("acquisitions", sampleBytes))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
    }

    @Test
    void everyReleasedSchemaVersionIsReadableByTheCurrentSchema() {
        for (Schema released : AvroSerdes.releasedHistory().schemas()) {
            Class<?> current = SpecificData.get().getClass(released);
            assertThat(current).as("released schema %s has a current class", released.getFullName()).isNotNull();
            Schema reader = SpecificData.get().getSchema(current);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, released).getType())
                    .as("current %s reads released version", released.getFullName())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void shouldNameTheTopicAndReasonForAWrongMagic() {
        byte[] bytes = valid();
        bytes[0] = 0x00;
        assertReason(bytes, Reason.BAD_HEADER);
        assertReason(new byte[0], Reason.BAD_HEADER);
        assertReason("{\"json\":true}".getBytes(), Reason.BAD_HEADER);
    }

    @Test
    void shouldReportAnUnknownFingerprint() {
        byte[] bytes = valid();
        bytes[5] ^= 0x5A;
        assertReason(bytes, Reason.UNKNOWN_SCHEMA);
    }

    @Test
    void shouldReportTruncationAtEveryLength() {
        byte[] bytes = valid();
        for (int length = 2; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            Throwable thrown = catchDecode(cut);
            assertThat(thrown).as("truncated to %d bytes", length).isInstanceOf(RecordDecodingException.class);
            assertThat(((RecordDecodingException) thrown).reason()).as("truncated to %d bytes", length)
                    .isIn(Reason.TRUNCATED, Reason.MALFORMED);
        }
        assertReason(Arrays.copyOf(bytes, 6), Reason.TRUNCATED);
        assertReason(Arrays.copyOf(bytes, bytes.length - 1), Reason.TRUNCATED);
    }

    @Test
    void shouldReportTrailingBytes() {
        byte[] bytes = valid();
        assertReason(Arrays.copyOf(bytes, bytes.length + 3), Reason.MALFORMED);
    }

    @Test
    void randomAndBitFlippedBytesOnlyEverRaiseTheTypedException() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] valid = valid();
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(0, 200)];
                random.nextBytes(bytes);
            } else {
                // keep the header so the body parser itself meets the damage
                bytes = valid.clone();
                int flips = random.nextInt(1, 6);
                for (int f = 0; f < flips; f++) {
                    int at = random.nextInt(AvroSerde.HEADER_LENGTH, bytes.length);
                    bytes[at] = (byte) random.nextInt(256);
                }
            }
            Throwable thrown = catchDecode(bytes);
            if (thrown != null) {
                assertThat(thrown).as("iteration %d", i).isInstanceOf(RecordDecodingException.class);
            }
        }
    }

    @Test
    void shouldDecodeNullAsATombstone() {
        assertThat(AvroSerdes.of(Acquisition.class).deserializer().deserialize("acquisitions", null)).isNull();
        assertThat(AvroSerdes.of(Acquisition.class).serializer().serialize("acquisitions", null)).isNull();
    }

    private static byte[] valid() {
        return AvroSerdes.of(Acquisition.class).encode((Acquisition) Records.all().get(0));
    }

    private static Throwable catchDecode(byte[] bytes) {
        try {
            AvroSerdes.of(Acquisition.class).deserializer().deserialize("acquisitions", bytes);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static void assertReason(byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> AvroSerdes.of(Acquisition.class).deserializer().deserialize("acquisitions", bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.topic()).isEqualTo("acquisitions");
                    assertThat(e.getMessage()).contains("acquisitions").contains(reason.name());
                });
    }

    private static Schema parse(String resource) throws IOException {
        try (InputStream in = AvroSerdeTest.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws IOException {
        return Records.singleObject(SchemaHistory.fingerprint(schema), schema, record);
    }
}
