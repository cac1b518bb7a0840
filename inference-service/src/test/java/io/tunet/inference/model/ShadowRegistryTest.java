package io.tunet.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.model.ModelRegistry.Outcome;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.provenance.ModelSignatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's shadow: checked like a champion, and nothing about it ever touches the champion. */
class ShadowRegistryTest {

    @TempDir
    static Path models;

    private static byte[] v1;
    private static byte[] v2;

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private InferenceMetrics metrics;
    private LoadMarkers markers;
    private ModelRegistry registry;

    @BeforeAll
    static void exportModels() {
        v1 = TestModels.bytes(TestModels.export(models, 1, TestModels.SIZE, "1"));
        v2 = TestModels.bytes(TestModels.export(models, 2, TestModels.SIZE, "2"));
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        metrics = new InferenceMetrics(new SimpleMeterRegistry());
        markers = LoadMarkers.in(dir.resolve("markers"));
        registry = new ModelRegistry("tunet", blobs, new ModelLoader(Devices.Selection.cpu(), 4), markers, metrics);
    }

    @Test
    void shouldShadowANewerCandidateAndEndItWhenItIsNoLongerNewerThanTheChampion() throws Exception {
        registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE));
        ServingModel champion = registry.current().orElseThrow();

        assertThat(registry.shadow(Optional.of(candidate(2, v2)))).isEqualTo(Outcome.SWAPPED);
        ServingModel shadow = registry.shadow().orElseThrow();
        assertThat(shadow.version()).isEqualTo(2);
        assertThat(metrics.shadowVersion()).isEqualTo(2);
        assertThat(registry.shadow(Optional.of(candidate(2, v2)))).as("already shadowed: not loaded again")
                .isEqualTo(Outcome.IGNORED);
        assertThat(registry.shadow()).containsSame(shadow);
        assertThat(registry.current()).containsSame(champion);

        // a newer champion ends a shadow that is not newer than it
        registry.offer(TestModels.promoted("tunet", 3, v1, blobs, TestModels.SIZE));
        assertThat(registry.shadow()).isEmpty();
        assertThat(shadow.isClosed()).isTrue();
        assertThat(metrics.shadowVersion()).isZero();
        assertThat(registry.shadow(Optional.of(candidate(2, v2)))).as("older than the champion")
                .isEqualTo(Outcome.IGNORED);
        assertThat(registry.shadow()).isEmpty();

        registry.shadow(Optional.of(candidate(4, v2)));
        ServingModel fourth = registry.shadow().orElseThrow();
        assertThat(fourth.acquire()).isTrue(); // an inference thread still runs a batch on it
        registry.shadow(Optional.empty()); // its verdict arrived
        assertThat(registry.shadow()).isEmpty();
        assertThat(fourth.isClosed()).isFalse();
        fourth.release();
        assertThat(fourth.isClosed()).isTrue();
        assertThat(registry.current().orElseThrow().version()).isEqualTo(3);
        assertThat(metrics.modelsRefused()).isZero();
        registry.close();
    }

    @Test
    void shouldRefuseACandidateThatFailsAChampionsCheckCountItAndNeverTouchTheChampion() throws Exception {
        registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE));
        ServingModel champion = registry.current().orElseThrow();
        registry.shadow(Optional.of(candidate(2, v2)));
        ServingModel shadow = registry.shadow().orElseThrow();

        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertThat(registry.shadow(Optional.of(candidate(3, garbage)))).isEqualTo(Outcome.REFUSED);
        assertThat(registry.shadow()).as("the newest candidate is refused: no shadow").isEmpty();
        assertThat(shadow.isClosed()).isTrue();
        assertThat(registry.shadow(Optional.of(candidate(3, garbage)))).as("not tried again")
                .isEqualTo(Outcome.IGNORED);
        assertThat(metrics.shadowsRefused("INVALID_MODEL")).isEqualTo(1);

        BlobRef ref = blobs.put(v2);
        Path stored = blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        byte[] tampered = v2.clone();
        tampered[tampered.length - 10] ^= 1;
        Files.write(stored, tampered);
        ModelVersion changedBytes = TestModels.version("tunet", 4, ref, TestModels.SIZE, TestModels.thresholds(0.5f));
        changedBytes.setStatus(ModelStatus.CANDIDATE);
        assertThat(registry.shadow(Optional.of(changedBytes))).isEqualTo(Outcome.REFUSED);
        assertThat(metrics.shadowsRefused("CHECKSUM_MISMATCH")).isEqualTo(1);

        Files.writeString(markers.marker("tunet", 5), "loading since before the crash\n");
        assertThat(registry.shadow(Optional.of(candidate(5, v1)))).isEqualTo(Outcome.REFUSED);
        assertThat(metrics.shadowsRefused("CRASHED_AT_LOAD")).isEqualTo(1);

        ModelVersion otherSize = candidate(6, v1);
        otherSize.setInputSize(2 * TestModels.SIZE);
        assertThat(registry.shadow(Optional.of(otherSize))).isEqualTo(Outcome.REFUSED);
        assertThat(metrics.shadowsRefused("WRONG_SIGNATURE")).isEqualTo(1);

        assertThat(registry.current()).containsSame(champion);
        assertThat(champion.isClosed()).isFalse();
        assertThat(metrics.activeModel()).isEqualTo(1);
        assertThat(metrics.modelsRefused()).as("the champion's refusals count only champions").isZero();
        assertThat(metrics.shadowVersion()).isZero();
        registry.close();
    }

    @Test
    void shouldLoadOnlySignedCandidatesWhenKeysAreConfigured() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
        ModelRegistry checking = new ModelRegistry("tunet", blobs, new ModelLoader(Devices.Selection.cpu(), 4),
                markers, metrics, Map.of("training", key));
        checking.offer(ModelSignatures.signed(
                TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE), "training", key));

        assertThat(checking.shadow(Optional.of(candidate(2, v2)))).isEqualTo(Outcome.REFUSED);
        assertThat(metrics.shadowsRefused("UNTRUSTED")).isEqualTo(1);
        ModelVersion signed = ModelSignatures.signed(candidate(3, v2), "training", key);
        assertThat(checking.shadow(Optional.of(signed))).isEqualTo(Outcome.SWAPPED);
        assertThat(checking.shadow().orElseThrow().version()).isEqualTo(3);
        checking.close();
    }

    @Test
    void shouldTryACandidateWhoseFileWasUnreadableAgainOnceItsRetryIsDue() throws Exception {
        registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE));
        // versions naming v2's bytes, which are not in the store yet (the blob store away, a copy on its way)
        BlobRef ref = new LocalDirectoryBlobStore(dir.resolve("elsewhere")).put(v2);

        assertThat(registry.shadow(Optional.of(unreadable(2, ref)))).isEqualTo(Outcome.REFUSED);
        assertThat(metrics.shadowsRefused("BLOB_UNAVAILABLE")).isEqualTo(1);
        assertThat(registry.shadowRetryDue()).as("a minute to wait").isFalse();
        assertThat(registry.shadow(Optional.of(unreadable(2, ref)))).as("not before its retry")
                .isEqualTo(Outcome.IGNORED);

        registry.retryShadowsAfter(Duration.ZERO);
        assertThat(registry.shadow(Optional.of(unreadable(3, ref)))).isEqualTo(Outcome.REFUSED);
        assertThat(registry.shadowRetryDue()).as("due at once").isTrue();
        blobs.put(v2);
        assertThat(registry.shadow(Optional.of(unreadable(3, ref)))).isEqualTo(Outcome.SWAPPED);
        assertThat(registry.shadow()).map(ServingModel::version).contains(3L);
        assertThat(registry.shadowRetryDue()).as("v3 is shadowed; only the newest candidate is ever retried").isFalse();
        registry.close();
    }

    private static ModelVersion unreadable(long version, BlobRef ref) {
        ModelVersion candidate = TestModels.version("tunet", version, ref, TestModels.SIZE, TestModels.thresholds(0.5f));
        candidate.setStatus(ModelStatus.CANDIDATE);
        return candidate;
    }

    private ModelVersion candidate(long version, byte[] onnx) throws Exception {
        ModelVersion candidate = TestModels.promoted("tunet", version, onnx, blobs, TestModels.SIZE);
        candidate.setStatus(ModelStatus.CANDIDATE);
        return candidate;
    }
}
