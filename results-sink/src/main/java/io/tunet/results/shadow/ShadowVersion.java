package io.tunet.results.shadow;

import java.time.Instant;
import java.util.List;

/**
 * A shadowed model version and how it compares with the champion it ran beside (see {@link ShadowStatistics}).
 *
 * @param status           its status on {@code models} as the sink last saw it (CANDIDATE while shadowed; later
 *                         PROMOTED, REJECTED or RETIRED), null when the sink has no record of the version
 * @param championVersions the champion versions it ran beside, ascending
 * @param samples          live samples it classified
 * @param exactAgreement   fraction of them on which its label set equals the champion's
 * @param labelled         of them, those with a curator label
 * @param classesPresent   classes with a positive curator label among those: what the macro-F1 averages over
 * @param macroF1Shadow    the shadow's mean F1 over the present classes; null when no sample is labelled
 * @param classes          per class; empty in the list of versions, filled for one version
 */
public record ShadowVersion(String modelName, long version, String status, List<Long> championVersions, int samples,
                            int agreedSamples, Double exactAgreement, int labelled, int classesPresent,
                            Double macroF1Shadow, Double macroF1Champion, ShadowStatistics.Latency latency,
                            Instant firstClassifiedAt, Instant lastClassifiedAt,
                            List<ShadowStatistics.ClassStatistics> classes) {
}
