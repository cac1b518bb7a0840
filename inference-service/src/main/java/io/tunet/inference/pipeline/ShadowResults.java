package io.tunet.inference.pipeline;

import io.tunet.inference.model.ServingModel;
import io.tunet.schemas.Classification;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.Sample;
import io.tunet.schemas.ShadowClassification;
import java.time.Instant;
import java.util.ArrayList;

/** The shadow record of one sample: the shadow version's verdict beside the champion's (issue #19 §3). */
final class ShadowResults {

    private ShadowResults() {
    }

    /**
     * Builds the shadow record of one sample.
     *
     * @param sample the input both models ran on
     * @param shadow the shadowed version; its labels are decided by its own thresholds
     * @param probabilities the shadow's 28 class probabilities
     * @param shadowMillis the shadow's model time on the batch, per sample
     * @param champion the champion's Classification of the same sample, as published
     * @param championMillis the champion's model time on the batch, per sample
     * @param now the time the record is stamped with (the champion's too)
     * @throws IllegalArgumentException if there are not 28 probabilities
     */
    static ShadowClassification of(Sample sample, ServingModel shadow, float[] probabilities, double shadowMillis,
            Classification champion, double championMillis, Instant now) {
        if (probabilities.length != HpaClasses.COUNT) {
            throw new IllegalArgumentException("expected " + HpaClasses.COUNT + " probabilities, got "
                    + probabilities.length);
        }
        SampleResults.Labels decided = SampleResults.Labels.decide(probabilities, shadow.thresholds());
        return ShadowClassification.newBuilder()
                .setSampleId(sample.getSampleId())
                .setPlate(sample.getPlate())
                .setWell(sample.getWell())
                .setField(sample.getField())
                .setModelName(shadow.name())
                .setShadowVersion(shadow.version())
                .setProbabilities(decided.probabilities())
                .setPredictedLabels(decided.predicted())
                .setThresholds(decided.thresholds())
                .setShadowMillis(shadowMillis)
                .setChampionVersion(champion.getModelVersion())
                .setChampionLabels(new ArrayList<>(champion.getPredictedLabels()))
                .setChampionMillis(championMillis)
                .setClassifiedAt(now)
                .build();
    }
}
