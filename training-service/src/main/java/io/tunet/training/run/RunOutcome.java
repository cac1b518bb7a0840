package io.tunet.training.run;

import io.tunet.schemas.ModelVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run published.
 *
 * @param runId the run
 * @param trigger what started it (labels, schedule, request)
 * @param candidate the version as published: PROMOTED or REJECTED with the gate's reasons, or CANDIDATE when it
 *     passed the offline gate and waits for the live gate ({@code training.gate.shadow.samples})
 * @param superseded older candidates that were waiting for the live gate, REJECTED in the same transaction because
 *     this one passed the offline gate
 * @param report the run's Markdown report
 * @param seconds wall time of the run
 */
public record RunOutcome(String runId, String trigger, ModelVersion candidate, List<ModelVersion> superseded,
        Path report, double seconds) {

    public RunOutcome {
        superseded = List.copyOf(superseded);
    }
}
