package io.tunet.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.tunet.schemas.FeedbackSource;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ShadowClassification;

/** Shadow verdicts and curator labels as inference and the dashboard write them. */
final class ShadowFixtures {

    private ShadowFixtures() {
    }

    /**
     * A shadowed version's verdict: its probabilities 0.9 on {@code shadowLabels}, 0.05 elsewhere, against thresholds
     * of 0.5; the champion's labels beside it.
     */
    static ShadowClassification shadow(String sampleId, String plate, String well, long shadowVersion,
                                       long championVersion, List<Integer> shadowLabels, List<Integer> championLabels,
                                       double shadowMs, double championMs) {
        List<Float> probabilities = new ArrayList<>(Collections.nCopies(28, 0.05f));
        shadowLabels.forEach(c -> probabilities.set(c, 0.9f));
        return ShadowClassification.newBuilder()
                .setSampleId(sampleId).setPlate(plate).setWell(well).setField(1).setModelName("tunet")
                .setShadowVersion(shadowVersion).setProbabilities(probabilities)
                .setPredictedLabels(shadowLabels.stream().sorted().toList())
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.5f))).setShadowMillis(shadowMs)
                .setChampionVersion(championVersion).setChampionLabels(championLabels.stream().sorted().toList())
                .setChampionMillis(championMs).setClassifiedAt(Fixtures.T0.plusSeconds(60))
                .build();
    }

    static LabelFeedback label(String sampleId, List<Integer> labels) {
        return LabelFeedback.newBuilder().setFeedbackId("fb-" + sampleId).setSampleId(sampleId).setLabels(labels)
                .setLabelledBy("curator-shadow-test").setSource(FeedbackSource.CURATOR)
                .setLabelledAt(Fixtures.T0.plusSeconds(120)).build();
    }
}
