package io.tunet.training.run;

import io.tunet.core.model.NetworkSpec;
import io.tunet.core.training.NonFiniteLossException;
import io.tunet.core.training.TrainingCancelledException;
import io.tunet.core.training.TrainingData;
import io.tunet.core.training.TrainingListener;
import io.tunet.core.training.TrainingOptions;
import io.tunet.core.training.TrainingResult;
import io.tunet.core.training.TunetTraining;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The service's settings on tunet-core's recipe ({@link TunetTraining}: Adam, range test unless a rate is given,
 * cosine annealing with warm restarts, augmentation, early stopping on validation loss keeping the best epoch,
 * max-F1 thresholds on validation, verified ONNX export), with its hooks for progress, cancellation and warm
 * start. Everything else keeps tunet-core's defaults, so the service and the offline command train alike.
 */
public final class RunTrainer {

    private RunTrainer() {
    }

    /**
     * Trains {@code spec} on {@code data}.
     *
     * @param initialCheckpoint a checkpoint of the same network to start from (a warm start), or null
     * @param modelName name of the exported model (metadata and {@code <name>.onnx})
     * @param version version written into the exported model's metadata
     * @param out directory for the checkpoint and the ONNX file
     * @param cancelled checked before every step
     * @throws NonFiniteLossException at the first NaN or infinite loss
     * @throws TrainingCancelledException when {@code cancelled} turned true; nothing was exported
     */
    public static TrainingResult train(NetworkSpec spec, TrainingData data, TrainerSettings settings,
            Path initialCheckpoint, String modelName, long version, Path out, TrainingListener listener,
            BooleanSupplier cancelled) {
        TrainingOptions.Builder options = TrainingOptions.builder()
                .setOutputDirectory(out)
                .optEpochs(settings.epochs())
                .optBatchSize(settings.batchSize())
                .optPatience(settings.patience())
                .optAugment(settings.augment())
                .optSeed(settings.seed())
                .optDevice(settings.device())
                .optModelName(modelName)
                .optModelVersion(Long.toString(version))
                .optInitialWeights(initialCheckpoint)
                .optProgress(false)
                .optListener(listener)
                .optCancellation(cancelled);
        if (!Float.isNaN(settings.learningRate())) {
            options.optLearningRate(settings.learningRate());
        }
        return TunetTraining.train(spec, data, options.build());
    }
}
