package io.tunet.training.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.provenance.ModelSignatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelSignerTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    private static ModelVersion version() {
        return ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(1).setStatus(ModelStatus.CANDIDATE).setArchitecture("tunet/in32-w16-d2")
                .setOnnx(new BlobRef("blob:sha256/aa/aa", "aa".repeat(32), 10L)).setInputSize(32)
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(28, 0.5))).setValidationSize(1).build())
                .setTrainingSetSize(1).setSnapshotId("s").setCreatedAt(Instant.ofEpochMilli(1)).build();
    }

    @Test
    void shouldSignWhatInferenceVerifiesWithTheSameKey() {
        ModelSigner signer = ModelSigner.of("k2026", Base64.getEncoder().encodeToString(KEY));
        ModelVersion signed = signer.apply(version());

        assertThat(signed.getSignature()).startsWith("k2026:");
        assertThat(ModelSignatures.verify(signed, Map.of("k2026", KEY))).isEqualTo(ModelSignatures.Check.VALID);
        assertThat(ModelSigner.NONE.apply(version()).getSignature()).isNull();
    }

    @Test
    void shouldRefuseAKeyThatIsNotBase64OrTooShortAtStart() {
        assertThatThrownBy(() -> ModelSigner.of("k", "not base64!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> ModelSigner.of("k", Base64.getEncoder().encodeToString(new byte[8])))
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> ModelSigner.of("a:b", Base64.getEncoder().encodeToString(KEY)))
                .hasMessageContaining("without ':'");
    }
}
