package io.tunet.synth.preview;

import io.tunet.synth.Stain;

import java.awt.image.BufferedImage;

/**
 * Renders stains as viewable RGB images: the usual HPA composite (microtubules red, protein green, nucleus
 * blue, ER added to red and green) and a single stain stretched to its own range.
 */
public final class Composite {

    private Composite() {
    }

    /**
     * The four-stain composite of {@code size²} stains given in {@link Stain} order.
     *
     * @throws IllegalArgumentException unless there are four stains of {@code size²} pixels
     */
    public static BufferedImage rgb(float[][] stains, int size) {
        check(stains, size);
        float[] r = stains[Stain.RED.ordinal()], g = stains[Stain.GREEN.ordinal()];
        float[] b = stains[Stain.BLUE.ordinal()], y = stains[Stain.YELLOW.ordinal()];
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte255(1.3f * (0.8f * r[i] + 0.45f * y[i])) << 16)
                    | (byte255(1.3f * (1.1f * g[i] + 0.35f * y[i])) << 8)
                    | byte255(1.3f * b[i]);
        }
        img.setRGB(0, 0, size, size, px, 0, size);
        return img;
    }

    /** One stain in the given colour (0xRRGGBB), stretched so that its 99.8th percentile is nearly white. */
    public static BufferedImage single(float[] stain, int size, int colour) {
        if (stain == null || stain.length != size * size) {
            throw new IllegalArgumentException("a stain of " + size + "² pixels is needed");
        }
        float[] sorted = stain.clone();
        java.util.Arrays.sort(sorted);
        float top = Math.max(0.02f, sorted[(int) (0.998 * (sorted.length - 1))]);
        float scale = 0.95f / top;
        float cr = ((colour >> 16) & 255) / 255f, cg = ((colour >> 8) & 255) / 255f, cb = (colour & 255) / 255f;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[size * size];
        for (int i = 0; i < px.length; i++) {
            float v = stain[i] * scale;
            px[i] = (byte255(v * cr) << 16) | (byte255(v * cg) << 8) | byte255(v * cb);
        }
        img.setRGB(0, 0, size, size, px, 0, size);
        return img;
    }

    private static void check(float[][] stains, int size) {
        if (stains == null || stains.length != 4) {
            throw new IllegalArgumentException("the four stains are needed");
        }
        for (float[] s : stains) {
            if (s == null || s.length != size * size) {
                throw new IllegalArgumentException("every stain needs " + size + "² pixels");
            }
        }
    }

    private static int byte255(float v) {
        return v <= 0 ? 0 : v >= 1 ? 255 : (int) (v * 255 + 0.5f);
    }
}
