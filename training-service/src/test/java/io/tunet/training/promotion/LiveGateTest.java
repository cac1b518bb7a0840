package io.tunet.training.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveGateTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final GateDecision PASSED = new GateDecision(true, List.of("macro-F1 0.6 beats champion v3's 0.5"));
    private static final GateDecision FAILED = new GateDecision(false, List.of("class 2 F1 drops 0.5 -> 0.3"));

    private final LiveGate live = new LiveGate(new ShadowSettings(10, 0.05, 3, Duration.ofDays(7)));

    /** A hand-made version as a run publishes it. */
    static ModelVersion version(long version, ModelStatus status, String reason, Instant createdAt) {
        return ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(version).setStatus(status).setStatusReason(reason)
                .setArchitecture("tunet/in32-w16-d2").setInputSize(32)
                .setOnnx(BlobRef.newBuilder().setUri("blob:onnx" + version).setSha256("0".repeat(64)).setSize(1).build())
                .setThresholds(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5)))
                        .setValidationSize(1).build())
                .setTrainingSetSize(1).setSnapshotId("s").setSignature("training:abc").setCreatedAt(createdAt)
                .build();
    }

    /** {@code count} observations: curator {@code truth}, shadow and champion predictions as given. */
    private static List<LiveGate.Observation> same(int count, int[] shadow, int[] champion, int[] truth) {
        return Collections.nCopies(count, new LiveGate.Observation(shadow, champion, truth));
    }

    private static List<LiveGate.Observation> concat(List<LiveGate.Observation> a, List<LiveGate.Observation> b) {
        List<LiveGate.Observation> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void shouldPublishTodaysRecordsWithoutTheLiveGate() {
        ModelVersion candidate = version(4, ModelStatus.CANDIDATE, null, NOW.minusSeconds(5));
        LiveGate off = new LiveGate(ShadowSettings.OFF);

        List<ModelVersion> records = off.afterOfflineGate(candidate, PASSED, true, List.of(), NOW);

        // exactly what TrainingRunner published before the live gate existed
        assertThat(records).containsExactly(candidate, ModelVersion.newBuilder(candidate)
                .setStatus(ModelStatus.PROMOTED).setStatusReason(PASSED.summary()).setCreatedAt(NOW).build());
        assertThat(off.afterOfflineGate(candidate, FAILED, true, List.of(), NOW)).containsExactly(candidate,
                ModelVersion.newBuilder(candidate).setStatus(ModelStatus.REJECTED).setStatusReason(FAILED.summary())
                        .setCreatedAt(NOW).build());
    }

    @Test
    void shouldPublishAChallengerThatPassesOfflineAsCandidateOnlyWithTheOfflineNumbers() {
        ModelVersion candidate = version(4, ModelStatus.CANDIDATE, null, NOW);

        List<ModelVersion> records = live.afterOfflineGate(candidate, PASSED, true, List.of(), NOW);

        assertThat(records).hasSize(1);
        assertThat(records.get(0).getStatus()).isEqualTo(ModelStatus.CANDIDATE);
        assertThat(records.get(0).getStatusReason()).isEqualTo("passed the offline gate: macro-F1 0.6 beats champion "
                + "v3's 0.5; shadowed on live traffic until 10 curator-labelled shadowed samples");
        assertThat(records.get(0).getSignature()).isEqualTo(candidate.getSignature());
    }

    @Test
    void shouldRejectAChallengerThatFailsOfflineAsBeforeAndLeaveWaitingCandidatesWaiting() {
        ModelVersion waiting = version(3, ModelStatus.CANDIDATE, "passed the offline gate: x; shadowed on live "
                + "traffic until 10 curator-labelled shadowed samples", NOW.minusSeconds(60));
        ModelVersion candidate = version(4, ModelStatus.CANDIDATE, null, NOW);

        List<ModelVersion> records = live.afterOfflineGate(candidate, FAILED, true, List.of(waiting), NOW);

        assertThat(records).extracting(ModelVersion::getVersion, ModelVersion::getStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple(4L, ModelStatus.CANDIDATE),
                org.assertj.core.groups.Tuple.tuple(4L, ModelStatus.REJECTED));
    }

    @Test
    void shouldDecideTheFirstModelOfflineAsBefore() {
        ModelVersion candidate = version(1, ModelStatus.CANDIDATE, null, NOW);

        assertThat(live.afterOfflineGate(candidate, PASSED, false, List.of(), NOW)).extracting(ModelVersion::getStatus)
                .containsExactly(ModelStatus.CANDIDATE, ModelStatus.PROMOTED);
    }

    @Test
    void shouldShadowOnlyBesideAChampionOfTheSameInputSize() {
        ModelVersion champion = version(3, ModelStatus.PROMOTED, "promoted", NOW);
        ModelVersion sameSize = version(4, ModelStatus.CANDIDATE, null, NOW);
        ModelVersion larger = ModelVersion.newBuilder(sameSize).setInputSize(64).build();

        assertThat(LiveGate.shadowable(Optional.of(champion), sameSize)).isTrue();
        // inference refuses to shadow it (it runs on the tensors decoded for the champion): it would wait in vain
        assertThat(LiveGate.shadowable(Optional.of(champion), larger)).isFalse();
        assertThat(LiveGate.shadowable(Optional.empty(), sameSize)).as("the first model").isFalse();
        assertThat(live.afterOfflineGate(larger, PASSED, LiveGate.shadowable(Optional.of(champion), larger), List.of(),
                NOW)).extracting(ModelVersion::getStatus).containsExactly(ModelStatus.CANDIDATE, ModelStatus.PROMOTED);
    }

    @Test
    void shouldSupersedeAnOlderWaitingCandidateInTheSameRecords() {
        ModelVersion waiting = version(3, ModelStatus.CANDIDATE, "passed the offline gate: gain 0.01; shadowed on "
                + "live traffic until 10 curator-labelled shadowed samples", NOW.minusSeconds(60));
        ModelVersion candidate = version(4, ModelStatus.CANDIDATE, null, NOW);

        List<ModelVersion> records = live.afterOfflineGate(candidate, PASSED, true, List.of(waiting), NOW);

        assertThat(records).extracting(ModelVersion::getVersion).containsExactly(4L, 3L);
        assertThat(records.get(1).getStatus()).isEqualTo(ModelStatus.REJECTED);
        assertThat(records.get(1).getStatusReason()).isEqualTo("superseded by v4; passed the offline gate: gain 0.01");
        assertThat(records.get(1).getSignature()).isEqualTo(waiting.getSignature());
    }

    @Test
    void shouldPromoteWhenTheShadowIsAsGoodAsTheChampion() {
        // class 0: both right on 10 samples; class 1: both miss one of 5 positives
        List<LiveGate.Observation> labelled = concat(same(5, new int[] {0}, new int[] {0}, new int[] {0}),
                concat(same(4, new int[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}),
                        same(1, new int[] {0}, new int[] {0}, new int[] {0, 1})));

        Optional<GateDecision> decision = live.judge(labelled, 3);

        assertThat(decision).isPresent();
        assertThat(decision.get().promoted()).as(decision.get().summary()).isTrue();
        assertThat(decision.get().summary()).startsWith("live gate on 10 curator-labelled shadowed samples: no judged "
                + "class's F1 below champion v3's by more than 0.0500")
                .contains("macro-F1 over 2 judged classes (at least 3 labelled positives) 0.9444 vs champion v3's 0.9444");
    }

    @Test
    void shouldRejectNamingTheClassWhenTheShadowIsWorseByMoreThanTheMargin() {
        // class 5: champion finds all 4 positives, the shadow 3 of them (F1 0.857 vs 1.0)
        List<LiveGate.Observation> labelled = concat(same(3, new int[] {0, 5}, new int[] {0, 5}, new int[] {0, 5}),
                concat(same(1, new int[] {0}, new int[] {0, 5}, new int[] {0, 5}),
                        same(6, new int[] {0}, new int[] {0}, new int[] {0})));

        GateDecision decision = live.judge(labelled, 3).orElseThrow();

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.summary()).contains("class 5 (" + HpaClasses.name(5) + ") F1 0.8571 below champion v3's "
                + "1.0000 by 0.1429 (more than 0.0500; 4 labelled positives)").doesNotContain("class 0 (");
    }

    @Test
    void shouldToleratePerClassLossesWithinTheMargin() {
        LiveGate lenient = new LiveGate(new ShadowSettings(10, 0.2, 3, Duration.ofDays(7)));
        List<LiveGate.Observation> labelled = concat(same(3, new int[] {0, 5}, new int[] {0, 5}, new int[] {0, 5}),
                concat(same(1, new int[] {0}, new int[] {0, 5}, new int[] {0, 5}),
                        same(6, new int[] {0}, new int[] {0}, new int[] {0})));

        assertThat(lenient.judge(labelled, 3).orElseThrow().promoted()).isTrue();
    }

    @Test
    void shouldNotJudgeClassesWithFewerLabelledPositivesThanTheMinimum() {
        // class 7 has 2 positives: the shadow misses both, but with fewer than 3 it is not judged nor averaged in
        List<LiveGate.Observation> labelled = concat(same(2, new int[] {0}, new int[] {0, 7}, new int[] {0, 7}),
                same(8, new int[] {0}, new int[] {0}, new int[] {0}));

        GateDecision decision = live.judge(labelled, 3).orElseThrow();

        assertThat(decision.promoted()).as(decision.summary()).isTrue();
        assertThat(decision.summary()).contains("macro-F1 over 1 judged classes").doesNotContain("class 7");
        // with a minimum of 2 the same samples reject it
        LiveGate strict = new LiveGate(new ShadowSettings(10, 0.05, 2, Duration.ofDays(7)));
        assertThat(strict.judge(labelled, 3).orElseThrow().summary()).contains("class 7 (" + HpaClasses.name(7) + ")");
    }

    @Test
    void shouldWaitForTheConfiguredNumberOfLabelledSamplesAndForAJudgedClass() {
        assertThat(live.judge(same(9, new int[] {0}, new int[] {0}, new int[] {0}), 3)).isEmpty();
        // ten samples, but no class with 3 positives: no evidence to judge on
        List<LiveGate.Observation> spread = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            spread.add(new LiveGate.Observation(new int[] {c}, new int[] {c}, new int[] {c}));
        }
        assertThat(live.judge(spread, 3)).isEmpty();
        assertThat(live.timedOut(10).summary()).isEqualTo("not enough live evidence: 10 of 10 labelled shadowed "
                + "samples in 7d, no class with 3 labelled positives among them");
    }

    @Test
    void shouldRejectAfterTheWaitWithTheCount() {
        ModelVersion candidate = version(4, ModelStatus.CANDIDATE, null, NOW);

        assertThat(live.expired(candidate, NOW.plus(Duration.ofDays(7)).minusMillis(1))).isFalse();
        assertThat(live.expired(candidate, NOW.plus(Duration.ofDays(7)))).isTrue();
        assertThat(live.timedOut(4).summary()).isEqualTo("not enough live evidence: 4 of 10 labelled shadowed samples "
                + "in 7d");
        assertThat(LiveGate.format(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(LiveGate.format(Duration.ofMinutes(90))).isEqualTo("90m");
    }

    @Test
    void shouldRefuseSettingsOutOfRange() {
        assertThatThrownBy(() -> new ShadowSettings(-1, 0.05, 3, Duration.ofDays(7))).hasMessageContaining("samples");
        assertThatThrownBy(() -> new ShadowSettings(10, 1.5, 3, Duration.ofDays(7))).hasMessageContaining("margin");
        assertThatThrownBy(() -> new ShadowSettings(10, 0.05, 0, Duration.ofDays(7)))
                .hasMessageContaining("min-positives");
        assertThatThrownBy(() -> new ShadowSettings(10, 0.05, 3, Duration.ZERO)).hasMessageContaining("max-wait");
    }
}
