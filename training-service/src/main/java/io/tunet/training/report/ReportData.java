package io.tunet.training.report;

import io.tunet.core.metrics.MultiLabelMetrics;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.training.TrainingResult;
import io.tunet.training.promotion.GateDecision;
import java.util.List;

/**
 * What a training report shows.
 *
 * @param modelName registry name
 * @param version version trained
 * @param runId the run
 * @param trigger what started the run
 * @param snapshotId the data snapshot
 * @param network the network trained
 * @param trained history, validation scores (out of fold: thresholds cross-fitted on the validation split),
 *     thresholds (fitted on the whole validation split)
 * @param start where the weights started (warm start from which champion, or from scratch and why)
 * @param trainingLabels label sets of the training split (for the dataset figures)
 * @param validationSize validation samples
 * @param gate the model on the gate split at its stored thresholds, or null (offline training has no gate)
 * @param championVersion the champion compared with, or null
 * @param champion the champion's scores on the gate split at its stored thresholds, or null
 * @param baseline the class-frequency baseline's scores (on the gate split, thresholds fitted on validation; offline:
 *     on validation, cross-fitted like the model's), or null (when there is a champion)
 * @param decision the promotion gate's verdict, or null (offline training has no gate)
 * @param published the report's line on what was published when that is not the gate's verdict (a CANDIDATE
 *     waiting for the live gate), Markdown, else null
 */
public record ReportData(String modelName, long version, String runId, String trigger, String snapshotId,
        NetworkSpec network, TrainingResult trained, String start, List<int[]> trainingLabels, int validationSize,
        Gate gate, Long championVersion, MultiLabelMetrics champion, MultiLabelMetrics baseline,
        GateDecision decision, String published) {

    /** A report whose published status is the gate's verdict. */
    public ReportData(String modelName, long version, String runId, String trigger, String snapshotId,
            NetworkSpec network, TrainingResult trained, String start, List<int[]> trainingLabels, int validationSize,
            Gate gate, Long championVersion, MultiLabelMetrics champion, MultiLabelMetrics baseline,
            GateDecision decision) {
        this(modelName, version, runId, trigger, snapshotId, network, trained, start, trainingLabels, validationSize,
                gate, championVersion, champion, baseline, decision, null);
    }

    /**
     * The promotion gate's view of the model.
     *
     * @param samples gate samples (used for nothing else)
     * @param challenger the model's scores there at its stored thresholds
     */
    public record Gate(int samples, MultiLabelMetrics challenger) {
    }
}
