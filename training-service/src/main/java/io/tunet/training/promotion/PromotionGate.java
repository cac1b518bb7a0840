package io.tunet.training.promotion;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.thresholds.ThresholdFitter;
import io.tunet.schemas.HpaClasses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Champion/challenger promotion. Both are scored on the same gate samples (a split fixed by a hash of the
 * sample id that neither training, early stopping nor threshold fitting sees: the training service's
 * {@code training.model.gate-fraction}), each at its own stored thresholds. A challenger is promoted only if its
 * macro-F1 beats the champion's by the configured gain and no class's F1 drops by more than the configured
 * amount. Without a champion, the challenger must beat the trivial baseline by the same gain: a model that
 * answers every sample with the training set's class frequencies, its thresholds fitted on the validation split
 * like the challenger's (so at best it predicts a class for every sample or for none), scored on the gate split.
 *
 * <p>Macro-F1 here is {@link MultiLabelMetrics#macroF1()}, the mean over the classes present in the scored
 * samples; the per-class rule looks only at classes present there (the others have no F1). A macro-F1 that is
 * undefined (no class present) never promotes.
 */
public final class PromotionGate {

    private final GateSettings settings;

    public PromotionGate(GateSettings settings) {
        this.settings = settings;
    }

    /** Decides against a champion scored on the same samples. */
    public GateDecision againstChampion(MultiLabelMetrics challenger, MultiLabelMetrics champion, long championVersion) {
        List<String> failures = new ArrayList<>();
        double gain = challenger.macroF1() - champion.macroF1();
        if (!(gain >= settings.minMacroF1Gain())) {
            failures.add(String.format(Locale.ROOT, "%s %.4f does not beat champion v%d's %.4f by %.4f (gain %+.4f)",
                    headline(challenger), challenger.macroF1(), championVersion, champion.macroF1(),
                    settings.minMacroF1Gain(), gain));
        }
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            if (!challenger.present(c) || !champion.present(c)) {
                continue;
            }
            double drop = champion.perClassF1()[c] - challenger.perClassF1()[c];
            if (drop > settings.maxClassF1Drop()) {
                failures.add(String.format(Locale.ROOT, "class %d (%s) F1 drops %.4f -> %.4f (more than %.4f)", c,
                        HpaClasses.name(c), champion.perClassF1()[c], challenger.perClassF1()[c],
                        settings.maxClassF1Drop()));
            }
        }
        if (!failures.isEmpty()) {
            return new GateDecision(false, failures);
        }
        return new GateDecision(true, List.of(String.format(Locale.ROOT,
                "%s %.4f beats champion v%d's %.4f by %+.4f (needed %.4f); no class F1 dropped more than %.4f",
                headline(challenger), challenger.macroF1(), championVersion, champion.macroF1(), gain,
                settings.minMacroF1Gain(), settings.maxClassF1Drop())));
    }

    /** Decides the first model of a registry against the class-frequency baseline. */
    public GateDecision againstBaseline(MultiLabelMetrics challenger, MultiLabelMetrics baseline) {
        double gain = challenger.macroF1() - baseline.macroF1();
        if (!(gain >= settings.minMacroF1Gain() && gain > 0)) {
            return new GateDecision(false, List.of(String.format(Locale.ROOT,
                    "first model: %s %.4f does not beat the class-frequency baseline's %.4f by %.4f (gain %+.4f)",
                    headline(challenger), challenger.macroF1(), baseline.macroF1(), settings.minMacroF1Gain(), gain)));
        }
        return new GateDecision(true, List.of(String.format(Locale.ROOT,
                "first model: %s %.4f beats the class-frequency baseline's %.4f by %+.4f",
                headline(challenger), challenger.macroF1(), baseline.macroF1(), gain)));
    }

    /** Names the compared figure in a verdict, e.g. "macro-F1 over 27 present classes". */
    private static String headline(MultiLabelMetrics metrics) {
        return "macro-F1 over " + metrics.presentClassCount() + " present classes";
    }

    /**
     * Scores the trivial baseline on validation truth: every sample gets the training frequencies as
     * probabilities, thresholds fitted on the validation split and scored out of fold like the challenger's
     * ({@link ThresholdFitter#crossFitted}). The fit is plain max-F1, not the models' count-capped one: a
     * constant predictor cannot rank samples, so the cap would leave it predicting nothing; at max-F1 it labels
     * every sample with each class whose F1 that raises, the strongest it can do, so the bar stays high.
     *
     * @param trainingTruth {@code [sample][class]} of the training split (for the frequencies)
     * @param validationTruth {@code [sample][class]} of the validation split
     */
    public static MultiLabelMetrics baseline(boolean[][] trainingTruth, boolean[][] validationTruth) {
        if (trainingTruth.length == 0 || validationTruth.length == 0) {
            throw new IllegalArgumentException("the baseline needs training and validation samples");
        }
        float[][] probabilities = constantRows(frequencies(trainingTruth), validationTruth.length);
        return MultiLabelMetrics.compute(validationTruth,
                ThresholdFitter.crossFitted(probabilities, validationTruth, ThresholdFitter::maxF1));
    }

    /**
     * Scores the trivial baseline on the gate split, as the gate scores a model there: the training frequencies as
     * probabilities, thresholds fitted (max-F1, see {@link #baseline(boolean[][], boolean[][])}) on the validation
     * split, decisions on the gate split scored against its truth.
     */
    public static MultiLabelMetrics baseline(boolean[][] trainingTruth, boolean[][] validationTruth,
            boolean[][] gateTruth) {
        if (trainingTruth.length == 0 || validationTruth.length == 0 || gateTruth.length == 0) {
            throw new IllegalArgumentException("the baseline needs training, validation and gate samples");
        }
        float[] frequencies = frequencies(trainingTruth);
        float[] thresholds = ThresholdFitter.maxF1(constantRows(frequencies, validationTruth.length), validationTruth);
        return MultiLabelMetrics.compute(gateTruth,
                ThresholdFitter.apply(constantRows(frequencies, gateTruth.length), thresholds));
    }

    private static float[] frequencies(boolean[][] truth) {
        float[] frequencies = new float[HpaClasses.COUNT];
        for (boolean[] row : truth) {
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                frequencies[c] += row[c] ? 1f / truth.length : 0f;
            }
        }
        for (int c = 0; c < frequencies.length; c++) {
            frequencies[c] = Math.min(1f, Math.max(0f, frequencies[c]));
        }
        return frequencies;
    }

    private static float[][] constantRows(float[] row, int count) {
        float[][] rows = new float[count][];
        for (int s = 0; s < count; s++) {
            rows[s] = row.clone();
        }
        return rows;
    }
}
