package io.tunet.results.shadow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import io.tunet.schemas.HpaClasses;

/**
 * How a shadowed version compares with the champion it ran beside, from its verdicts (and the curator labels of the
 * samples that have one). Honest by construction:
 * <ul>
 * <li>a class with no positive curator label among the labelled samples has no F1 (null, not 1 and not 0) and no
 * recall, and is left out of the macro average; both models are averaged over the same present classes;</li>
 * <li>a class a model never predicted has precision 0, not 1;</li>
 * <li>with no labelled sample there is no macro-F1 at all (null);</li>
 * <li>latency percentiles interpolate between the two nearest values, as PostgreSQL's {@code percentile_cont}.</li>
 * </ul>
 */
public final class ShadowStatistics {

    private ShadowStatistics() {
    }

    /**
     * One verdict as the statistics read it: label sets as bit masks over the 28 classes.
     *
     * @param truth the sample's latest curator labels, null when it has none
     */
    public record Observation(int shadow, int champion, Integer truth, double shadowMs, double championMs) {

        /** The bit mask of a list of class indices. */
        public static int mask(Collection<Integer> classes) {
            int mask = 0;
            for (int c : classes) {
                mask |= 1 << c;
            }
            return mask;
        }
    }

    /** Precision, recall and F1 of one model on one class over the labelled samples. */
    public record Scores(double precision, Double recall, Double f1) {
    }

    /**
     * One class.
     *
     * @param agreement        fraction of shadowed samples on which both models predict the class or both do not
     * @param curatorPositives labelled samples whose curator labels carry the class (the support)
     * @param shadowWorse      whether both F1 are defined and the shadow's is lower
     */
    public record ClassStatistics(int classIndex, String className, int shadowPositives, int championPositives,
                                  double agreement, int curatorPositives, Scores shadow, Scores champion,
                                  boolean shadowWorse) {
    }

    /** Latency percentiles in milliseconds (null without samples). */
    public record Latency(Double shadowP50Ms, Double shadowP95Ms, Double championP50Ms, Double championP95Ms) {
    }

    /**
     * @param agreedSamples   samples on which the two label sets are equal
     * @param exactAgreement  agreedSamples / samples (null without samples)
     * @param labelled        samples with a curator label
     * @param classesPresent  classes with at least one positive curator label: those the macro-F1 averages
     * @param macroF1Shadow   mean F1 of the shadow over the present classes, null when none is present
     */
    public record Result(int samples, int agreedSamples, Double exactAgreement, int labelled, int classesPresent,
                         Double macroF1Shadow, Double macroF1Champion, Latency latency,
                         List<ClassStatistics> classes) {
    }

    public static Result of(List<Observation> observations) {
        int samples = observations.size();
        int agreed = 0;
        int labelled = 0;
        int[] shadowPositives = new int[HpaClasses.COUNT];
        int[] championPositives = new int[HpaClasses.COUNT];
        int[] agreeing = new int[HpaClasses.COUNT];
        int[] support = new int[HpaClasses.COUNT];
        int[] shadowPredicted = new int[HpaClasses.COUNT];
        int[] shadowHits = new int[HpaClasses.COUNT];
        int[] championPredicted = new int[HpaClasses.COUNT];
        int[] championHits = new int[HpaClasses.COUNT];
        double[] shadowMs = new double[samples];
        double[] championMs = new double[samples];
        for (int i = 0; i < samples; i++) {
            Observation o = observations.get(i);
            shadowMs[i] = o.shadowMs();
            championMs[i] = o.championMs();
            agreed += o.shadow() == o.champion() ? 1 : 0;
            labelled += o.truth() == null ? 0 : 1;
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                boolean s = has(o.shadow(), c);
                boolean ch = has(o.champion(), c);
                shadowPositives[c] += s ? 1 : 0;
                championPositives[c] += ch ? 1 : 0;
                agreeing[c] += s == ch ? 1 : 0;
                if (o.truth() != null) {
                    boolean t = has(o.truth(), c);
                    support[c] += t ? 1 : 0;
                    shadowPredicted[c] += s ? 1 : 0;
                    shadowHits[c] += s && t ? 1 : 0;
                    championPredicted[c] += ch ? 1 : 0;
                    championHits[c] += ch && t ? 1 : 0;
                }
            }
        }
        List<ClassStatistics> classes = new ArrayList<>(HpaClasses.COUNT);
        double shadowSum = 0;
        double championSum = 0;
        int present = 0;
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            Scores shadow = scores(shadowHits[c], shadowPredicted[c], support[c]);
            Scores champion = scores(championHits[c], championPredicted[c], support[c]);
            if (support[c] > 0) {
                present++;
                shadowSum += shadow.f1();
                championSum += champion.f1();
            }
            classes.add(new ClassStatistics(c, HpaClasses.name(c), shadowPositives[c], championPositives[c],
                    samples == 0 ? 0 : (double) agreeing[c] / samples, support[c], shadow, champion,
                    shadow.f1() != null && champion.f1() != null && shadow.f1() < champion.f1()));
        }
        Latency latency = new Latency(percentile(shadowMs, 0.5), percentile(shadowMs, 0.95),
                percentile(championMs, 0.5), percentile(championMs, 0.95));
        return new Result(samples, agreed, samples == 0 ? null : (double) agreed / samples, labelled, present,
                present == 0 ? null : shadowSum / present, present == 0 ? null : championSum / present, latency,
                classes);
    }

    /**
     * A class nobody labelled positive has no recall and no F1; a class never predicted has precision 0. F1 is 0
     * when precision and recall both are.
     */
    static Scores scores(int hits, int predicted, int support) {
        double precision = predicted == 0 ? 0 : (double) hits / predicted;
        if (support == 0) {
            return new Scores(precision, null, null);
        }
        double recall = (double) hits / support;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Scores(precision, recall, f1);
    }

    /** The {@code p} quantile, linearly interpolated between the nearest ranks ({@code percentile_cont}). */
    static Double percentile(double[] values, double p) {
        if (values.length == 0) {
            return null;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = (int) Math.ceil(position);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    private static boolean has(int mask, int classIndex) {
        return (mask & (1 << classIndex)) != 0;
    }
}
