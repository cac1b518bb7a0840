package io.tunet.core.cli;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.training.Evaluation;
import io.tunet.core.training.TrainingResult;
import io.tunet.schemas.HpaClasses;
import java.util.Locale;

/** Markdown summaries of training runs and evaluations. */
final class Summaries {

    private Summaries() {
    }

    static String training(TrainingResult result) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "# Training: %s %s%n%n", result.spec().architecture().id(),
                result.spec().config()));
        if (result.learningRateSearch() != null) {
            out.append(String.format(Locale.ROOT, "Learning-rate range test: %d steps, chose %.2e.%n",
                    result.learningRateSearch().rates().length, result.learningRate()));
        } else {
            out.append(String.format(Locale.ROOT, "Learning rate: %.2e (given).%n", result.learningRate()));
        }
        out.append(String.format(Locale.ROOT, "Kept epoch %d of %d%s; %.1f training samples/s.%n%n",
                result.bestEpoch(), result.history().size(), result.stoppedEarly() ? " (stopped early)" : "",
                result.trainingSamplesPerSecond()));
        out.append("Per-epoch macro-F1 at 0.5, over the classes present in each split.\n\n");
        out.append("| epoch | train loss | train macro-F1 | val loss | val macro-F1 @0.5 | lr | s |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (TrainingResult.EpochStats e : result.history()) {
            out.append(String.format(Locale.ROOT, "| %d | %.4f | %.3f | %.4f | %.3f | %.2e | %.1f |%n", e.epoch(),
                    e.trainLoss(), e.trainMacroF1(), e.validationLoss(), e.validationMacroF1(), e.learningRate(),
                    e.seconds()));
        }
        out.append('\n').append(evaluation("Validation", result.validation(), "the model's thresholds"));
        out.append(String.format(Locale.ROOT, "%nONNX model: %s (max |ONNX Runtime - PyTorch| = %.1e)%n"
                + "Checkpoint: %s%n", result.onnxModel(), result.onnxMaxDifference(), result.checkpoint()));
        return out.toString();
    }

    static String evaluation(String title, Evaluation.Report report, String scoredAt) {
        MultiLabelMetrics m = report.metrics();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## %s (%d samples)%n%n", title, report.samples()));
        out.append(report.crossFitted()
                ? "Thresholds fitted on these samples; the scores are out-of-fold (2-fold cross-fitting: each half "
                        + "decided at thresholds fitted on the other half).\n\n"
                : "Scored at " + scoredAt + ".\n\n");
        out.append(m.summary()).append(String.format(Locale.ROOT, "; mask Dice %s%n%n",
                Double.isNaN(report.meanDice()) ? "n/a (no true masks)"
                        : String.format(Locale.ROOT, "%.3f (the training target's own: %.3f)", report.meanDice(),
                                report.targetDice())));
        boolean masks = !Double.isNaN(report.meanDice());
        out.append("Per class: n/a where a class is absent from these samples (no recall, no F1; left out of the "
                + "macro averages)" + (masks ? "; mask Dice of the class's labelled masks, and in brackets its weak "
                + "label's" : "") + ".\n\n");
        out.append("| class | support | predicted | threshold | precision | recall | F1 |")
                .append(masks ? " mask Dice |\n" : "\n").append("|---|---|---|---|---|---|---|")
                .append(masks ? "---|\n" : "\n");
        float[] thresholds = report.thresholds();
        double[] dice = report.classDice();
        double[] targetDice = report.classTargetDice();
        for (int c = 0; c < m.classCount(); c++) {
            out.append(String.format(Locale.ROOT, "| %d %s | %d | %d | %.3f | %s | %s | %s |", c,
                    HpaClasses.name(c), m.support()[c], m.predicted()[c], thresholds[c],
                    MultiLabelMetrics.format(m.perClassPrecision()[c]), MultiLabelMetrics.format(m.perClassRecall()[c]),
                    MultiLabelMetrics.format(m.perClassF1()[c])));
            if (masks) {
                out.append(Double.isNaN(dice[c]) ? " n/a |" : String.format(Locale.ROOT, " %.3f (%.3f) |", dice[c],
                        targetDice[c]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
