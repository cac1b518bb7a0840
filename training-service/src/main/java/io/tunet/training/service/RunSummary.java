package io.tunet.training.service;

import io.tunet.training.run.RunOutcome;
import java.time.Instant;

/**
 * A finished run as the REST API shows it.
 *
 * @param runId the run
 * @param trigger what started it
 * @param outcome promoted, rejected, candidate (waiting for the live gate), failed, cancelled or skipped
 * @param version the version published, or null when nothing was
 * @param statusReason the gate's reasons, or why the run failed
 * @param macroF1 the challenger's validation macro-F1 over the classes present there, or null (also when it
 *     is undefined: JSON has no NaN)
 * @param snapshotId the data snapshot, or null
 * @param report the report's path, or null
 * @param seconds wall time
 * @param finishedAt when it ended
 */
public record RunSummary(String runId, String trigger, String outcome, Long version, String statusReason,
        Double macroF1, String snapshotId, String report, double seconds, Instant finishedAt) {

    /** A run that published a version. */
    static RunSummary of(RunOutcome outcome, Instant finishedAt) {
        return new RunSummary(outcome.runId(), outcome.trigger(),
                outcome.candidate().getStatus().name().toLowerCase(java.util.Locale.ROOT),
                outcome.candidate().getVersion(), outcome.candidate().getStatusReason(),
                finiteOrNull(outcome.candidate().getMetrics().getMacroF1()), outcome.candidate().getSnapshotId(),
                outcome.report().toString(), outcome.seconds(), finishedAt);
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** A run that published nothing. */
    static RunSummary unpublished(String runId, String trigger, String outcome, String why, double seconds,
            Instant finishedAt) {
        return new RunSummary(runId, trigger, outcome, null, why, null, null, null, seconds, finishedAt);
    }
}
