package io.tunet.synth.labels;

import io.tunet.schemas.HpaClasses;
import io.tunet.synth.LabelMode;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelSamplerTest {

    private static final int DRAWS = 200_000;

    /**
     * Tolerance: 0.004 absolute per class frequency; the binomial standard deviation over 200,000 draws
     * is at most 0.0011 (class 0, p = 0.415), so this is more than 3.5 σ for every class.
     */
    @Test
    void realModeShouldReproduceTheCsvClassFrequencies() {
        LabelSetTable table = LabelSetTable.bundled();
        double[] freq = frequencies(new LabelSampler(table, LabelMode.REAL_FREQUENCIES));
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            assertEquals(table.classFrequency(c), freq[c], 0.004, HpaClasses.name(c));
        }
    }

    @Test
    void balancedModeShouldGiveEveryClassAtLeastOneDrawIn28() {
        LabelSetTable table = LabelSetTable.bundled();
        double[] freq = frequencies(new LabelSampler(table, LabelMode.BALANCED));
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            assertTrue(freq[c] > 1.0 / 28 - 0.004, HpaClasses.name(c) + ": " + freq[c]);
        }
        // Rods & rings: 11 of 31,072 real images (0.035%), now about 1/28 of the draws.
        assertTrue(freq[27] > 50 * table.classFrequency(27), "rods & rings: " + freq[27]);
    }

    private static double[] frequencies(LabelSampler sampler) {
        SplittableRandom r = new SplittableRandom(42);
        double[] counts = new double[HpaClasses.COUNT];
        for (int i = 0; i < DRAWS; i++) {
            for (int c : sampler.sample(r)) {
                counts[c]++;
            }
        }
        for (int c = 0; c < counts.length; c++) {
            counts[c] /= DRAWS;
        }
        return counts;
    }
}
