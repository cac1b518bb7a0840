package io.tunet.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.results.database.EmbeddedDatabase;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;

/** Records in, rows out, against the real broker and a real PostgreSQL; the same records again change nothing. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(EmbeddedPostgresTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResultsIngestionTest {

    private static final String PLATE = "PLATE-INGEST";
    private static final int SAMPLES = 6;
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("samples", "sample_id");
        TABLES.put("predictions", "sample_id, model_name, model_version");
        TABLES.put("masks", "sample_id, model_name, model_version, class_index");
        TABLES.put("model_versions", "model_name, version");
        TABLES.put("model_status_history", "model_name, version, status");
        TABLES.put("feedback", "feedback_id");
        TABLES.put("incidents", "incident_key");
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ResultsConfig config;

    @Test
    @Order(1)
    void shouldStoreEveryKindOfRecordAsRows() throws Exception {
        publishAll();
        byte[] garbage = {1, 2, 3, 4, 5};
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.shared().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.CLASSIFICATIONS.name(), "ingest-garbage", garbage)).get();
        }
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        assertThat(Sink.count(dataSource, "SELECT count(*) FROM predictions WHERE plate = ?", PLATE)).isEqualTo(SAMPLES);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM samples WHERE plate = ? AND thumbnail IS NOT NULL "
                + "AND assembled_at IS NOT NULL", PLATE)).isEqualTo(SAMPLES);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM masks WHERE sample_id LIKE 'ingest-%'"))
                .isEqualTo(2L * SAMPLES);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM model_versions WHERE model_name = 'tunet' "
                + "AND version = 1 AND status = 'PROMOTED'")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM model_status_history WHERE model_name = 'tunet' "
                + "AND version = 1")).isEqualTo(2);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM feedback WHERE sample_id = 'ingest-0'")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'INCOMPLETE_SAMPLE' "
                + "AND sample_id = 'ingest-incomplete'")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'DEAD_LETTER' "
                + "AND sample_id = 'ingest-dead'")).isEqualTo(1);
        assertThat(Sink.count(dataSource, "SELECT count(*) FROM incidents WHERE kind = 'UNDECODABLE' "
                + "AND sample_id = 'ingest-garbage' AND reason = 'BAD_HEADER'")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void shouldChangeNothingWhenTheSameRecordsArriveAgain() throws Exception {
        Sink.awaitCaughtUp(Duration.ofSeconds(60));
        Map<String, List<String>> before = snapshot();

        publishAll();
        Sink.awaitCaughtUp(Duration.ofSeconds(60));

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void shouldNeverTakeAModelVersionBackToAnEarlierStatus() throws Exception {
        Sink.publish(Topics.MODELS, List.of(Fixtures.modelVersion(1, ModelStatus.CANDIDATE, 0.41)),
                v -> Topics.modelKey(v.getModelName(), v.getVersion()));
        Sink.awaitCaughtUp(Duration.ofSeconds(30));

        assertThat(Sink.count(dataSource, "SELECT count(*) FROM model_versions WHERE model_name = 'tunet' AND version = 1 "
                + "AND status = 'PROMOTED'"))
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void shouldGiveTheConsumerTheConfiguredClientProperties() throws Exception {
        // application.properties sets results.kafka.properties.client.id in the test profile
        try (Admin admin = TestBroker.shared().admin()) {
            assertThat(admin.describeConsumerGroups(List.of(config.kafka().groupId())).all().get()
                    .get(config.kafka().groupId()).members()).extracting(MemberDescription::clientId)
                    .containsExactly("results-sink-test-client");
        }
    }

    @Test
    @Order(5)
    void shouldQueryAsTheRuntimeRoleWhichOwnsNothingAndCannotChangeTheSchema() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            ResultSet user = sql.executeQuery("SELECT current_user");
            user.next();
            assertThat(user.getString(1)).isEqualTo(EmbeddedDatabase.RUNTIME);
            ResultSet owner = sql.executeQuery("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'");
            owner.next();
            assertThat(owner.getString(1)).isEqualTo(EmbeddedDatabase.OWNER);
            assertThatThrownBy(() -> sql.execute("DROP TABLE predictions")).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
    }

    private Map<String, List<String>> snapshot() throws Exception {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
            tables.put(table.getKey(), Sink.rows(dataSource, table.getKey(), table.getValue()));
        }
        return tables;
    }

    private static void publishAll() {
        List<Classification> classifications = new ArrayList<>();
        List<SegmentationMask> masks = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        IntStream.range(0, SAMPLES).forEach(i -> {
            String id = "ingest-" + i;
            String well = "B0" + (i + 1);
            classifications.add(Fixtures.classification(id, PLATE, well, 1, i % 2 == 0 ? 0 : 25, 0.9f, List.of(0, 25)));
            masks.add(Fixtures.masks(id, 1, List.of(0, 25)));
            samples.add(Fixtures.sample(id, PLATE, well));
        });
        Sink.publish(Topics.SAMPLES, samples, Sample::getSampleId);
        Sink.publish(Topics.CLASSIFICATIONS, classifications, Classification::getSampleId);
        Sink.publish(Topics.MASKS, masks, SegmentationMask::getSampleId);
        Sink.publish(Topics.MODELS, List.of(Fixtures.modelVersion(1, ModelStatus.CANDIDATE, 0.41),
                Fixtures.modelVersion(1, ModelStatus.PROMOTED, 0.41),
                Fixtures.modelVersion(2, ModelStatus.REJECTED, 0.38)), v -> Topics.modelKey(v.getModelName(), v.getVersion()));
        Sink.publish(Topics.SAMPLES_INCOMPLETE, List.of(Fixtures.incomplete("ingest-incomplete", PLATE, "C01")),
                IncompleteSample::getSampleId);
        Sink.publish(Topics.ACQUISITIONS_DLQ, List.of(Fixtures.deadLetter("ingest-dead", 42)),
                DeadLetter::getOriginalKey);
        Sink.publish(Topics.FEEDBACK, List.of(LabelFeedback.newBuilder().setFeedbackId("fb-ingest-0")
                .setSampleId("ingest-0").setLabels(List.of(0, 25)).setLabelledBy("test")
                .setSource(FeedbackSource.CURATOR).setLabelledAt(Fixtures.T0).build()), LabelFeedback::getSampleId);
    }
}
