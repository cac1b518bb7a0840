package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpochOrderTest {

    /** 100 samples: 50 of class 0 (frequency 0.5), one of class 1 (0.01), 49 of class 25 (0.49). */
    private static SampleSet hundred() {
        List<TrainingData.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int[] labels = i < 50 ? new int[] {0} : i == 50 ? new int[] {1, 25} : new int[] {25};
            samples.add(new TrainingData.Sample("s" + i, new float[0], new byte[0], labels, null));
        }
        return SampleSet.of(samples);
    }

    @Test
    void uniformShouldVisitEachSampleOnceInTheOrderRunsHadBefore() {
        EpochOrder order = EpochOrder.of(EpochOrder.Sampling.UNIFORM, hundred());
        assertEquals(100, order.length());
        assertArrayEquals(TrainingStep.shuffledOrder(100, new SplittableRandom(7)),
                order.next(new SplittableRandom(7)));
    }

    @Test
    void repeatFactorShouldRepeatTheRareClassBySqrtOfThresholdOverFrequency() {
        double[] factors = EpochOrder.classRepeatFactors(hundred());
        assertEquals(1, factors[0]);
        assertEquals(Math.sqrt(0.1 / 0.01), factors[1], 1e-12);
        assertEquals(1, factors[2], "an absent class is not repeated");

        EpochOrder order = EpochOrder.of(EpochOrder.Sampling.REPEAT_FACTOR, hundred());
        assertEquals(Math.round(99 + Math.sqrt(10)), order.length());
        SplittableRandom rng = new SplittableRandom(3);
        int epochs = 2000;
        int[] visits = new int[100];
        for (int e = 0; e < epochs; e++) {
            for (int index : order.next(rng)) {
                visits[index]++;
            }
        }
        assertEquals(Math.sqrt(10), (double) visits[50] / epochs, 0.05, "the rare sample, its rarest class's factor");
        for (int i = 0; i < 100; i++) {
            if (i != 50) {
                assertEquals(1, (double) visits[i] / epochs, 0.05, "sample " + i);
            }
        }
    }

    @Test
    void repeatFactorShouldBeDeterministicForASeed() {
        EpochOrder order = EpochOrder.of(EpochOrder.Sampling.REPEAT_FACTOR, hundred());
        int[] first = order.next(new SplittableRandom(11));
        assertArrayEquals(first, order.next(new SplittableRandom(11)));
        assertTrue(first.length == order.length());
    }
}
