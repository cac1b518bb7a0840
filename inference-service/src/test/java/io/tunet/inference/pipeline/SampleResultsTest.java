package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.core.masks.RunLength;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.inference.fixtures.TestSamples;
import io.tunet.inference.model.Devices;
import io.tunet.inference.model.ModelLoader;
import io.tunet.inference.model.ServingModel;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.HpaClasses;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleResultsTest {

    @TempDir
    Path dir;

    @Test
    void shouldLabelByPerClassThresholdsAndMaskOnlyPredictedClasses() throws Exception {
        int size = TestModels.SIZE;
        float[] thresholds = new float[HpaClasses.COUNT];
        Arrays.fill(thresholds, 0.9f);
        thresholds[3] = 0.2f;
        thresholds[17] = 0.6f;
        ServingModel model = new ModelLoader(Devices.Selection.cpu(), 1).load(TestModels.export(dir, 1, size, "4"),
                "tunet", 4, OptionalInt.of(size), thresholds);
        try {
            float[] probabilities = new float[HpaClasses.COUNT];
            Arrays.fill(probabilities, 0.5f);
            probabilities[17] = 0.6f; // exactly at its threshold: predicted
            float[] planes = new float[HpaClasses.COUNT * size * size];
            // class 3: a 10x10 square of high probability plus an isolated speck the cleaning removes
            for (int y = 5; y < 15; y++) {
                for (int x = 5; x < 15; x++) {
                    planes[3 * size * size + y * size + x] = 0.9f;
                }
            }
            planes[3 * size * size + 30 * size + 30] = 0.9f;
            // the paper's cleaning, which a site can switch on (inference.masks.*; off by default)
            MaskPostProcessor cleaner = MaskPostProcessor.builder().optOpeningRadius(1).optMinComponentArea(8).build();

            SampleResults results = SampleResults.of(TestSamples.inline("s-1", 1), model, probabilities, planes,
                    cleaner, 12.5, Instant.EPOCH);

            assertThat(results.classification().getPredictedLabels()).containsExactly(3, 17);
            assertThat(results.classification().getModelVersion()).isEqualTo(4);
            assertThat(results.classification().getThresholds().get(3)).isEqualTo(0.2f);
            assertThat(results.classification().getInferenceLatencyMillis()).isEqualTo(12.5);
            assertThat(results.masks().getWidth()).isEqualTo(size);
            assertThat(results.masks().getMasks()).extracting(ClassMask::getClassIndex).containsExactly(3, 17);
            ClassMask square = results.masks().getMasks().get(0);
            byte[] expected = cleaner.clean(Arrays.copyOfRange(planes, 3 * size * size, 4 * size * size), size, size);
            byte[] decoded = RunLength.decode(square.getRuns().stream().mapToInt(Integer::intValue).toArray(),
                    size * size);
            assertThat(decoded).containsExactly(expected);
            assertThat(decoded[30 * size + 30]).isZero();
            int area = 0;
            for (byte v : expected) {
                area += v;
            }
            assertThat(square.getArea()).isEqualTo(area).isBetween(90, 100);
            assertThat(results.masks().getMasks().get(1).getArea()).isZero();
        } finally {
            model.release();
        }
        assertThat(model.isClosed()).isTrue();
    }
}
