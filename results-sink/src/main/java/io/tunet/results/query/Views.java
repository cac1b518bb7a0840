package io.tunet.results.query;

import java.time.Instant;
import java.util.List;

/** What the query API returns, as JSON. Class indices follow {@link io.tunet.schemas.HpaClasses}. */
public final class Views {

    private Views() {
    }

    /** One model version's verdict on one sample, with the field QC measured at inference (null when none). */
    public record Prediction(String sampleId, String plate, String well, int field, String modelName,
                             long modelVersion, int topClass, String topClassName, float topProbability,
                             List<Integer> predictedLabels, List<Float> probabilities, Instant classifiedAt,
                             double inferenceLatencyMs, String device, Qc qc) {
    }

    /**
     * Field QC of a sample as inference measured it (imaging's FieldQc; the imaging README says how). A figure that
     * is not a finite number is null, as JSON has no NaN.
     *
     * @param flags              raised flags (EMPTY, OUT_OF_FOCUS, SATURATED, DIM_RED, DIM_GREEN, DIM_BLUE,
     *                           DIM_YELLOW, or a name added later), empty for a field that passed
     * @param focus              sharpness of the nucleus stain (about 7–9 sharp; OUT_OF_FOCUS under 4.5)
     * @param laplacianVariance  plain Laplacian variance of the nucleus stain; informative
     * @param foregroundFraction fraction of the field that is nuclear foreground
     * @param nuclei             nuclei found (touching ones count once)
     * @param stains             per stain, red, green, blue, yellow
     */
    public record Qc(List<String> flags, Double focus, Double laplacianVariance, Double foregroundFraction,
                     Integer nuclei, List<StainQc> stains) {
    }

    /** Intensity figures of one stain as stored, 0..1. */
    public record StainQc(String stain, Double saturatedFraction, Double p1, Double p50, Double p99, Double p999) {
    }

    /** A sample with its most recent prediction (null while none has arrived). */
    public record SampleSummary(String sampleId, String plate, String well, int field, Instant firstSeenAt,
                                Instant assembledAt, boolean hasThumbnail, Prediction latest) {
    }

    /**
     * A sample with every model version's prediction, every label a curator gave it, and the verdicts of the versions
     * shadowed on it (empty when none was): those are never its result.
     */
    public record SampleDetail(SampleSummary sample, List<Prediction> predictions, List<Feedback> feedback,
                               List<ShadowVerdict> shadows) {
    }

    /**
     * A shadowed version's verdict on a sample beside the champion's labels on it (issue #19 §3).
     *
     * @param disagreement classes exactly one of the two predicts, ascending (empty when they agree)
     * @param shadowMs     the shadow's time on the sample's batch divided by the batch size; championMs the same
     */
    public record ShadowVerdict(String modelName, long shadowVersion, long championVersion, List<Float> probabilities,
                                List<Integer> predictedLabels, List<Float> thresholds, List<Integer> championLabels,
                                List<Integer> disagreement, double shadowMs, double championMs,
                                Instant classifiedAt) {
    }

    /** A curator's labels. */
    public record Feedback(String feedbackId, List<Integer> labels, String labelledBy, String source, String comment,
                           Instant labelledAt) {
    }

    /** The masks one model version predicted for a sample; runs are row-major, background first. */
    public record MaskSet(String sampleId, String modelName, long modelVersion, int width, int height,
                          List<Mask> masks) {
    }

    /** One class's mask. */
    public record Mask(int classIndex, String className, int area, List<Integer> runs) {
    }

    /** A plate with results, and its drift (null until the plate was scored; see {@link Drift}). */
    public record Plate(String plate, long samples, long wells, Instant lastClassifiedAt, PlateDrift drift) {
    }

    /**
     * A plate's latest drift result in brief.
     *
     * @param score     the largest PSI of the plate against the model version's reference
     * @param worst     the statistic it came from ({@code focus}, {@code green.p999}, ..., or {@code prediction})
     * @param alarm     whether a PSI passed its limit
     * @param reason    QC_DRIFT, PREDICTION_DRIFT or QC_AND_PREDICTION_DRIFT; null without alarm
     */
    public record PlateDrift(double score, String worst, boolean alarm, String reason, String modelName,
                             long modelVersion, int fields) {
    }

    /**
     * The latest drift result of a plate, an instrument or a cell line against the reference of the newest model
     * version that classified there and has one.
     *
     * @param fields      fields with QC compared
     * @param predictions fields whose predicted labels were compared
     * @param qc          per profiled QC statistic
     * @param prediction  the prediction distribution (statistic {@code prediction})
     * @param score       the largest PSI; {@code worst} names it
     */
    public record Drift(String scope, String key, String modelName, long modelVersion, int fields, int predictions,
                        double score, String worst, boolean alarm, String reason, List<DriftStatistic> qc,
                        DriftStatistic prediction, Instant lastClassifiedAt, Instant computedAt) {
    }

    /**
     * One PSI of a drift result.
     *
     * @param limit the PSI above which it alarms: the threshold, or where the PSI passed the threshold, the PSI that
     *              sampling that many fields from the reference reaches by chance, when higher
     */
    public record DriftStatistic(String statistic, double psi, double limit, boolean alarm) {
    }

    /**
     * One well of a plate: the class with the highest mean probability over its samples' latest predictions, and
     * the field QC flags those predictions raised.
     *
     * @param qcFlags         every flag raised by one of the well's samples (latest prediction each), sorted
     * @param flaggedSamples  how many of its samples raised at least one flag
     */
    public record Well(String well, long samples, int dominantClass, String dominantClassName, double confidence,
                       List<String> qcFlags, long flaggedSamples) {
    }

    /** Per-well summary of a plate, and its drift (null until scored). */
    public record PlateSummary(String plate, List<Well> wells, PlateDrift drift) {
    }

    /** How many samples (latest prediction each) carry a class. */
    public record ClassCount(int classIndex, String name, long count) {
    }

    /**
     * A model version, its metrics and every status it went through. Macro-F1, precision and recall are over the
     * classes present in the validation samples; a score that is undefined (NaN in the record, e.g. the F1 of a
     * class absent from the validation samples) is null, as JSON has no NaN.
     */
    public record ModelVersion(String modelName, long version, String status, String statusReason,
                               String architecture, int inputSize, Double macroF1, Double microF1, Double precision,
                               Double recall, List<Double> perClassF1, Double dice, int validationSize,
                               int trainingSetSize, String snapshotId, Long parentVersion, Instant createdAt,
                               List<StatusChange> history) {
    }

    /** One status a model version entered, in the order the sink saw them. */
    public record StatusChange(String status, String reason, Instant recordedAt) {
    }

    /** An incomplete sample, a dead letter, a record the sink could not use, or a plate's drift alarm. */
    public record Incident(String kind, String sampleId, String plate, String well, String reason, String detail,
                           String sourceTopic, String service, Instant occurredAt) {
    }
}
