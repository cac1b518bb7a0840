package io.tunet.training.dataset;

import java.util.List;

/**
 * A sample of the training dataset: its latest labels and where its four stains are.
 *
 * @param sampleId   the sample
 * @param labels     class indices, ascending
 * @param labelledAt when these labels were given, epoch millis
 * @param stains     red, green, blue, yellow
 */
public record LabelledSample(String sampleId, int[] labels, long labelledAt, List<StoredImage> stains) {

    public LabelledSample {
        labels = labels.clone();
        stains = List.copyOf(stains);
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }
}
