package io.tunet.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.TunetConfig;
import io.tunet.core.training.TrainingListener;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.topics.Topics;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;
import io.tunet.training.EasyFields;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.promotion.GateSettings;
import io.tunet.training.promotion.ShadowSettings;
import io.tunet.training.registry.ModelPublisher;
import io.tunet.training.registry.ModelRegistryView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runs (tiny TUNet, real broker) with the live gate on: the first model is decided offline as before, a
 * challenger that passes the offline gate against a champion goes out as CANDIDATE only, warm-started from the
 * champion, and the next one that passes supersedes it in the same transaction.
 */
@WithKafka
class LiveGateRunTest {

    private static final int FIELDS = 45;
    private static final String MODEL = "tunet-live-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    @Test
    void shouldPublishAPassingChallengerAsCandidateOnlyAndSupersedeItWithTheNextOne(TestBroker broker)
            throws Exception {
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        try (DatasetIndex index = DatasetIndex.open(dir.resolve("data"));
                ModelPublisher publisher = new ModelPublisher(broker.clientProperties(), "live-gate-run-" + MODEL)) {
            FeedbackIntake intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), Clock.systemUTC());
            for (int n = 0; n < FIELDS; n++) {
                intake.onSample(EasyFields.sample("live-" + n, n, 7));
                intake.onFeedback(EasyFields.feedback("f-" + n, "live-" + n, EasyFields.labels(n)),
                        new FeedbackIntake.Source(Topics.FEEDBACK.name(), 0, n, "live-" + n, null));
            }
            ModelRegistryView registry = ModelRegistryView.load(MODEL, broker.clientProperties(), Duration.ofSeconds(30));
            TrainingRunner runner = new TrainingRunner(dir.resolve("data"), index, blobs, registry, publisher,
                    Clock.systemUTC());
            // the per-class rule is off (drop 1.0): only the macro-F1 gain over the champion decides offline here
            RunSettings settings = new RunSettings(MODEL,
                    NetworkSpec.tunet(new TunetConfig(EasyFields.SIZE, 16, 2, 0.1f, false)),
                    new TrainerSettings(6, 4, 3e-3f, 6, false, 3), 0.3, 0.2, WarmStart.PREFERRED,
                    new GateSettings(0.005, 1.0, new ShadowSettings(50, 0.05, 3, Duration.ofDays(7))), 8);

            // the first model: no champion to shadow beside, so the offline verdict goes out at once
            RunOutcome first = runner.run("untrained", "test", settings.withTrainer(new TrainerSettings(1, 4, 1e-7f, 1,
                    false, 11)).withWarmStart(WarmStart.OFF), TrainingListener.NONE, () -> false);
            assertThat(first.candidate().getStatus()).isIn(ModelStatus.PROMOTED, ModelStatus.REJECTED);
            assertThat(records(broker, 1, 2)).extracting(ModelVersion::getStatus)
                    .containsExactly(ModelStatus.CANDIDATE, first.candidate().getStatus());
            // make the (almost) untrained network the champion, so that a trained one passes the offline gate
            registry.publish(publisher, view -> List.of(ModelVersion.newBuilder(first.candidate())
                    .setStatus(ModelStatus.PROMOTED).setStatusReason("by hand, for the test").build()));

            RunOutcome second = runner.run("trained", "test", settings, TrainingListener.NONE, () -> false);

            assertThat(second.candidate().getStatus()).as(second.candidate().getStatusReason())
                    .isEqualTo(ModelStatus.CANDIDATE);
            assertThat(second.candidate().getStatusReason()).startsWith("passed the offline gate: macro-F1 over ")
                    .contains("beats champion v1's").endsWith("; shadowed on live traffic until 50 curator-labelled "
                            + "shadowed samples");
            assertThat(second.superseded()).isEmpty();
            assertThat(records(broker, 2, 1)).extracting(ModelVersion::getStatus).containsExactly(ModelStatus.CANDIDATE);
            assertThat(registry.champion().orElseThrow().getVersion()).isEqualTo(1);
            assertThat(Files.readString(second.report())).contains("**CANDIDATE** (waiting for the live gate): passed "
                    + "the offline gate").contains("warm start from champion v1");

            RunOutcome third = runner.run("trained-again", "test", settings.withTrainer(new TrainerSettings(6, 4, 3e-3f,
                    6, false, 5)), TrainingListener.NONE, () -> false);

            assertThat(third.candidate().getStatus()).as(third.candidate().getStatusReason())
                    .isEqualTo(ModelStatus.CANDIDATE);
            // warm-started from the champion, not from the candidate that waits
            assertThat(Files.readString(third.report())).contains("warm start from champion v1");
            assertThat(third.superseded()).extracting(ModelVersion::getVersion, ModelVersion::getStatusReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "superseded by v3; passed the offline "
                            + "gate: " + second.candidate().getStatusReason().substring("passed the offline gate: "
                            .length(), second.candidate().getStatusReason().indexOf("; shadowed on live traffic"))));
            List<ConsumerRecord<String, ModelVersion>> last = broker.read(Topics.MODELS, 4, Duration.ofSeconds(20),
                    r -> MODEL.equals(r.value().getModelName()) && r.value().getVersion() >= 2);
            assertThat(last).extracting(r -> r.value().getVersion() + " " + r.value().getStatus()).containsExactly(
                    "2 CANDIDATE", "3 CANDIDATE", "2 REJECTED");
            assertThat(last.get(1).offset() + 1).as("superseded in the same transaction: next to each other")
                    .isEqualTo(last.get(2).offset());
            assertThat(registry.waitingCandidates()).extracting(ModelVersion::getVersion).containsExactly(3L);
        }
    }

    private static List<ModelVersion> records(TestBroker broker, long version, int count) {
        return broker.read(Topics.MODELS, count, Duration.ofSeconds(20),
                r -> MODEL.equals(r.value().getModelName()) && r.value().getVersion() == version).stream()
                .map(ConsumerRecord::value).toList();
    }
}
