package io.tunet.imaging.qc;

import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** Four-stain test fields drawn by hand, and the transforms that spoil them. */
final class QcFields {

    static final float BACKGROUND = 0.01f;
    static final float NUCLEUS = 0.5f;

    private QcFields() {
    }

    /**
     * A sharp, well-exposed 8-bit field of {@code size²} pixels: {@code nuclei} textured elliptical nuclei (about
     * 1,300 px each at 512²) on a grid, cytoplasm around each in red and yellow, a few bright green dots per cell,
     * background {@link #BACKGROUND} and a little noise everywhere.
     */
    static GrayImage[] field(int size, int nuclei, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] stains = new float[4][size * size];
        int perRow = (int) Math.ceil(Math.sqrt(nuclei));
        double cell = (double) size / perRow;
        double scale = size / 512.0;
        for (int i = 0; i < nuclei; i++) {
            double cx = (i % perRow + 0.5) * cell + random.nextDouble(-0.1, 0.1) * cell;
            double cy = (i / perRow + 0.5) * cell + random.nextDouble(-0.1, 0.1) * cell;
            double a = 22 * scale * random.nextDouble(0.9, 1.1);
            double b = 19 * scale * random.nextDouble(0.9, 1.1);
            double cytoplasm = Math.min(cell * 0.45, 2.2 * a);
            int from = (int) Math.max(0, Math.floor(cx - cytoplasm));
            int to = (int) Math.min(size - 1, Math.ceil(cx + cytoplasm));
            int top = (int) Math.max(0, Math.floor(cy - cytoplasm));
            int bottom = (int) Math.min(size - 1, Math.ceil(cy + cytoplasm));
            for (int y = top; y <= bottom; y++) {
                for (int x = from; x <= to; x++) {
                    double dx = x - cx;
                    double dy = y - cy;
                    int p = y * size + x;
                    if ((dx * dx) / (a * a) + (dy * dy) / (b * b) <= 1) {
                        // chromatin texture: a fine grain of ±20%
                        stains[Channel.BLUE.ordinal()][p] = NUCLEUS * (float) (0.8 + 0.4 * random.nextDouble());
                    } else if (dx * dx + dy * dy <= cytoplasm * cytoplasm) {
                        stains[Channel.RED.ordinal()][p] = 0.3f;
                        stains[Channel.YELLOW.ordinal()][p] = 0.25f;
                    }
                }
            }
            for (int d = 0; d < 6; d++) {
                int dotX = (int) (cx + random.nextDouble(-1.6, 1.6) * a);
                int dotY = (int) (cy + random.nextDouble(-1.6, 1.6) * a);
                int r = Math.max(1, (int) Math.round(2 * scale));
                for (int y = Math.max(0, dotY - r); y <= Math.min(size - 1, dotY + r); y++) {
                    for (int x = Math.max(0, dotX - r); x <= Math.min(size - 1, dotX + r); x++) {
                        stains[Channel.GREEN.ordinal()][y * size + x] = 0.6f;
                    }
                }
            }
        }
        GrayImage[] out = new GrayImage[4];
        for (int c = 0; c < 4; c++) {
            float[] s = stains[c];
            for (int p = 0; p < s.length; p++) {
                s[p] = BACKGROUND + s[p] + (float) (0.003 * random.nextGaussian());
            }
            out[c] = quantised(new GrayImage(size, size, 8, s));
        }
        return out;
    }

    static QcReport measure(GrayImage[] stains) {
        return FieldQc.measure(stains[0], stains[1], stains[2], stains[3]);
    }

    /** Applies {@code f} to each stain. */
    static GrayImage[] map(GrayImage[] stains, UnaryOperator<GrayImage> f) {
        GrayImage[] out = new GrayImage[stains.length];
        for (int i = 0; i < stains.length; i++) {
            out[i] = f.apply(stains[i]);
        }
        return out;
    }

    /** A copy of {@code stains} with stain {@code channel} replaced by {@code f} of it. */
    static GrayImage[] with(GrayImage[] stains, Channel channel, UnaryOperator<GrayImage> f) {
        GrayImage[] out = stains.clone();
        out[channel.ordinal()] = f.apply(stains[channel.ordinal()]);
        return out;
    }

    /** Gaussian blur of standard deviation {@code sigma} pixels, re-quantised to the bit depth. */
    static GrayImage blurred(GrayImage s, double sigma) {
        return quantised(new GrayImage(s.width(), s.height(), s.bitDepth(),
                FieldQc.gaussian(s.pixels(), s.width(), s.height(), sigma)));
    }

    /** Every pixel times {@code factor}, clipped at the detector's maximum and re-quantised. */
    static GrayImage scaled(GrayImage s, float factor) {
        float[] pixels = s.pixels().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.min(1f, pixels[i] * factor);
        }
        return quantised(new GrayImage(s.width(), s.height(), s.bitDepth(), pixels));
    }

    /** The same size and bit depth with {@code value} everywhere: nothing in the field. */
    static GrayImage blank(GrayImage s, float value) {
        float[] pixels = new float[s.pixels().length];
        java.util.Arrays.fill(pixels, value);
        return new GrayImage(s.width(), s.height(), s.bitDepth(), pixels);
    }

    /** Each pixel repeated {@code factor × factor} times: the same scene stored at a larger size. */
    static GrayImage enlarged(GrayImage s, int factor) {
        int w = s.width() * factor;
        int h = s.height() * factor;
        float[] pixels = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixels[y * w + x] = s.pixels()[(y / factor) * s.width() + x / factor];
            }
        }
        return new GrayImage(w, h, s.bitDepth(), pixels);
    }

    /** Rounded to the levels of the bit depth and clipped to 0..1, as a stored image is. */
    static GrayImage quantised(GrayImage s) {
        float levels = (1 << s.bitDepth()) - 1;
        float[] pixels = s.pixels().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.max(0, Math.min(levels, Math.round(pixels[i] * levels))) / levels;
        }
        return new GrayImage(s.width(), s.height(), s.bitDepth(), pixels);
    }
}
