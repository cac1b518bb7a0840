package io.tunet.training.run;

import io.tunet.schemas.ModelVersion;
import java.nio.file.Path;

/**
 * What a finished run published.
 *
 * @param runId the run
 * @param trigger what started it (labels, schedule, request)
 * @param candidate the version as published: PROMOTED or REJECTED, with the gate's reasons
 * @param report the run's Markdown report
 * @param seconds wall time of the run
 */
public record RunOutcome(String runId, String trigger, ModelVersion candidate, Path report, double seconds) {
}
