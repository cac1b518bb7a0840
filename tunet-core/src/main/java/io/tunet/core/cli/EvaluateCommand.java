package io.tunet.core.cli;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import io.tunet.imaging.hpa.HpaEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores an exported ONNX model on an HPA-layout directory with the thresholds stored in the model, or with one
 * threshold for every class ({@code --threshold}: what the fitted per-class thresholds are worth).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score an ONNX model (ONNX Runtime) on an HPA-layout directory: macro/micro-F1, precision, "
                + "recall, per-class F1, and mask Dice where the directory has true masks.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX file exported by tunet-core.")
    Path model;

    @Option(names = "--data", required = true, description = "HPA-layout directory.")
    Path data;

    @Option(names = "--validation-only", description = "Score only the validation split (by id hash).")
    boolean validationOnly;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "Validation share (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threshold", description = "Score every class at this probability, in (0, 1), instead of "
            + "the model's fitted per-class thresholds.")
    Float threshold;

    @Option(names = "--cache", description = "Sample cache folder (default: " + SampleCache.DEFAULT_ROOT_TEXT + ").")
    Path cache;

    @Override
    public Integer call() throws DatasetException, IOException {
        if (threshold != null && !(threshold > 0 && threshold < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--threshold must be in (0, 1), was " + threshold);
        }
        try (OnnxTunet onnx = OnnxTunet.load(model); OnnxTunet.Session session = onnx.newSession()) {
            int size = onnx.metadata().inputSize();
            HpaDirectory directory = HpaDirectory.open(data);
            List<HpaEntry> entries = directory.entries().stream()
                    .filter(e -> !validationOnly || SplitAssigner.isValidation(e.id(), validationFraction)).toList();
            SampleSet samples = TrainingData.loadAll(directory, entries,
                    SampleCache.open(cache == null ? SampleCache.defaultRoot() : cache, size, ThresholdMethod.OTSU),
                    done -> { });
            Evaluation.Scores scores = Evaluation.score(samples, size, batch, session::predict);
            float[] thresholds = onnx.metadata().thresholds();
            if (threshold != null) {
                java.util.Arrays.fill(thresholds, threshold);
            }
            Evaluation.Report report = Evaluation.report(scores, thresholds);
            spec.commandLine().getOut().println(Summaries.evaluation(
                    onnx.metadata().modelName() + " " + onnx.metadata().version() + " on " + data, report,
                    threshold == null ? "the model's thresholds"
                            : "one threshold for every class, " + threshold + " (--threshold)"));
        }
        return 0;
    }
}
