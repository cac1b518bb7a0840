package io.tunet.results.ingest;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import javax.imageio.ImageIO;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.Sample;

/**
 * Makes the small RGB composite of a sample's four stains that the dashboard shows: red = microtubules,
 * green = protein, blue = nucleus, and the ER (yellow) added to red and green, as the HPA displays
 * them. Each stain is box-averaged down to at most {@code size} pixels on its longest side and stretched so
 * its 99.5th percentile is full brightness (fluorescence fields are mostly dark background).
 */
public final class Thumbnails {

    private static final double STRETCH_PERCENTILE = 0.995;

    private final BlobStore blobs;
    private final int size;

    public Thumbnails(BlobStore blobs, int size) {
        if (size < 8 || size > 2048) {
            throw new IllegalArgumentException("thumbnail size must be 8..2048 pixels, was " + size);
        }
        this.blobs = blobs;
        this.size = size;
    }

    /** The composite as PNG bytes. */
    public byte[] composite(Sample sample) throws ThumbnailException {
        BufferedImage green = decode("green", sample.getGreen());
        int width = Math.max(1, (int) Math.round(green.getWidth() * Math.min(1.0, (double) size / longest(green))));
        int height = Math.max(1, (int) Math.round(green.getHeight() * Math.min(1.0, (double) size / longest(green))));
        float[] g = stretch(shrink(green, width, height));
        float[] r = stretch(shrink(decode("red", sample.getRed()), width, height));
        float[] b = stretch(shrink(decode("blue", sample.getBlue()), width, height));
        float[] y = stretch(shrink(decode("yellow", sample.getYellow()), width, height));

        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < width * height; i++) {
            int red = toByte(r[i] + 0.5f * y[i]);
            int grn = toByte(g[i] + 0.5f * y[i]);
            int blu = toByte(b[i]);
            rgb.setRGB(i % width, i / width, (red << 16) | (grn << 8) | blu);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(rgb, "png", png);
        } catch (IOException e) {
            throw new ThumbnailException("cannot encode the thumbnail of sample " + sample.getSampleId(), e);
        }
        return png.toByteArray();
    }

    private BufferedImage decode(String stain, Image image) throws ThumbnailException {
        byte[] bytes;
        Object content = image.getContent();
        if (content instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            bytes = new byte[copy.remaining()];
            copy.get(bytes);
        } else if (content instanceof BlobRef ref) {
            try {
                bytes = blobs.get(ref);
            } catch (BlobStoreException e) {
                throw new ThumbnailException("the " + stain + " stain's blob " + ref.getUri() + " is unavailable: "
                        + e.getMessage(), e);
            }
        } else {
            throw new ThumbnailException("the " + stain + " stain has no content", null);
        }
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
            if (decoded == null) {
                throw new ThumbnailException("the " + stain + " stain (" + image.getFormat()
                        + ", " + bytes.length + " bytes) is not an image ImageIO can read", null);
            }
            return decoded;
        } catch (IOException | RuntimeException e) {
            throw new ThumbnailException("the " + stain + " stain cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static int longest(BufferedImage image) {
        return Math.max(image.getWidth(), image.getHeight());
    }

    /** Box average of the first band into width × height, scaled to 0..1 by the band's bit depth. */
    private static float[] shrink(BufferedImage image, int width, int height) {
        Raster raster = image.getRaster();
        int sourceWidth = image.getWidth();
        int sourceHeight = image.getHeight();
        double max = (1L << raster.getSampleModel().getSampleSize(0)) - 1;
        float[] out = new float[width * height];
        int[] row = new int[sourceWidth];
        double[] sums = new double[width];
        int[] counts = new int[width];
        int y0 = 0;
        for (int ty = 0; ty < height; ty++) {
            int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * sourceHeight / height));
            Arrays.fill(sums, 0);
            Arrays.fill(counts, 0);
            for (int sy = y0; sy < Math.min(y1, sourceHeight); sy++) {
                raster.getSamples(0, sy, sourceWidth, 1, 0, row);
                for (int sx = 0; sx < sourceWidth; sx++) {
                    int tx = (int) ((long) sx * width / sourceWidth);
                    sums[tx] += row[sx];
                    counts[tx]++;
                }
            }
            for (int tx = 0; tx < width; tx++) {
                out[ty * width + tx] = counts[tx] == 0 ? 0f : (float) (sums[tx] / counts[tx] / max);
            }
            y0 = y1;
        }
        return out;
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
