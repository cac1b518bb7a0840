package io.tunet.training.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import io.tunet.training.TestClock;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.promotion.GateDecision;
import io.tunet.training.promotion.LiveGate;
import io.tunet.training.promotion.ShadowSettings;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live gate's judge on the testkit broker: hand-made versions on {@code models}, shadow records on
 * {@code classifications-shadow} as inference writes them, curator labels in a real dataset index. Each test has its
 * own model name, so the records other tests leave on the shared topics are not its own.
 */
@WithKafka
class ShadowJudgeTest {

    private static final ShadowSettings SETTINGS = new ShadowSettings(10, 0.05, 3, Duration.ofDays(7));
    private static final int[] NUCLEOPLASM = {0};

    @TempDir
    Path dir;

    private TestBroker broker;
    private String model;
    private TestClock clock;
    private DatasetIndex index;
    private ModelPublisher publisher;
    private ModelRegistryView registry;
    private final List<AutoCloseable> loops = new ArrayList<>();
    private final AtomicInteger feedback = new AtomicInteger();

    @BeforeEach
    void setUp(TestBroker testBroker) throws Exception {
        broker = testBroker;
        model = "tunet-shadow-" + UUID.randomUUID().toString().substring(0, 8);
        clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
        index = DatasetIndex.open(dir.resolve("data"));
        publisher = new ModelPublisher(broker.clientProperties(), "shadow-judge-test-" + model);
        registry = new ModelRegistryView(model);
        // v1 the champion, v2 the challenger that passed the offline gate and waits
        registry.publish(publisher, view -> List.of(version(1, ModelStatus.CANDIDATE, null),
                version(1, ModelStatus.PROMOTED, "first model")));
        registry.publish(publisher, view -> new LiveGate(SETTINGS).afterOfflineGate(version(2, ModelStatus.CANDIDATE,
                null), new GateDecision(true, List.of("macro-F1 0.61 beats champion v1's 0.60")), true,
                view.waitingCandidates(), clock.instant()));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable loop : loops) {
            loop.close();
        }
        publisher.close();
        index.close();
    }

    @Test
    void shouldPromoteWhenTheShadowIsAsGoodAsTheChampionOnCuratorLabels() throws Exception {
        ShadowJudge judge = startJudge(registry);
        // class 7 has 2 labelled positives, both missed by the shadow: under min-positives, not judged
        shadow(2, "a", 2, new int[] {0}, new int[] {0, 7}, new int[] {0, 7});
        shadow(2, "b", 8, NUCLEOPLASM, NUCLEOPLASM, NUCLEOPLASM);
        // samples another champion served, where the shadow is wrong: not the model it would replace, not counted
        shadow(2, "other-champion", 10, new int[] {3}, NUCLEOPLASM, NUCLEOPLASM, 99);
        // shadowed but never labelled
        send(record(2, "unlabelled-0", new int[] {3}, NUCLEOPLASM, 1));

        ModelVersion verdict = awaitVerdict(2);

        assertThat(verdict.getStatus()).as(verdict.getStatusReason()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(verdict.getStatusReason()).startsWith("live gate on 10 curator-labelled shadowed samples: no judged "
                + "class's F1 below champion v1's by more than 0.0500")
                .contains("macro-F1 over 1 judged classes (at least 3 labelled positives) 1.0000 vs champion v1's "
                        + "1.0000")
                .contains("passed the offline gate: macro-F1 0.61 beats champion v1's 0.60");
        assertThat(verdict.getSignature()).as("signature kept").isEqualTo("training:v2");
        assertThat(registry.champion()).hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(2));
        assertThat(registry.waitingCandidates()).isEmpty();
    }

    @Test
    void shouldRejectNamingTheClassWhenTheShadowIsWorseByMoreThanTheMargin() throws Exception {
        ShadowJudge judge = startJudge(registry);
        // class 5 (4 positives): the champion finds all, the shadow 2
        shadow(2, "found", 2, new int[] {0, 5}, new int[] {0, 5}, new int[] {0, 5});
        shadow(2, "missed", 2, NUCLEOPLASM, new int[] {0, 5}, new int[] {0, 5});
        shadow(2, "plain", 6, NUCLEOPLASM, NUCLEOPLASM, NUCLEOPLASM);

        ModelVersion verdict = awaitVerdict(2);

        assertThat(verdict.getStatus()).isEqualTo(ModelStatus.REJECTED);
        assertThat(verdict.getStatusReason()).contains("class 5 (" + HpaClasses.name(5) + ") F1 0.6667 below champion "
                + "v1's 1.0000 by 0.3333 (more than 0.0500; 4 labelled positives)");
        assertThat(registry.champion()).hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(1));
        assertThat(judge.waiting()).isEmpty();
    }

    @Test
    void shouldRejectAfterTheMaximumWaitWithTheEvidenceItHad() throws Exception {
        ShadowJudge judge = startJudge(registry);
        shadow(2, "early", 4, NUCLEOPLASM, NUCLEOPLASM, NUCLEOPLASM);
        awaitWaiting(judge, 4);
        clock.advance(Duration.ofDays(7).minusMinutes(1));
        Thread.sleep(1500);
        assertThat(verdicts(2, Duration.ofMillis(200))).as("not before the wait is over").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        ModelVersion verdict = awaitVerdict(2);

        assertThat(verdict.getStatus()).isEqualTo(ModelStatus.REJECTED);
        assertThat(verdict.getStatusReason()).startsWith("not enough live evidence: 4 of 10 labelled shadowed samples "
                + "in 7d");
    }

    @Test
    void shouldSupersedeAnOlderWaitingCandidateWhenANewerOnePasses() throws Exception {
        ShadowJudge judge = startJudge(registry);
        // a later run's challenger passes the offline gate: it waits, and v2 is rejected in the same transaction
        List<ModelVersion> published = registry.publish(publisher, view -> new LiveGate(SETTINGS).afterOfflineGate(
                version(3, ModelStatus.CANDIDATE, null), new GateDecision(true, List.of("gain 0.02")), true,
                view.waitingCandidates(), clock.instant()));

        assertThat(published).extracting(ModelVersion::getVersion, ModelVersion::getStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3L, ModelStatus.CANDIDATE),
                org.assertj.core.groups.Tuple.tuple(2L, ModelStatus.REJECTED));
        ModelVersion superseded = awaitVerdict(2);
        assertThat(superseded.getStatusReason()).isEqualTo("superseded by v3; passed the offline gate: macro-F1 0.61 "
                + "beats champion v1's 0.60");
        assertThat(versions(3)).as("v3 is published as CANDIDATE only").extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE);
        // v2's late evidence does not count for anything; v3's does
        shadow(2, "late", 10, NUCLEOPLASM, NUCLEOPLASM, NUCLEOPLASM);
        shadow(3, "v3", 10, NUCLEOPLASM, NUCLEOPLASM, NUCLEOPLASM);
        assertThat(awaitVerdict(3).getStatus()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(versions(2)).extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE, ModelStatus.REJECTED);
    }

    @Test
    void shouldRejectACandidateOlderThanTheChampionAsSuperseded() throws Exception {
        // v3 promoted by hand while v2 waits: v2 would replace nothing
        registry.publish(publisher, view -> List.of(version(3, ModelStatus.CANDIDATE, null),
                version(3, ModelStatus.PROMOTED, "by hand")));
        startJudge(registry);

        ModelVersion verdict = awaitVerdict(2);

        assertThat(verdict.getStatus()).isEqualTo(ModelStatus.REJECTED);
        assertThat(verdict.getStatusReason()).startsWith("superseded by champion v3; passed the offline gate");
        assertThat(registry.champion()).hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(3));
    }

    @Test
    void shouldReachTheSameVerdictAfterARestartFromTheTopic() throws Exception {
        // shadow records first, half of the labels: the first instance waits
        for (int n = 0; n < 10; n++) {
            send(record(2, "restart-" + n, new int[] {0, 5}, new int[] {0, 5}, 1));
        }
        for (int n = 0; n < 5; n++) {
            label("restart-" + n, new int[] {0, 5});
        }
        ShadowJudge first = startJudge(registry);
        awaitWaiting(first, 5);
        loops.remove(loops.size() - 1).close();
        // the rest of the labels come while no judge runs; a new instance loads the registry from models
        for (int n = 5; n < 10; n++) {
            label("restart-" + n, new int[] {0, 5});
        }
        ModelRegistryView reloaded = ModelRegistryView.load(model, broker.clientProperties(), Duration.ofSeconds(30));
        assertThat(reloaded.waitingCandidates()).extracting(ModelVersion::getVersion).containsExactly(2L);

        startJudge(reloaded);
        ModelVersion verdict = awaitVerdict(2);

        assertThat(verdict.getStatus()).as(verdict.getStatusReason()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(verdict.getStatusReason()).startsWith("live gate on 10 curator-labelled shadowed samples");
    }

    private ShadowJudge startJudge(ModelRegistryView view) {
        ShadowJudge judge = new ShadowJudge(view, publisher, index::curatorLabels, SETTINGS, clock,
                ShadowJudge.Listener.NONE);
        ShadowLoop loop = new ShadowLoop(judge, broker.clientProperties(), Duration.ZERO, clock, ShadowLoop.Listener.NONE);
        Thread thread = new Thread(loop, "shadow-loop-test");
        thread.start();
        loops.add(() -> {
            loop.close();
            thread.join(10_000);
        });
        return judge;
    }

    /** {@code count} shadowed samples of {@code version}, served by champion v1, each labelled by a curator. */
    private void shadow(long version, String prefix, int count, int[] shadow, int[] champion, int[] curator)
            throws Exception {
        shadow(version, prefix, count, shadow, champion, curator, 1);
    }

    private void shadow(long version, String prefix, int count, int[] shadow, int[] champion, int[] curator,
            long championVersion) throws Exception {
        for (int n = 0; n < count; n++) {
            String sampleId = model + "-" + prefix + "-" + n;
            send(record(version, sampleId, shadow, champion, championVersion));
            label(sampleId, curator);
        }
    }

    private void label(String sampleId, int[] classes) {
        String id = sampleId.startsWith(model) ? sampleId : model + "-" + sampleId;
        index.addLabel(id, "feedback-" + feedback.incrementAndGet(), classes, clock.millis(), clock.millis(),
                "curator");
    }

    private ShadowClassification record(long version, String sampleId, int[] shadow, int[] champion,
            long championVersion) {
        String id = sampleId.startsWith(model) ? sampleId : model + "-" + sampleId;
        return ShadowClassification.newBuilder()
                .setSampleId(id).setPlate("P1").setWell("A01").setField(1).setModelName(model)
                .setShadowVersion(version)
                .setProbabilities(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.1f)))
                .setPredictedLabels(Arrays.stream(shadow).boxed().toList())
                .setThresholds(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5f)))
                .setShadowMillis(1.0).setChampionVersion(championVersion)
                .setChampionLabels(Arrays.stream(champion).boxed().toList()).setChampionMillis(1.0)
                .setClassifiedAt(clock.instant()).build();
    }

    private void send(ShadowClassification record) throws Exception {
        try (KafkaProducer<String, ShadowClassification> producer = broker.producer(Topics.CLASSIFICATIONS_SHADOW)) {
            producer.send(new ProducerRecord<>(Topics.CLASSIFICATIONS_SHADOW.name(), record.getSampleId(), record))
                    .get();
        }
    }

    private static void awaitWaiting(ShadowJudge judge, int labelled) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (judge.waiting().isEmpty() || judge.waiting().get(0).labelled() != labelled) {
            assertThat(Instant.now()).as("waiting with %d labelled samples, have %s", labelled, judge.waiting())
                    .isBefore(deadline);
            Thread.sleep(50);
        }
    }

    /** The records of {@code version} on {@code models}, in order. */
    private List<ModelVersion> versions(long version) {
        return broker.read(Topics.MODELS, Integer.MAX_VALUE, Duration.ofSeconds(2),
                r -> model.equals(r.value().getModelName()) && r.value().getVersion() == version).stream()
                .map(ConsumerRecord::value).toList();
    }

    private List<ModelVersion> verdicts(long version, Duration timeout) {
        return broker.read(Topics.MODELS, 1, timeout, r -> model.equals(r.value().getModelName())
                && r.value().getVersion() == version && r.value().getStatus() != ModelStatus.CANDIDATE).stream()
                .map(ConsumerRecord::value).toList();
    }

    private ModelVersion awaitVerdict(long version) {
        List<ModelVersion> verdicts = verdicts(version, Duration.ofSeconds(30));
        assertThat(verdicts).as("a verdict on v%d", version).hasSize(1);
        return verdicts.get(0);
    }

    private ModelVersion version(long version, ModelStatus status, String reason) {
        return ModelVersion.newBuilder()
                .setModelName(model).setVersion(version).setStatus(status).setStatusReason(reason)
                .setArchitecture("tunet/in32-w16-d2").setInputSize(32)
                .setOnnx(BlobRef.newBuilder().setUri("blob:onnx" + version).setSha256("0".repeat(64)).setSize(1).build())
                .setThresholds(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5)))
                        .setValidationSize(1).build())
                .setTrainingSetSize(1).setSnapshotId("s").setSignature("training:v" + version)
                .setCreatedAt(clock.instant()).build();
    }
}
