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
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @TempDir
    static Path models;

    private static byte[] v1;
    private static byte[] v2;
    private static byte[] wrongSize;

    @TempDir
    Path dir;

    private LocalDirectoryBlobStore blobs;
    private InferenceMetrics metrics;
    private ModelRegistry registry;

    @BeforeAll
    static void exportModels() {
        v1 = TestModels.bytes(TestModels.export(models, 1, TestModels.SIZE, "1"));
        v2 = TestModels.bytes(TestModels.export(models, 2, TestModels.SIZE, "2"));
        wrongSize = TestModels.bytes(TestModels.export(models, 3, 64, "3"));
    }

    @BeforeEach
    void setUp() throws Exception {
        blobs = new LocalDirectoryBlobStore(dir.resolve("blobs"));
        metrics = new InferenceMetrics(new SimpleMeterRegistry());
        registry = new ModelRegistry("tunet", blobs, new ModelLoader(Devices.Selection.cpu(), 4),
                LoadMarkers.in(dir.resolve("markers")), metrics);
    }

    @Test
    void shouldSwapToNewerPromotedVersionsOnlyAndCloseTheOldOneWhenUnused() throws Exception {
        assertThat(registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE))).isEqualTo(Outcome.SWAPPED);
        ServingModel first = registry.current().orElseThrow();
        assertThat(first.acquire()).isTrue(); // a worker is still running a batch on it

        assertThat(registry.offer(TestModels.promoted("tunet", 2, v2, blobs, TestModels.SIZE))).isEqualTo(Outcome.SWAPPED);
        assertThat(registry.current().orElseThrow().version()).isEqualTo(2);
        assertThat(metrics.activeModel()).isEqualTo(2);
        assertThat(first.isClosed()).isFalse();
        first.release();
        assertThat(first.isClosed()).isTrue();

        assertThat(registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE))).isEqualTo(Outcome.IGNORED);
        assertThat(registry.offer(TestModels.promoted("other", 9, v1, blobs, TestModels.SIZE))).isEqualTo(Outcome.IGNORED);
        ModelVersion candidate = TestModels.promoted("tunet", 5, v1, blobs, TestModels.SIZE);
        candidate.setStatus(ModelStatus.CANDIDATE);
        assertThat(registry.offer(candidate)).isEqualTo(Outcome.IGNORED);
        assertThat(registry.current().orElseThrow().version()).isEqualTo(2);
        assertThat(metrics.modelsRefused()).isZero();
        registry.close();
    }

    @Test
    void shouldLoadOnlyVersionsSignedWithATrustedKeyWhenKeysAreConfigured() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
        ModelRegistry checking = new ModelRegistry("tunet", blobs, new ModelLoader(Devices.Selection.cpu(), 4),
                LoadMarkers.in(dir.resolve("markers")), metrics, Map.of("training", key));

        ModelVersion unsigned = TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE);
        assertThat(checking.offer(unsigned)).isEqualTo(Outcome.REFUSED);
        ModelVersion otherKey = ModelSignatures.signed(TestModels.promoted("tunet", 2, v1, blobs, TestModels.SIZE),
                "old", key);
        assertThat(checking.offer(otherKey)).isEqualTo(Outcome.REFUSED);
        // signed, then pointed at other bytes that pass the blob store's own check
        ModelVersion signed = ModelSignatures.signed(TestModels.promoted("tunet", 3, v1, blobs, TestModels.SIZE),
                "training", key);
        ModelVersion swapped = ModelVersion.newBuilder(signed)
                .setOnnx(TestModels.promoted("tunet", 3, v2, blobs, TestModels.SIZE).getOnnx()).build();
        assertThat(checking.offer(swapped)).isEqualTo(Outcome.REFUSED);
        assertThat(checking.current()).isEmpty();
        assertThat(metrics.modelsRefused()).isEqualTo(3);

        assertThat(checking.offer(signed)).isEqualTo(Outcome.SWAPPED);
        assertThat(checking.current().orElseThrow().version()).isEqualTo(3);
        checking.close();
    }

    @Test
    void shouldRollBackToTheNewestEarlierPromotedVersionWhenTheServingOneIsWithdrawn() throws Exception {
        ModelVersion first = TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE);
        ModelVersion second = TestModels.promoted("tunet", 2, v2, blobs, TestModels.SIZE);
        registry.offer(first);
        registry.offer(second);
        ModelVersion retired = ModelVersion.newBuilder(second).setStatus(ModelStatus.RETIRED).build();

        assertThat(registry.withdraw(ModelVersion.newBuilder(first).setStatus(ModelStatus.RETIRED).build(),
                java.util.List.of(second))).isEqualTo(Outcome.IGNORED);
        assertThat(registry.withdraw(retired, java.util.List.of(first))).isEqualTo(Outcome.SWAPPED);

        assertThat(registry.current().orElseThrow().version()).isEqualTo(1);
        assertThat(metrics.activeModel()).isEqualTo(1);
        registry.close();
    }

    @Test
    void shouldKeepServingAWithdrawnVersionWhenNoEarlierOneLoads() throws Exception {
        ModelVersion second = TestModels.promoted("tunet", 2, v2, blobs, TestModels.SIZE);
        registry.offer(second);
        ModelVersion broken = TestModels.promoted("tunet", 1, wrongSize, blobs, TestModels.SIZE);
        ModelVersion retired = ModelVersion.newBuilder(second).setStatus(ModelStatus.RETIRED).build();

        assertThat(registry.withdraw(retired, java.util.List.of(broken))).isEqualTo(Outcome.REFUSED);

        assertThat(registry.current().orElseThrow().version()).isEqualTo(2);
        assertThat(metrics.modelsRefused()).isEqualTo(1);
        registry.close();
    }

    @Test
    void shouldRefuseAVersionThatAnEarlierProcessDiedLoadingAndLeaveNoMarkerAfterALoad() throws Exception {
        LoadMarkers markers = LoadMarkers.in(dir.resolve("markers"));
        registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE));
        assertThat(markers.crashedBefore("tunet", 1)).as("a load that returned leaves no marker").isFalse();
        Files.writeString(markers.marker("tunet", 2), "loading since before the crash\n");

        assertThat(registry.offer(TestModels.promoted("tunet", 2, v2, blobs, TestModels.SIZE)))
                .isEqualTo(Outcome.REFUSED);

        assertThat(registry.current().orElseThrow().version()).isEqualTo(1);
        assertThat(metrics.modelsRefused()).isEqualTo(1);
        Files.delete(markers.marker("tunet", 2));
        assertThat(registry.offer(TestModels.promoted("tunet", 2, v2, blobs, TestModels.SIZE)))
                .as("tried again once the marker is deleted").isEqualTo(Outcome.SWAPPED);
        registry.close();
    }

    @Test
    void shouldRefuseBrokenVersionsAndKeepServing() throws Exception {
        registry.offer(TestModels.promoted("tunet", 1, v1, blobs, TestModels.SIZE));

        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertThat(registry.offer(TestModels.promoted("tunet", 2, garbage, blobs, TestModels.SIZE)))
                .isEqualTo(Outcome.REFUSED);

        BlobRef ref = blobs.put(v2);
        Path stored = blobs.root().resolve("sha256").resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        byte[] tampered = v2.clone();
        tampered[tampered.length - 10] ^= 1;
        Files.write(stored, tampered);
        assertThat(registry.offer(TestModels.version("tunet", 3, ref, TestModels.SIZE, TestModels.thresholds(0.5f))))
                .isEqualTo(Outcome.REFUSED);

        assertThat(registry.offer(TestModels.promoted("tunet", 4, wrongSize, blobs, TestModels.SIZE)))
                .isEqualTo(Outcome.REFUSED);

        BlobRef good = blobs.put(v1);
        assertThat(registry.offer(TestModels.version("tunet", 5, good, TestModels.SIZE, TestModels.thresholds(1.5f))))
                .isEqualTo(Outcome.REFUSED);
        assertThat(registry.offer(TestModels.version("tunet", 6, good, TestModels.SIZE,
                TestModels.thresholds(0.5f).subList(0, 27)))).isEqualTo(Outcome.REFUSED);

        assertThat(registry.current().orElseThrow().version()).isEqualTo(1);
        assertThat(metrics.modelsRefused()).isEqualTo(5);
        registry.close();
    }

    @Test
    void shouldServeAFileGivenForTheFirstStart() throws Exception {
        Path file = dir.resolve("first.onnx");
        Files.write(file, v2);
        ServingModel model = registry.loadFile(file, OptionalLong.empty());
        assertThat(model.version()).isEqualTo(2);
        assertThat(registry.current()).containsSame(model);
        assertThat(registry.offer(TestModels.promoted("tunet", 2, v1, blobs, TestModels.SIZE))).isEqualTo(Outcome.IGNORED);
        registry.close();
        assertThat(model.isClosed()).isTrue();
    }
}
