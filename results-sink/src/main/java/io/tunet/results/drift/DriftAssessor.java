package io.tunet.results.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.drift.DriftProfiles;

/**
 * Decides whether a set of fields (a plate's, an instrument's, a cell line's) drifted from a model version's
 * reference. A pure function of its inputs; thread-safe.
 *
 * <ul>
 *   <li>Needs at least {@code minFields} fields with QC; fewer give no assessment.</li>
 *   <li>Per profiled QC statistic: the PSI ({@link DriftProfiles#psi}) of the fields' proportions over the
 *       reference's bins ({@link DriftProfiles#proportions}) against the reference's proportions. A statistic the
 *       sink does not know ({@link FieldObservation#STATISTICS}) is skipped and named in {@link Assessment#skipped()}.</li>
 *   <li>The prediction PSI: {@link DriftProfiles#predictionDistribution} of the fields' predicted labels against the
 *       same of the reference's class frequencies and no-class fraction.</li>
 *   <li>A PSI alarms above its limit: the larger of its threshold and the {@link ChanceLevel} of that many
 *       fields against a reference of its many fields, so that a small normal plate does not alarm by sampling
 *       alone, nor by the sampling of a small reference.</li>
 *   <li>The score is the largest PSI; {@code worst} names it (a statistic, or {@value #PREDICTION}).</li>
 * </ul>
 */
public final class DriftAssessor {

    /** The name of the prediction distribution where a statistic's name would go. */
    public static final String PREDICTION = "prediction";

    private final int minFields;
    private final double qcThreshold;
    private final double predictionThreshold;
    private final ChanceLevel chance = new ChanceLevel();

    /**
     * @throws IllegalArgumentException if {@code minFields} is below 1 or a threshold is not positive
     */
    public DriftAssessor(int minFields, double qcThreshold, double predictionThreshold) {
        if (minFields < 1) {
            throw new IllegalArgumentException("results.drift.min-fields must be at least 1, was " + minFields);
        }
        if (!(qcThreshold > 0) || !(predictionThreshold > 0)) {
            throw new IllegalArgumentException("results.drift.qc-threshold and prediction-threshold must be positive, were "
                    + qcThreshold + " and " + predictionThreshold);
        }
        this.minFields = minFields;
        this.qcThreshold = qcThreshold;
        this.predictionThreshold = predictionThreshold;
    }

    /** A PSI and the value above which it raises the alarm. */
    public record Psi(double psi, double limit) {
        public boolean alarm() {
            return psi > limit;
        }
    }

    /**
     * The verdict on a set of fields.
     *
     * @param fields      fields with QC compared
     * @param predictions fields whose predicted labels were compared
     * @param qc          per profiled, known statistic, in the reference's order
     * @param skipped     statistics of the reference the sink does not know
     * @param reason      {@code QC_DRIFT}, {@code PREDICTION_DRIFT}, {@code QC_AND_PREDICTION_DRIFT}, or null
     */
    public record Assessment(int fields, int predictions, Map<String, Psi> qc, Psi prediction, double score,
                             String worst, String reason, List<String> skipped) {
        public boolean alarm() {
            return reason != null;
        }
    }

    /** The assessment of {@code observed} against {@code reference}; empty with fewer than min-fields fields with QC. */
    public Optional<Assessment> assess(ReferenceProfile reference, List<FieldObservation> observed) {
        List<FieldObservation> withQc = observed.stream().filter(FieldObservation::hasQc).toList();
        if (withQc.size() < minFields) {
            return Optional.empty();
        }
        Map<String, Psi> qc = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (ReferenceHistogram histogram : reference.getQc()) {
            int index = FieldObservation.index(histogram.getStatistic());
            if (index < 0) {
                skipped.add(histogram.getStatistic());
                continue;
            }
            double[] values = withQc.stream().mapToDouble(f -> f.qc()[index]).filter(Double::isFinite).toArray();
            if (values.length == 0) {
                continue;
            }
            double[] expected = histogram.getProportions().stream().mapToDouble(Double::doubleValue).toArray();
            double psi = DriftProfiles.psi(expected, DriftProfiles.proportions(histogram, values));
            qc.put(histogram.getStatistic(), new Psi(psi, limit(psi, qcThreshold, expected, values.length,
                    reference.getFields())));
        }
        Psi prediction = predictionPsi(reference, observed);

        String worst = PREDICTION;
        double score = prediction.psi();
        for (Map.Entry<String, Psi> e : qc.entrySet()) {
            if (e.getValue().psi() > score) {
                score = e.getValue().psi();
                worst = e.getKey();
            }
        }
        boolean qcAlarm = qc.values().stream().anyMatch(Psi::alarm);
        String reason = qcAlarm && prediction.alarm() ? "QC_AND_PREDICTION_DRIFT"
                : qcAlarm ? "QC_DRIFT" : prediction.alarm() ? "PREDICTION_DRIFT" : null;
        return Optional.of(new Assessment(withQc.size(), observed.size(), qc, prediction, score, worst, reason,
                List.copyOf(skipped)));
    }

    private Psi predictionPsi(ReferenceProfile reference, List<FieldObservation> observed) {
        double[] counts = new double[HpaClasses.COUNT];
        double noClass = 0;
        for (FieldObservation f : observed) {
            for (int label : f.predictedLabels()) {
                counts[label]++;
            }
            noClass += f.predictedLabels().length == 0 ? 1 : 0;
        }
        double[] expected = DriftProfiles.predictionDistribution(
                reference.getClassFrequencies().stream().mapToDouble(Double::doubleValue).toArray(),
                reference.getNoClassFraction());
        double psi = DriftProfiles.psi(expected, DriftProfiles.predictionDistribution(counts, noClass));
        int items = (int) (Arrays.stream(counts).sum() + noClass);
        // the reference's predictions were made on at least its QC fields: the conservative count of its sample
        return new Psi(psi, limit(psi, predictionThreshold, expected, items, reference.getFields()));
    }

    /** The threshold, or the chance level when higher; the (costly) chance level only where the threshold is passed. */
    private double limit(double psi, double threshold, double[] expected, int n, int referenceFields) {
        return psi <= threshold ? threshold : Math.max(threshold, chance.of(expected, n, Math.max(1, referenceFields)));
    }
}
