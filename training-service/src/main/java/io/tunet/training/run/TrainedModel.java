package io.tunet.training.run;

import io.tunet.core.training.Evaluation;
import io.tunet.core.training.TrainingResult;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained network: its history, validation scores at the fitted thresholds, and the exported artefacts.
 *
 * @param history one entry per epoch run
 * @param bestEpoch the epoch whose weights were kept (lowest validation loss)
 * @param learningRate the peak rate used
 * @param validation validation scores at the fitted thresholds
 * @param onnx the exported ONNX file (thresholds in its metadata)
 * @param checkpoint the DJL parameter file of the kept weights ({@code network.properties} beside it)
 * @param trainingSamplesPerSecond training throughput
 */
public record TrainedModel(List<TrainingResult.EpochStats> history, int bestEpoch, float learningRate,
        Evaluation.Report validation, Path onnx, Path checkpoint, double trainingSamplesPerSecond) {

    public TrainedModel {
        history = List.copyOf(history);
    }
}
