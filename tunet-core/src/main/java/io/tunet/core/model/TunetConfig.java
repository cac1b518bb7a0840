package io.tunet.core.model;

import io.tunet.schemas.HpaClasses;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The size of a TUNet: input resolution, width of the first encoder stage (doubling at each level), number
 * of down-sampling levels, the dropout rate used at the end of the contracting path and before the
 * classifier, and whether each class's mask is gated by the classifier's probability for that class.
 *
 * @param inputSize side S of the square {@code 4 × S × S} input; divisible by {@code 2^(depth+1)}
 * @param baseWidth channels of the first encoder stage
 * @param depth number of 2× down-sampling steps in the encoder (1 to 6)
 * @param dropout dropout rate in {@code [0, 1)}
 * @param gatedMasks whether the output mask of class c is the mask head's plane c times the classifier's
 *     probability of c ({@link TunetBlock}); false: the mask head's planes as they are, the paper's network
 */
public record TunetConfig(int inputSize, int baseWidth, int depth, float dropout, boolean gatedMasks) {

    /** The four stains, in the order red, green, blue, yellow. */
    public static final int INPUT_CHANNELS = 4;

    /** One output (logit and mask) per HPA class. */
    public static final int NUM_CLASSES = HpaClasses.COUNT;

    /** The paper's configuration: 512² input, a U-Net of the classic width (64) and depth (4). */
    public static final TunetConfig PAPER = new TunetConfig(512, 64, 4, 0.5f, false);

    /** A configuration that trains on two CPU cores: 128² input, base width 16. */
    public static final TunetConfig CPU = new TunetConfig(128, 16, 4, 0.25f, false);

    /** Validates the configuration. */
    public TunetConfig {
        if (depth < 1 || depth > 6) {
            throw new IllegalArgumentException("depth must be 1..6, was " + depth);
        }
        if (baseWidth < 1) {
            throw new IllegalArgumentException("base width must be positive, was " + baseWidth);
        }
        int divisor = 1 << (depth + 1);
        if (inputSize < divisor || inputSize % divisor != 0) {
            throw new IllegalArgumentException("input size " + inputSize + " must be a positive multiple of "
                    + divisor + " for depth " + depth);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
    }

    /** Names of the presets accepted by {@link #preset(String)}. */
    public static List<String> presetNames() {
        return List.of("paper", "cpu");
    }

    /**
     * The preset with the given name ({@code paper} or {@code cpu}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown preset and the known ones
     */
    public static TunetConfig preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "paper" -> PAPER;
            case "cpu" -> CPU;
            default -> throw new IllegalArgumentException("unknown preset '" + name + "', known: " + presetNames());
        };
    }

    /** The same configuration at another input size. */
    public TunetConfig withInputSize(int size) {
        return new TunetConfig(size, baseWidth, depth, dropout, gatedMasks);
    }

    /** The same configuration with the masks gated by the class probabilities, or not. */
    public TunetConfig withGatedMasks(boolean gated) {
        return new TunetConfig(inputSize, baseWidth, depth, dropout, gated);
    }

    /** Channels of encoder level {@code level} (0 = full resolution, {@code depth} = bottleneck). */
    public int width(int level) {
        return baseWidth << level;
    }

    /**
     * Every channel count that a convolution of this network reads or writes, ascending. The libtorch
     * convolution backward NaN (DESIGN §7) depends on channel counts, so tests cover exactly this set.
     */
    public int[] convolutionChannelCounts() {
        TreeSet<Integer> counts = new TreeSet<>(List.of(INPUT_CHANNELS, NUM_CLASSES));
        for (int level = 0; level <= depth; level++) {
            counts.add(width(level));
            if (level < depth) {
                counts.add(2 * width(level));
                counts.add(4 * width(level));
            }
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "TunetConfig[inputSize=" + inputSize + ", baseWidth=" + baseWidth + ", depth=" + depth
                + ", dropout=" + dropout + ", gatedMasks=" + gatedMasks
                + ", channels=" + Arrays.toString(convolutionChannelCounts()) + "]";
    }
}
