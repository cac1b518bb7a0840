package io.tunet.core.training;

import io.tunet.schemas.HpaClasses;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The order in which one epoch visits the training samples: each sample once ({@link Sampling#UNIFORM}), or
 * samples of rare classes more often ({@link Sampling#REPEAT_FACTOR}).
 *
 * <p>Repeat-factor sampling (Gupta et al., LVIS, 2019): a class present in a fraction {@code f} of the training
 * samples has the repeat factor {@code r = max(1, sqrt(t / f))}; a sample is repeated as often as its rarest
 * class asks, {@code max r} over its labels, by stochastic rounding in every epoch. With {@code t} = {@value
 * #REPEAT_THRESHOLD}, a class in 1% of the fields is seen about 3.2 times as often, one in 0.1% 10 times; classes
 * in more than 10% of the fields keep their frequency. The epoch length is fixed at the expected total, so the
 * learning-rate schedule and progress know it in advance.
 */
public final class EpochOrder {

    /** How training samples are drawn into an epoch. */
    public enum Sampling {
        /** Every training sample once per epoch, shuffled (the default). */
        UNIFORM,
        /** Samples of rare classes repeated, see {@link EpochOrder}. */
        REPEAT_FACTOR
    }

    /** The class frequency below which repeat-factor sampling repeats a class's samples. */
    public static final double REPEAT_THRESHOLD = 0.1;

    private final double[] repeats;
    private final int length;

    private EpochOrder(double[] repeats) {
        this.repeats = repeats;
        this.length = (int) Math.round(Arrays.stream(repeats).sum());
    }

    /** The order for {@code samples} under {@code sampling}. */
    public static EpochOrder of(Sampling sampling, SampleSet samples) {
        double[] repeats = new double[samples.size()];
        Arrays.fill(repeats, 1);
        if (sampling == Sampling.REPEAT_FACTOR) {
            double[] classRepeats = classRepeatFactors(samples);
            for (int i = 0; i < repeats.length; i++) {
                for (int label : samples.labels(i)) {
                    repeats[i] = Math.max(repeats[i], classRepeats[label]);
                }
            }
        }
        return new EpochOrder(repeats);
    }

    /** Each class's repeat factor on {@code samples}: {@code max(1, sqrt(t / f))}; 1 for an absent class. */
    static double[] classRepeatFactors(SampleSet samples) {
        int[] counts = new int[HpaClasses.COUNT];
        for (int i = 0; i < samples.size(); i++) {
            for (int label : samples.labels(i)) {
                counts[label]++;
            }
        }
        double[] factors = new double[HpaClasses.COUNT];
        for (int c = 0; c < factors.length; c++) {
            double frequency = (double) counts[c] / samples.size();
            factors[c] = counts[c] == 0 ? 1 : Math.max(1, Math.sqrt(REPEAT_THRESHOLD / frequency));
        }
        return factors;
    }

    /** Samples visited per epoch. */
    public int length() {
        return length;
    }

    /**
     * The next epoch's visits, shuffled, from the caller's seeded generator. Uniform sampling draws exactly as
     * {@link TrainingStep#shuffledOrder}, so the default keeps the order runs had before sampling was an option.
     */
    public int[] next(SplittableRandom rng) {
        int[] visits = new int[(int) Math.ceil(Arrays.stream(repeats).map(Math::ceil).sum())];
        int drawn = 0;
        for (int i = 0; i < repeats.length; i++) {
            int times = (int) repeats[i];
            double fraction = repeats[i] - times;
            if (fraction > 0 && rng.nextDouble() < fraction) {
                times++;
            }
            for (int k = 0; k < times; k++) {
                visits[drawn++] = i;
            }
        }
        int[] shuffle = TrainingStep.shuffledOrder(drawn, rng);
        int[] order = new int[length];
        for (int i = 0; i < length; i++) {
            // stochastic rounding drew a few more or fewer than the expected length: cut the shuffled tail or
            // top up with random samples
            order[i] = i < drawn ? visits[shuffle[i]] : rng.nextInt(repeats.length);
        }
        return order;
    }
}
