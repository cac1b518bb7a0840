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
 * Inception-ResNet-v2 (Szegedy et al. 2016, "Inception-v4, Inception-ResNet and the Impact of Residual
 * Connections on Learning", Figures 3, 7, 9, 16–18), one of the paper's Table 3 baselines, for four-stain input.
 * Output {@code NDList(logits [N, 28])}; no masks. The published schema (Figure 9):
 *
 * <ul>
 *   <li>stem (Figure 3): 3×3/2 conv 32, 3×3 conv 32, 3×3 conv 64, (3×3/2 max pool | 3×3/2 conv 96),
 *       (1×1 64 → 3×3 96 | 1×1 64 → 7×1 64 → 1×7 64 → 3×3 96), (3×3/2 conv 192 | 3×3/2 max pool): 384
 *       channels;</li>
 *   <li>5 × Inception-ResNet-A (1×1 32 | 1×1 32 → 3×3 32 | 1×1 32 → 3×3 48 → 3×3 64, then 1×1 back to the
 *       input width), residual scale 0.17;</li>
 *   <li>reduction-A with k, l, m, n = 256, 256, 384, 384 (3×3/2 max pool | 3×3/2 384 | 1×1 256 → 3×3 256 →
 *       3×3/2 384): 1152 channels;</li>
 *   <li>10 × Inception-ResNet-B (1×1 192 | 1×1 128 → 1×7 160 → 7×1 192, then 1×1 back), scale 0.10;</li>
 *   <li>reduction-B (3×3/2 max pool | 1×1 256 → 3×3/2 384 | 1×1 256 → 3×3/2 288 | 1×1 256 → 3×3 288 → 3×3/2
 *       320): 2144 channels;</li>
 *   <li>5 × Inception-ResNet-C (1×1 192 | 1×1 192 → 1×3 224 → 3×1 256, then 1×1 back), scale 0.20;</li>
 *   <li>global average pooling, dropout, fully connected to 28 logits.</li>
 * </ul>
 *
 * <p>Each residual block is {@code relu(x + scale · up(branches(x)))} ({@link ScaledResidual}); the scales are
 * those of the authors' TF-slim release (the paper says "between 0.1 and 0.3"). The paper's figures give the
 * up-projections 1154 (B) and 2048 (C) channels, which cannot be added to the 1152 and 2144 channels the
 * reductions produce; here every up-projection returns to its input's width. Every other convolution is followed
 * by batch norm and ReLU. Adapted to small inputs as {@link InceptionV3Block}: "same" padding everywhere instead
 * of the stem's and reductions' "valid", the same five stride-2 steps (128² → 4×4 at Inception-ResNet-C, 32² →
 * 1×1); widths follow the base width as {@link Inception#width} (base 64 = published), and the residual widths
 * are the sums of the scaled branch widths.
 */
public final class InceptionResNetV2Block extends PooledClassifier {

    private static final byte VERSION = 1;
    private static final int BLOCKS_A = 5;
    private static final int BLOCKS_B = 10;
    private static final int BLOCKS_C = 5;
    private static final float SCALE_A = 0.17f;
    private static final float SCALE_B = 0.10f;
    private static final float SCALE_C = 0.20f;

    private final int baseWidth;

    private InceptionResNetV2Block(int baseWidth, float dropout) {
        super(VERSION, "Inception-ResNet-v2", trunk(c -> Inception.width(c, baseWidth)), dropout);
        this.baseWidth = baseWidth;
    }

    /**
     * The network with widths scaled by {@code baseWidth} (64: the published widths, 16: a quarter of them, see the
     * class comment) and {@code dropout} before the classifier.
     *
     * @throws IllegalArgumentException if the base width is not positive or the dropout is outside [0, 1)
     */
    public static InceptionResNetV2Block of(int baseWidth, float dropout) {
        validate(baseWidth, dropout);
        return new InceptionResNetV2Block(baseWidth, dropout);
    }

    /** The base width the widths were scaled with (64 = published). */
    public int baseWidth() {
        return baseWidth;
    }

    private static List<Block> trunk(IntUnaryOperator w) {
        int c32 = w.applyAsInt(32);
        int c64 = w.applyAsInt(64);
        int c96 = w.applyAsInt(96);
        int c192 = w.applyAsInt(192);
        int c256 = w.applyAsInt(256);
        int c288 = w.applyAsInt(288);
        int c384 = w.applyAsInt(384);
        List<Block> trunk = new ArrayList<>(List.of(
                reduce(c32),
                conv(c32, 3),
                conv(c64, 3),
                branches(PoolUnit.max(2), reduce(c96)),
                branches(
                        chain(conv(c64, 1), conv(c96, 3)),
                        chain(conv(c64, 1), conv(c64, 7, 1), conv(c64, 1, 7), conv(c96, 3))),
                branches(reduce(c192), PoolUnit.max(2))));
        int width = c192 + 2 * c96;
        for (int i = 0; i < BLOCKS_A; i++) {
            trunk.add(new ScaledResidual(branches(
                    conv(c32, 1),
                    chain(conv(c32, 1), conv(c32, 3)),
                    chain(conv(c32, 1), conv(w.applyAsInt(48), 3), conv(c64, 3))), width, SCALE_A));
        }
        trunk.add(branches(
                PoolUnit.max(2),
                reduce(c384),
                chain(conv(c256, 1), conv(c256, 3), reduce(c384))));
        width += 2 * c384;
        for (int i = 0; i < BLOCKS_B; i++) {
            trunk.add(new ScaledResidual(branches(
                    conv(c192, 1),
                    chain(conv(w.applyAsInt(128), 1), conv(w.applyAsInt(160), 1, 7), conv(c192, 7, 1))),
                    width, SCALE_B));
        }
        trunk.add(branches(
                PoolUnit.max(2),
                chain(conv(c256, 1), reduce(c384)),
                chain(conv(c256, 1), reduce(c288)),
                chain(conv(c256, 1), conv(c288, 3), reduce(w.applyAsInt(320)))));
        width += c384 + c288 + w.applyAsInt(320);
        for (int i = 0; i < BLOCKS_C; i++) {
            trunk.add(new ScaledResidual(branches(
                    conv(c192, 1),
                    chain(conv(c192, 1), conv(w.applyAsInt(224), 1, 3), conv(c256, 3, 1))),
                    width, SCALE_C));
        }
        return trunk;
    }
}
