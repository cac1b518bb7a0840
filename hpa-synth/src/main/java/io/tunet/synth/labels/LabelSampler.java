package io.tunet.synth.labels;

import io.tunet.schemas.HpaClasses;
import io.tunet.synth.LabelMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws label sets from a {@link LabelSetTable}. Immutable and thread-safe; the randomness comes from the
 * caller, so a draw is a pure function of the random stream.
 *
 * <ul>
 *   <li>{@link LabelMode#REAL_FREQUENCIES}: a set with probability count / total, so class frequencies and
 *       co-occurrences match the table.</li>
 *   <li>{@link LabelMode#BALANCED}: a class uniformly from the 28, then one of the real sets that contain it
 *       (weighted by count); every class then appears in at least 1/28 of the draws, and rare classes keep
 *       their real companions.</li>
 * </ul>
 */
public final class LabelSampler {

    private final LabelMode mode;
    private final int[][] sets;
    private final double[] cumulative;
    private final int[][] setsByClass;
    private final double[][] cumulativeByClass;

    /**
     * @throws IllegalArgumentException if either argument is null, or for {@link LabelMode#BALANCED} if some
     *                                  class never occurs in the table
     */
    public LabelSampler(LabelSetTable table, LabelMode mode) {
        if (table == null || mode == null) {
            throw new IllegalArgumentException("label sampler needs a table and a mode");
        }
        this.mode = mode;
        List<LabelSetTable.Entry> entries = table.entries();
        sets = new int[entries.size()][];
        cumulative = new double[entries.size()];
        double acc = 0;
        for (int i = 0; i < sets.length; i++) {
            sets[i] = entries.get(i).labels();
            acc += entries.get(i).count();
            cumulative[i] = acc;
        }
        setsByClass = new int[HpaClasses.COUNT][];
        cumulativeByClass = new double[HpaClasses.COUNT][];
        for (int c = 0; c < HpaClasses.COUNT; c++) {
            List<Integer> with = new ArrayList<>();
            for (int i = 0; i < sets.length; i++) {
                if (Arrays.binarySearch(sets[i], c) >= 0) {
                    with.add(i);
                }
            }
            setsByClass[c] = with.stream().mapToInt(Integer::intValue).toArray();
            cumulativeByClass[c] = new double[with.size()];
            double a = 0;
            for (int j = 0; j < with.size(); j++) {
                a += entries.get(with.get(j)).count();
                cumulativeByClass[c][j] = a;
            }
        }
        if (mode == LabelMode.BALANCED) {
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                if (setsByClass[c].length == 0) {
                    throw new IllegalArgumentException("balanced label sampling needs every class in the table; class "
                            + c + " (" + HpaClasses.name(c) + ") never occurs");
                }
            }
        }
    }

    /** The mode this sampler draws with. */
    public LabelMode mode() {
        return mode;
    }

    /** One label set, sorted ascending, non-empty. */
    public int[] sample(SplittableRandom random) {
        if (mode == LabelMode.REAL_FREQUENCIES) {
            return sets[pick(cumulative, random)].clone();
        }
        int c = random.nextInt(HpaClasses.COUNT);
        return sets[setsByClass[c][pick(cumulativeByClass[c], random)]].clone();
    }

    private static int pick(double[] cumulative, SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cumulative.length - 1);
    }
}
