package io.tunet.schemas.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ModelSignaturesTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes();

    private static ModelVersion version() {
        return ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(3).setStatus(ModelStatus.CANDIDATE)
                .setArchitecture("tunet/in128-w16-d4")
                .setOnnx(new BlobRef("blob:sha256/aa/aa", "aa".repeat(32), 1000L))
                .setCheckpoint(new BlobRef("blob:sha256/bb/bb", "bb".repeat(32), 2000L))
                .setInputSize(128)
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.5f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(0.5).setMicroF1(0.5).setPrecision(0.5).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(28, 0.5))).setValidationSize(10).build())
                .setTrainingSetSize(100).setSnapshotId("s").setCreatedAt(Instant.ofEpochMilli(1))
                .build();
    }

    @Test
    void shouldVerifyASignedVersionAlsoAfterItsStatusChanges() {
        ModelVersion signed = ModelSignatures.signed(version(), "k1", KEY);
        Map<String, byte[]> trusted = Map.of("k1", KEY);

        assertEquals(ModelSignatures.Check.VALID, ModelSignatures.verify(signed, trusted));
        assertEquals(ModelSignatures.Check.VALID, ModelSignatures.verify(
                ModelVersion.newBuilder(signed).setStatus(ModelStatus.PROMOTED).setStatusReason("better").build(), trusted));
        assertEquals("k1", ModelSignatures.keyId(signed));
    }

    @Test
    void shouldRefuseEveryChangeToTheSignedIdentity() {
        ModelVersion signed = ModelSignatures.signed(version(), "k1", KEY);
        Map<String, byte[]> trusted = Map.of("k1", KEY);
        List<UnaryOperator<ModelVersion.Builder>> tampers = List.of(
                b -> b.setModelName("other"),
                b -> b.setVersion(4),
                b -> b.setArchitecture("resnet34/in128-w16-d4"),
                b -> b.setInputSize(256),
                b -> {
                    List<Float> t = new ArrayList<>(b.getThresholds());
                    t.set(27, 0.1f);
                    return b.setThresholds(t);
                },
                b -> b.setOnnx(new BlobRef("blob:sha256/cc/cc", "cc".repeat(32), 1000L)),
                b -> b.setOnnx(new BlobRef("blob:sha256/aa/aa", "aa".repeat(32), 999L)),
                b -> b.setCheckpoint(null));
        for (UnaryOperator<ModelVersion.Builder> tamper : tampers) {
            ModelVersion changed = tamper.apply(ModelVersion.newBuilder(signed)).build();
            assertEquals(ModelSignatures.Check.MISMATCH, ModelSignatures.verify(changed, trusted), changed.toString());
        }
    }

    @Test
    void shouldNameWhyAVersionIsNotTrusted() {
        Map<String, byte[]> trusted = Map.of("k1", KEY);
        assertEquals(ModelSignatures.Check.UNSIGNED, ModelSignatures.verify(version(), trusted));
        assertEquals(ModelSignatures.Check.UNKNOWN_KEY,
                ModelSignatures.verify(ModelSignatures.signed(version(), "k2", KEY), trusted));
        assertEquals(ModelSignatures.Check.MISMATCH,
                ModelSignatures.verify(ModelSignatures.signed(version(), "k1", OTHER_KEY), trusted));
        assertEquals(ModelSignatures.Check.MISMATCH, ModelSignatures.verify(
                ModelVersion.newBuilder(version()).setSignature("k1:not-hex").build(), trusted));
        assertEquals(ModelSignatures.Check.MISMATCH, ModelSignatures.verify(
                ModelVersion.newBuilder(version()).setSignature("no-key-id").build(), trusted));
    }

    @Test
    void shouldParseKeysAndRefuseShortOnes() {
        String k1 = Base64.getEncoder().encodeToString(KEY);
        String k2 = Base64.getEncoder().encodeToString(OTHER_KEY);
        Map<String, byte[]> keys = ModelSignatures.parseKeys(" k1=" + k1 + " , k2=" + k2);
        assertEquals(List.of("k1", "k2"), new ArrayList<>(keys.keySet()));

        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> ModelSignatures.parseKeys("k1=" + Base64.getEncoder().encodeToString(new byte[16])));
        assertTrue(shortKey.getMessage().contains("has 16 bytes; at least 32"), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSignatures.parseKeys(k1));
        assertThrows(IllegalArgumentException.class, () -> ModelSignatures.parseKeys("k1=%%%"));
    }
}
