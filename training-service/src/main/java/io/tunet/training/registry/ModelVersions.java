package io.tunet.training.registry;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.model.NetworkSpec;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the {@link ModelVersion} record of a trained network: one definition for the service and the command line. */
public final class ModelVersions {

    private ModelVersions() {
    }

    /** The registry's name of a network: {@code tunet/in128-w16-d4}, with {@code -gated} for gated masks. */
    static String architecture(NetworkSpec spec) {
        return spec.architecture().id() + "/in" + spec.inputSize() + "-w" + spec.config().baseWidth() + "-d"
                + spec.config().depth() + (spec.config().gatedMasks() ? "-gated" : "");
    }

    /**
     * What was trained and how it scored.
     *
     * @param metrics the scores that go into the record (out-of-fold or held-out: never thresholds scored on the
     *     samples they were fitted on)
     * @param dice mean mask Dice against true masks, NaN when there are none
     */
    public record Trained(NetworkSpec spec, BlobRef onnx, BlobRef checkpoint, float[] thresholds,
            MultiLabelMetrics metrics, double dice, int validationSize, int trainingSetSize, String snapshotId) {
    }

    /** The record of {@code trained} as {@code modelName} v{@code version}. */
    public static ModelVersion of(String modelName, long version, Trained trained, Long parent, ModelStatus status,
            String reason, Instant createdAt) {
        List<Float> thresholds = new ArrayList<>();
        for (float t : trained.thresholds()) {
            thresholds.add(t);
        }
        NetworkSpec spec = trained.spec();
        MultiLabelMetrics m = trained.metrics();
        return ModelVersion.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .setStatus(status)
                .setStatusReason(reason)
                .setArchitecture(architecture(spec))
                .setOnnx(trained.onnx())
                .setCheckpoint(trained.checkpoint())
                .setInputSize(spec.inputSize())
                .setThresholds(thresholds)
                // the headline over the classes present in validation; absent classes' F1 is NaN (Avro
                // doubles carry it), so readers can count the present classes and rebuild the Kaggle figure
                .setMetrics(ModelMetrics.newBuilder()
                        .setMacroF1(m.macroF1())
                        .setMicroF1(m.microF1())
                        .setPrecision(m.macroPrecision())
                        .setRecall(m.macroRecall())
                        .setPerClassF1(Arrays.stream(m.perClassF1()).boxed().toList())
                        .setDice(Double.isNaN(trained.dice()) ? null : trained.dice())
                        .setValidationSize(trained.validationSize())
                        .build())
                .setTrainingSetSize(trained.trainingSetSize())
                .setSnapshotId(trained.snapshotId())
                .setParentVersion(parent)
                .setCreatedAt(createdAt)
                .build();
    }
}
