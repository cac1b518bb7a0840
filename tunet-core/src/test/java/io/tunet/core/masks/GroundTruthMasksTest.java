package io.tunet.core.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GroundTruthMasksTest {

    @Test
    void shouldSplitOffOnlyTheBrightestModeWithOtsu() {
        // 60 × 0.1, 20 × 0.2, 20 × 0.8. Between-class variance: split after 0.1 gives
        // 0.6·0.4·(0.5-0.1)² = 0.0384, split after 0.2 gives 0.8·0.2·(0.8-0.125)² = 0.0729: Otsu keeps only 0.8.
        float[] green = new float[100];
        for (int i = 0; i < 100; i++) {
            green[i] = i < 60 ? 0.1f : (i < 80 ? 0.2f : 0.8f);
        }

        byte[] mask = GroundTruthMasks.proteinMask(green, 10, 10, ThresholdMethod.OTSU);

        for (int i = 0; i < 100; i++) {
            assertEquals(i >= 80 ? 1 : 0, mask[i], "pixel " + i);
        }
    }

    @Test
    void shouldThresholdAtMeanPlusOneStandardDeviation() {
        // mean 0.25, std sqrt(0.25·0.75) ≈ 0.433: threshold ≈ 0.683
        float[] green = {0, 0, 0, 1, 0.6f, 0.7f};
        float[] firstFour = {0, 0, 0, 1};

        assertArrayEquals(new byte[] {0, 0, 0, 1}, GroundTruthMasks.proteinMask(firstFour, 2, 2,
                ThresholdMethod.MEAN_PLUS_STD));
        assertEquals(0.25 + Math.sqrt(0.1875), GroundTruthMasks.threshold(firstFour, ThresholdMethod.MEAN_PLUS_STD,
                0f), 1e-6);
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 1}, GroundTruthMasks.proteinMask(green, 3, 2,
                ThresholdMethod.FIXED, 0.65f));
    }

    @Test
    void shouldUseTheDefaultFixedThresholdStrictly() {
        float t = GroundTruthMasks.DEFAULT_FIXED_THRESHOLD;
        float[] green = {t, Math.nextUp(t)};

        assertArrayEquals(new byte[] {0, 1}, GroundTruthMasks.proteinMask(green, 2, 1, ThresholdMethod.FIXED));
    }

    @Test
    void shouldFindNoForegroundInAConstantImage() {
        float[] flat = {0.3f, 0.3f, 0.3f, 0.3f};

        assertArrayEquals(new byte[4], GroundTruthMasks.proteinMask(flat, 2, 2, ThresholdMethod.OTSU));
        assertArrayEquals(new byte[4], GroundTruthMasks.proteinMask(flat, 2, 2, ThresholdMethod.MEAN_PLUS_STD));
    }

    @Test
    void shouldRejectBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> GroundTruthMasks.proteinMask(new float[5], 2, 2, ThresholdMethod.OTSU));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> GroundTruthMasks.proteinMask(new float[] {0, Float.NaN, 0, 0}, 2, 2, ThresholdMethod.OTSU));
        assertTrue(nan.getMessage().contains("pixel 1"), nan.getMessage());
    }
}
