package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tunet.core.onnx.TunetPrediction;
import io.tunet.schemas.HpaClasses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every batch a training run or a scoring sends to a model has one shape, whatever the data set's size. */
class WholeBatchesTest {

    @Test
    void anOrderShouldBeToppedUpToWholeBatchesWithItsOwnFirstVisits() {
        assertArrayEquals(new int[] {5, 3, 9, 1, 7, 2, 8, 0, 4, 6, 5, 3}, TrainingStep.wholeBatches(
                new int[] {5, 3, 9, 1, 7, 2, 8, 0, 4, 6}, 4));
        assertArrayEquals(new int[] {2, 0, 1, 2, 0, 1, 2, 0}, TrainingStep.wholeBatches(new int[] {2, 0, 1}, 8),
                "shorter than a batch: cyclically");
        int[] whole = {1, 0, 3, 2};
        assertSame(whole, TrainingStep.wholeBatches(whole, 2));
        assertArrayEquals(new int[0], TrainingStep.wholeBatches(new int[0], 8));
    }

    @Test
    void scoringShouldRunWholeBatchesAndReadBackEachSamplesOwnRow() {
        List<TrainingData.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            samples.add(new TrainingData.Sample("s" + i, new float[] {i / 100f}, new byte[0], new int[] {i % 3},
                    null));
        }
        List<Integer> batchSizes = new ArrayList<>();
        List<Float> lastBatch = new ArrayList<>();
        // a model whose probabilities are the image's first value, so that a row read from the wrong place shows
        Evaluation.Scores scores = Evaluation.score(SampleSet.of(samples), 1, 4, images -> {
            batchSizes.add(images.length);
            lastBatch.clear();
            for (float[] image : images) {
                lastBatch.add(image[0]);
            }
            float[][] probabilities = new float[images.length][HpaClasses.COUNT];
            for (int i = 0; i < images.length; i++) {
                probabilities[i][0] = images[i][0];
            }
            return new TunetPrediction(probabilities, null, 1);
        });
        assertEquals(List.of(4, 4, 4), batchSizes, "the last 3 samples padded to a batch of 4");
        assertEquals(List.of(0.08f, 0.09f, 0.10f, 0.10f), lastBatch, "padded with the last sample");
        assertEquals(11, scores.probabilities().length);
        for (int i = 0; i < 11; i++) {
            assertEquals(i / 100f, scores.probabilities()[i][0], "sample " + i);
            assertEquals(i % 3 == 0, scores.truth()[i][0]);
        }
    }
}
