package io.tunet.training.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The registry view while a candidate waits for the live gate. */
class ModelRegistryViewTest {

    private static ModelVersion version(long version, ModelStatus status) {
        return ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(version).setStatus(status).setArchitecture("tunet/in32-w16-d2")
                .setInputSize(32)
                .setOnnx(BlobRef.newBuilder().setUri("blob:onnx" + version).setSha256("0".repeat(64)).setSize(1).build())
                .setThresholds(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(HpaClasses.COUNT, 0.5)))
                        .setValidationSize(1).build())
                .setTrainingSetSize(1).setSnapshotId("s").setCreatedAt(Instant.EPOCH).build();
    }

    @Test
    void shouldKeepTheChampionToWarmStartFromAndTheWaitingCandidateInUse() {
        ModelRegistryView registry = new ModelRegistryView("tunet");
        registry.observe(version(1, ModelStatus.CANDIDATE));
        registry.observe(version(1, ModelStatus.PROMOTED));
        registry.observe(version(2, ModelStatus.CANDIDATE));

        // the next run warm-starts from registry.champion(): the PROMOTED v1, not the newer waiting v2
        assertThat(registry.champion()).hasValueSatisfying(c -> assertThat(c.getVersion()).isEqualTo(1));
        assertThat(registry.newestVersion()).isEqualTo(2);
        assertThat(registry.waitingCandidates()).extracting(ModelVersion::getVersion).containsExactly(2L);
        assertThat(registry.isWaiting(2)).isTrue();
        assertThat(registry.isWaiting(1)).isFalse();
        // retention keeps the waiting candidate's ONNX file and checkpoint beside the champion's
        assertThat(registry.inUse()).extracting(ModelVersion::getVersion).containsExactly(2L, 1L);

        registry.observe(version(2, ModelStatus.REJECTED));

        assertThat(registry.waitingCandidates()).isEmpty();
        assertThat(registry.inUse()).extracting(ModelVersion::getVersion).containsExactly(1L);
    }
}
