package io.tunet.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * The small RGB composite of a field's four stains that the dashboard shows: red = microtubules, green = protein,
 * blue = nucleus, and the ER (yellow) added half to red and green, as the HPA displays them. Each stain is stretched
 * so its 99.5th percentile is full brightness (fluorescence fields are mostly dark background). The stains come in
 * as intensities scaled to 0..1 by their bit depth, already at the composite's size ({@link #compose}) or as the
 * planes of a model input tensor that are resampled to it ({@link #fromTensor}).
 */
public final class StainComposite {

    private static final double STRETCH_PERCENTILE = 0.995;

    private StainComposite() {
    }

    /**
     * An encoded composite.
     *
     * @param png    an 8-bit RGB PNG
     * @param width  its width in pixels
     * @param height its height in pixels
     */
    public record Png(byte[] png, int width, int height) {
    }

    /** A composite's size in pixels. */
    public record Dimensions(int width, int height) {
    }

    /**
     * The size of the composite of a {@code fieldWidth × fieldHeight} field: the field's aspect ratio, at most
     * {@code size} pixels on the longest side, never larger than the field.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Dimensions dimensions(int fieldWidth, int fieldHeight, int size) {
        if (fieldWidth <= 0 || fieldHeight <= 0 || size <= 0) {
            throw new IllegalArgumentException("sizes must be positive, got a " + fieldWidth + "x" + fieldHeight
                    + " field and a composite of " + size);
        }
        double scale = Math.min(1.0, (double) size / Math.max(fieldWidth, fieldHeight));
        return new Dimensions(Math.max(1, (int) Math.round(fieldWidth * scale)),
                Math.max(1, (int) Math.round(fieldHeight * scale)));
    }

    /**
     * The composite of a model input tensor: its four {@code tensorSize²} planes (red, green, blue, yellow, values
     * 0..1 before any model normalisation) are area-averaged to {@link #dimensions} of the field they were resized
     * from, with the longest side at most {@code size} and at most {@code tensorSize} (the tensor holds no finer
     * detail), then composed. When {@code tensorSize} is a multiple of both sides of the composite (a square field
     * whose composite divides the tensor) this is the composite of the stains area-averaged straight to its size,
     * up to float rounding; otherwise the tensor's pixels that straddle a composite pixel's edge are shared, which
     * softens sharp edges slightly.
     *
     * @param tensor      {@code float[4 * tensorSize * tensorSize]}
     * @param fieldWidth  width of the field as stored
     * @param fieldHeight height of the field as stored
     * @param size        longest side of the composite at most
     * @throws IllegalArgumentException if the tensor does not have four planes of {@code tensorSize²}
     */
    public static Png fromTensor(float[] tensor, int tensorSize, int fieldWidth, int fieldHeight, int size) {
        int plane = tensorSize * tensorSize;
        if (tensorSize <= 0 || tensor.length != 4 * plane) {
            throw new IllegalArgumentException("expected 4 planes of " + tensorSize + "x" + tensorSize + ", got "
                    + tensor.length + " values");
        }
        Dimensions out = dimensions(fieldWidth, fieldHeight, Math.min(size, tensorSize));
        float[][] stains = new float[4][];
        for (int c = 0; c < 4; c++) {
            stains[c] = Resize.area(Arrays.copyOfRange(tensor, c * plane, (c + 1) * plane), tensorSize, tensorSize,
                    out.width(), out.height());
        }
        return compose(stains[0], stains[1], stains[2], stains[3], out.width(), out.height());
    }

    /**
     * Stretches each stain and mixes them into an RGB PNG of {@code width × height}.
     *
     * @param red    microtubules, {@code width * height} values 0..1
     * @param green  protein
     * @param blue   nucleus
     * @param yellow ER
     * @throws IllegalArgumentException if a stain does not have {@code width * height} values
     */
    public static Png compose(float[] red, float[] green, float[] blue, float[] yellow, int width, int height) {
        for (float[] stain : new float[][] {red, green, blue, yellow}) {
            if (stain.length != width * height) {
                throw new IllegalArgumentException("a " + width + "x" + height + " composite needs "
                        + width * height + " values per stain, got " + stain.length);
            }
        }
        float[] r = stretch(red);
        float[] g = stretch(green);
        float[] b = stretch(blue);
        float[] y = stretch(yellow);
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < width * height; i++) {
            int rr = toByte(r[i] + 0.5f * y[i]);
            int gg = toByte(g[i] + 0.5f * y[i]);
            int bb = toByte(b[i]);
            rgb.setRGB(i % width, i / width, (rr << 16) | (gg << 8) | bb);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(rgb, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory failed", e);
        }
        return new Png(png.toByteArray(), width, height);
    }

    private static float[] stretch(float[] values) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        float top = sorted[(int) Math.min(sorted.length - 1, Math.floor(STRETCH_PERCENTILE * sorted.length))];
        if (top <= 0f) {
            return values;
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.min(1f, values[i] / top);
        }
        return out;
    }

    private static int toByte(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255f)));
    }
}
