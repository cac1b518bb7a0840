package io.tunet.core.cli;

import io.tunet.imaging.hpa.DatasetException;
import io.tunet.imaging.hpa.HpaDirectory;
import io.tunet.imaging.hpa.SplitAssigner;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.onnx.OnnxTunet;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.TrainingData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Scores an exported ONNX model on an HPA-layout directory with the thresholds stored in the model. */
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

    @Override
    public Integer call() throws DatasetException {
        try (OnnxTunet onnx = OnnxTunet.load(model); OnnxTunet.Session session = onnx.newSession()) {
            int size = onnx.metadata().inputSize();
            List<TrainingData.Sample> samples = TrainingData.loadAll(HpaDirectory.open(data), size,
                    ThresholdMethod.OTSU);
            if (validationOnly) {
                samples = samples.stream()
                        .filter(s -> SplitAssigner.isValidation(s.id(), validationFraction)).toList();
            }
            Evaluation.Scores scores = Evaluation.score(samples, size, batch, session::predict);
            Evaluation.Report report = Evaluation.report(scores, onnx.metadata().thresholds());
            spec.commandLine().getOut().println(Summaries.evaluation(
                    onnx.metadata().modelName() + " " + onnx.metadata().version() + " on " + data, report));
        }
        return 0;
    }
}
