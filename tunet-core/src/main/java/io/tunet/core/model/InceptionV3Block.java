package io.tunet.core.model;

import static io.tunet.core.model.Inception.branches;
import static io.tunet.core.model.Inception.chain;
import static io.tunet.core.model.Inception.conv;
import static io.tunet.core.model.Inception.reduce;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Inception-v3 (Szegedy et al. 2015, "Rethinking the Inception Architecture for Computer Vision"), one of the
 * paper's Table 3 baselines, for four-stain input. Output {@code NDList(logits [N, 28])}; no masks. Layer by
 * layer as the reference implementation of the published network (torchvision's and Keras' {@code inception_v3},
 * without the auxiliary classifier):
 *
 * <ul>
 *   <li>stem: 3×3/2 conv 32, 3×3 conv 32, 3×3 conv 64, 3×3/2 max pool, 1×1 conv 80, 3×3 conv 192, 3×3/2 max
 *       pool;</li>
 *   <li>3 × Inception-A (1×1 64 | 1×1 48 → 5×5 64 | 1×1 64 → 3×3 96 → 3×3 96 | avg pool → 1×1 32, 64, 64);</li>
 *   <li>reduction-A (3×3/2 384 | 1×1 64 → 3×3 96 → 3×3/2 96 | 3×3/2 max pool);</li>
 *   <li>4 × Inception-B with factorised 7×7 convolutions, c = 128, 160, 160, 192 (1×1 192 | 1×1 c → 1×7 c →
 *       7×1 192 | 1×1 c → 7×1 c → 1×7 c → 7×1 c → 1×7 192 | avg pool → 1×1 192);</li>
 *   <li>reduction-B (1×1 192 → 3×3/2 320 | 1×1 192 → 1×7 192 → 7×1 192 → 3×3/2 192 | 3×3/2 max pool);</li>
 *   <li>2 × Inception-C (1×1 320 | 1×1 384 → (1×3 384 | 3×1 384) | 1×1 448 → 3×3 384 → (1×3 384 | 3×1 384) |
 *       avg pool → 1×1 192): 2048 channels;</li>
 *   <li>global average pooling, dropout, fully connected to 28 logits.</li>
 * </ul>
 *
 * <p>Every convolution is followed by batch norm and ReLU. Adapted to small inputs: every convolution and pooling
 * pads "same" where the published network pads "valid" in the stem and the reductions, so the five stride-2
 * steps take S to ⌈S/32⌉ (128² → 4×4 at Inception-C, 32² → 1×1) instead of collapsing (at 128² "valid" leaves
 * 2×2 before Inception-C, at 32² nothing is left after the stem). Widths follow the base width as
 * {@link Inception#width}: base 64 is the published network.
 */
public final class InceptionV3Block extends PooledClassifier {

    private static final byte VERSION = 1;

    private final int baseWidth;

    private InceptionV3Block(int baseWidth, float dropout) {
        super(VERSION, "Inception-v3", trunk(c -> Inception.width(c, baseWidth)), dropout);
        this.baseWidth = baseWidth;
    }

    /**
     * The network with widths scaled by {@code baseWidth} (64: the published widths, 16: a quarter of them, see the
     * class comment) and {@code dropout} before the classifier.
     *
     * @throws IllegalArgumentException if the base width is not positive or the dropout is outside [0, 1)
     */
    public static InceptionV3Block of(int baseWidth, float dropout) {
        validate(baseWidth, dropout);
        return new InceptionV3Block(baseWidth, dropout);
    }

    /** The base width the widths were scaled with (64 = published). */
    public int baseWidth() {
        return baseWidth;
    }

    private static List<Block> trunk(IntUnaryOperator w) {
        List<Block> trunk = new ArrayList<>(List.of(
                reduce(w.applyAsInt(32)),
                conv(w.applyAsInt(32), 3),
                conv(w.applyAsInt(64), 3),
                PoolUnit.max(2),
                conv(w.applyAsInt(80), 1),
                conv(w.applyAsInt(192), 3),
                PoolUnit.max(2)));
        for (int poolFeatures : new int[] {32, 64, 64}) {
            trunk.add(moduleA(w, poolFeatures));
        }
        trunk.add(branches(
                reduce(w.applyAsInt(384)),
                chain(conv(w.applyAsInt(64), 1), conv(w.applyAsInt(96), 3), reduce(w.applyAsInt(96))),
                PoolUnit.max(2)));
        for (int c7 : new int[] {128, 160, 160, 192}) {
            trunk.add(moduleB(w, w.applyAsInt(c7)));
        }
        trunk.add(branches(
                chain(conv(w.applyAsInt(192), 1), reduce(w.applyAsInt(320))),
                chain(conv(w.applyAsInt(192), 1), conv(w.applyAsInt(192), 1, 7), conv(w.applyAsInt(192), 7, 1),
                        reduce(w.applyAsInt(192))),
                PoolUnit.max(2)));
        trunk.add(moduleC(w));
        trunk.add(moduleC(w));
        return trunk;
    }

    private static Block moduleA(IntUnaryOperator w, int poolFeatures) {
        return branches(
                conv(w.applyAsInt(64), 1),
                chain(conv(w.applyAsInt(48), 1), conv(w.applyAsInt(64), 5)),
                chain(conv(w.applyAsInt(64), 1), conv(w.applyAsInt(96), 3), conv(w.applyAsInt(96), 3)),
                chain(PoolUnit.average(), conv(w.applyAsInt(poolFeatures), 1)));
    }

    private static Block moduleB(IntUnaryOperator w, int c7) {
        int out = w.applyAsInt(192);
        return branches(
                conv(out, 1),
                chain(conv(c7, 1), conv(c7, 1, 7), conv(out, 7, 1)),
                chain(conv(c7, 1), conv(c7, 7, 1), conv(c7, 1, 7), conv(c7, 7, 1), conv(out, 1, 7)),
                chain(PoolUnit.average(), conv(out, 1)));
    }

    private static Block moduleC(IntUnaryOperator w) {
        int split = w.applyAsInt(384);
        return branches(
                conv(w.applyAsInt(320), 1),
                chain(conv(split, 1), branches(conv(split, 1, 3), conv(split, 3, 1))),
                chain(conv(w.applyAsInt(448), 1), conv(split, 3), branches(conv(split, 1, 3), conv(split, 3, 1))),
                chain(PoolUnit.average(), conv(w.applyAsInt(192), 1)));
    }
}
