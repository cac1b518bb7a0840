package io.tunet.training.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.KafkaBrokerTestResource;
import io.tunet.testkit.TestBroker;
import io.tunet.training.EasyFields;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The wired application against the testkit broker: labelled samples arrive, the label trigger starts a run,
 * a PROMOTED version appears on {@code models}; bad feedback goes to {@code feedback-dlq} with its reason; the
 * REST API and the metrics show what happened.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class TrainingServiceTest {

    private static final String MODEL = "tunet-app-test";
    private static final int FIELDS = 33;

    @Inject
    TrainingConfig config;

    @Test
    void shouldRetrainFromFeedbackPromoteAVersionAndDeadLetterBadFeedback() throws Exception {
        TestBroker broker = TestBroker.shared();
        // A fixed prefix: the ids' hashes decide which fields train, validate and score the gate, and a random one
        // now and then left the gate one present class, where nothing beats the baseline (REJECTED, seen in CI).
        String prefix = "app-split-1-";
        try (KafkaProducer<String, Sample> samples = broker.producer(Topics.SAMPLES);
                KafkaProducer<String, LabelFeedback> feedback = broker.producer(Topics.FEEDBACK)) {
            for (int n = 0; n < FIELDS; n++) {
                String id = prefix + n;
                LabelFeedback labels = EasyFields.feedback("fb-" + id, id, EasyFields.labels(n));
                if (n < 3) {
                    // the curator's labels overtake the sample: they wait for it
                    feedback.send(new ProducerRecord<>(Topics.FEEDBACK.name(), id, labels)).get();
                    samples.send(new ProducerRecord<>(Topics.SAMPLES.name(), id, EasyFields.sample(id, n, 21))).get();
                } else {
                    samples.send(new ProducerRecord<>(Topics.SAMPLES.name(), id, EasyFields.sample(id, n, 21))).get();
                    feedback.send(new ProducerRecord<>(Topics.FEEDBACK.name(), id, labels)).get();
                }
            }
            feedback.send(new ProducerRecord<>(Topics.FEEDBACK.name(), prefix + "0",
                    EasyFields.feedback("fb-bad", prefix + "0", 3, 28))).get();
            feedback.send(new ProducerRecord<>(Topics.FEEDBACK.name(), prefix + "ghost",
                    EasyFields.feedback("fb-ghost", prefix + "ghost", 5))).get();
        }

        List<DeadLetter> letters = broker.readKeys(Topics.FEEDBACK_DLQ, List.of(prefix + "0", prefix + "ghost"), 2,
                Duration.ofSeconds(60)).stream().map(ConsumerRecord::value).toList();
        assertThat(letters).extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(DeadLetterReason.INVALID_FIELD, DeadLetterReason.UNKNOWN_SAMPLE);
        assertThat(letters).anySatisfy(l -> assertThat(l.getDetail()).contains("label 28"));
        assertThat(letters).anySatisfy(l -> assertThat(l.getDetail()).contains(prefix + "ghost did not arrive"));

        List<ModelVersion> versions = broker.read(Topics.MODELS, 2, Duration.ofSeconds(180),
                r -> MODEL.equals(r.value().getModelName())).stream().map(ConsumerRecord::value).toList();
        assertThat(versions).extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE, ModelStatus.PROMOTED);
        ModelVersion promoted = versions.get(1);
        // validation below 0.3 on the id's hash scale, gate in [0.3, 0.5), training above; the record scores the gate
        double[] positions = IntStream.range(0, FIELDS).mapToDouble(n -> SplitAssigner.position(prefix + n)).toArray();
        assertThat(promoted.getMetrics().getValidationSize())
                .isEqualTo((int) Arrays.stream(positions).filter(p -> p >= 0.3 && p < 0.5).count()).isPositive();
        assertThat(promoted.getTrainingSetSize()).isEqualTo((int) Arrays.stream(positions).filter(p -> p >= 0.5).count());

        awaitNoRun();
        List<Map<String, Object>> runs = given().get("/training-runs").then().statusCode(200).extract().jsonPath()
                .getList("$");
        assertThat(runs).first().satisfies(run -> {
            assertThat(run.get("outcome")).isEqualTo("promoted");
            assertThat(((Number) run.get("version")).longValue()).isEqualTo(promoted.getVersion());
            assertThat((String) run.get("trigger")).contains("new labels");
        });

        given().post("/training-runs").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer not-the-token").post("/training-runs").then().statusCode(401);
        given().header("Authorization", "Bearer test-trigger-token").post("/training-runs").then().statusCode(202);
        given().header("Authorization", "Bearer test-trigger-token").post("/training-runs").then().statusCode(409)
                .body(containsString("in progress"));
        given().get("/training-runs/current").then().statusCode(200).body(containsString("\"runId\""));
        awaitNoRun();
        assertThat(given().get("/training-runs").then().extract().jsonPath().getList("outcome"))
                .hasSize(2).first().isIn("promoted", "rejected", "candidate");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("training_runs_total{outcome=\"promoted\"")
                .contains("training_dead_letters_total{reason=\"UNKNOWN_SAMPLE\"")
                .contains("training_dead_letters_total{reason=\"INVALID_FIELD\"")
                .contains("training_feedback_accepted_total{outcome=\"waiting\"")
                .contains("training_run_duration_seconds_count")
                // the live gate's judge runs (the profile turns it on); nothing shadows the second run's challenger
                .containsPattern("training_live_gate_waiting_candidates [01]\\.0")
                .containsPattern("training_live_gate_labelled_samples 0\\.0");
        // retention ran and kept every labelled sample (the ghost's label is no sample)
        assertThat(metrics).containsPattern("training_retention_samples\\{state=\"labelled\"[^}]*\\} 33\\.0")
                .containsPattern("training_retention_samples\\{state=\"unlabelled\"[^}]*\\} 0\\.0")
                .containsPattern("training_retention_owned_blobs \\d+")
                .contains("training_retention_blobs_deleted_total")
                // the other services' blobs: a horizon read from the broker's topic settings, so the collection ran
                .containsPattern("training_retention_foreign_horizon_seconds [1-9][0-9.E]*\\n")
                .contains("training_retention_foreign_blobs_deleted_total");
        given().get("/q/health/ready").then().statusCode(200);

        // training.kafka.properties.* reached the clients: the intake consumer carries the configured client id
        try (Admin admin = broker.admin()) {
            assertThat(admin.describeConsumerGroups(List.of(config.kafka().groupId())).all().get()
                    .get(config.kafka().groupId()).members()).extracting(MemberDescription::clientId)
                    .containsExactly("training-app-test-client");
        }
    }

    private static void awaitNoRun() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(180);
        while (given().get("/training-runs/current").statusCode() != 204) {
            assertThat(Instant.now()).as("the run did not finish").isBefore(deadline);
            Thread.sleep(500);
        }
    }
}
