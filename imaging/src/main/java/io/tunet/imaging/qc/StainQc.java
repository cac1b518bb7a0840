package io.tunet.imaging.qc;

import io.tunet.imaging.Channel;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.Resize;
import io.tunet.imaging.RowListener;

/**
 * The QC figures of one stain, gathered row by row while it is decoded ({@link io.tunet.imaging.ImageCodec}'s
 * {@code decodeResized} with a {@link RowListener}), so a caller that never holds the full-size stain can still
 * measure it as stored: {@link FieldQc#measure(StainQc, StainQc, StainQc, StainQc, QcSettings)} of four of them
 * equals {@link FieldQc#measure(io.tunet.imaging.GrayImage, io.tunet.imaging.GrayImage,
 * io.tunet.imaging.GrayImage, io.tunet.imaging.GrayImage, QcSettings)} of the decoded stains. Holds a histogram
 * (one bin per level of the bit depth) and, for the nucleus stain, the stain area-averaged to
 * {@link FieldQc#WORKING_SIZE}; never the full-size stain. Not thread-safe: one per stain and decode.
 */
public final class StainQc implements RowListener {

    private final Channel channel;
    private ImageHeader header;
    private int max;
    private int bins;
    private int stride;
    /** Four interleaved histograms (see {@link #row}). */
    private int[] four;
    private int sampled;
    private long saturated;
    private float saturatedFrom;
    private int rows;
    private float[] working;
    private int workW;
    private int workH;
    private Resize.Rows toWorking;
    private float[] rowCopy;

    /**
     * @param channel the stain this measures; the blue (nucleus) stain also keeps its working-size copy, which
     *                nuclei and focus are measured on
     */
    public StainQc(Channel channel) {
        if (channel == null) {
            throw new IllegalArgumentException("the stain must be named");
        }
        this.channel = channel;
    }

    /** The stain this measures. */
    public Channel channel() {
        return channel;
    }

    /**
     * @throws IllegalArgumentException if the bit depth is not 1..16
     */
    @Override
    public void begin(ImageHeader header) {
        int bits = header.bitDepth();
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("the " + channel.fileSuffix() + " stain has bit depth " + bits
                    + "; field QC reads 1..16 bits");
        }
        this.header = header;
        this.max = (1 << bits) - 1;
        this.bins = max + 1;
        this.stride = Math.max(1, (Math.max(header.width(), header.height()) + FieldQc.PERCENTILE_GRID - 1)
                / FieldQc.PERCENTILE_GRID);
        this.four = new int[4 * bins];
        this.sampled = 0;
        this.saturated = 0;
        this.saturatedFrom = (max - 0.5f) / max;
        this.rows = 0;
        if (channel == Channel.BLUE) {
            double scale = Math.min(1.0, (double) FieldQc.WORKING_SIZE / Math.max(header.width(), header.height()));
            workW = Math.max(1, (int) Math.round(header.width() * scale));
            workH = Math.max(1, (int) Math.round(header.height() * scale));
            working = new float[workW * workH];
            toWorking = new Resize.Rows(header.width(), header.height(), workW, workH, working, 0);
            rowCopy = null;
        }
    }

    /**
     * @throws IllegalStateException if {@link #begin} was not called or every row was seen already
     */
    @Override
    public void row(float[] values) {
        accept(values, 0);
    }

    /** One stored row starting at {@code offset} of {@code pixels}. */
    void accept(float[] pixels, int offset) {
        if (header == null) {
            throw new IllegalStateException("the " + channel.fileSuffix() + " stain's header was not given");
        }
        if (rows == header.height()) {
            throw new IllegalStateException("all " + rows + " rows of the " + channel.fileSuffix()
                    + " stain were seen");
        }
        int width = header.width();
        if (rows % stride == 0) {
            // Four interleaved histograms: a dark background repeats one level for long runs, and incrementing
            // one counter back to back waits on its own previous store. Clamped, so that a value a resize or a
            // transform pushed outside 0..1 still lands in a bin.
            int[] hist = four;
            float toLevel = max;
            int x = 0;
            for (; x + 3 * stride < width; x += 4 * stride) {
                int p = offset + x;
                hist[Math.max(0, Math.min(max, (int) (pixels[p] * toLevel + 0.5f)))]++;
                hist[bins + Math.max(0, Math.min(max, (int) (pixels[p + stride] * toLevel + 0.5f)))]++;
                hist[2 * bins + Math.max(0, Math.min(max, (int) (pixels[p + 2 * stride] * toLevel + 0.5f)))]++;
                hist[3 * bins + Math.max(0, Math.min(max, (int) (pixels[p + 3 * stride] * toLevel + 0.5f)))]++;
                sampled += 4;
            }
            for (; x < width; x += stride) {
                hist[Math.max(0, Math.min(max, (int) (pixels[offset + x] * toLevel + 0.5f)))]++;
                sampled++;
            }
        }
        if (stride > 1) {
            // With every pixel in the histogram its top bin is the count; otherwise count every pixel here, so a
            // saturated pixel off the grid is not missed.
            int count = 0;
            for (int x = 0; x < width; x++) {
                count += pixels[offset + x] >= saturatedFrom ? 1 : 0;
            }
            saturated += count;
        }
        if (toWorking != null) {
            if (offset == 0 && pixels.length == width) {
                toWorking.add(pixels);
            } else {
                if (rowCopy == null) {
                    rowCopy = new float[width];
                }
                System.arraycopy(pixels, offset, rowCopy, 0, width);
                toWorking.add(rowCopy);
            }
        }
        rows++;
    }

    /** Whether every row of the stain was seen. */
    public boolean complete() {
        return header != null && rows == header.height();
    }

    /** The stored stain's header; null before {@link #begin}. */
    ImageHeader header() {
        return header;
    }

    /**
     * The stain's saturation and percentiles.
     *
     * @throws IllegalStateException if not every row was seen
     */
    public StainStats stats() {
        requireComplete();
        int[] hist = new int[bins];
        for (int b = 0; b < bins; b++) {
            hist[b] = four[b] + four[bins + b] + four[2 * bins + b] + four[3 * bins + b];
        }
        long atMax = stride == 1 ? hist[max] : saturated;
        long pixels = (long) header.width() * header.height();
        return new StainStats((double) atMax / pixels, FieldQc.levelAt(hist, sampled, 0.01) / (double) max,
                FieldQc.levelAt(hist, sampled, 0.5) / (double) max, FieldQc.levelAt(hist, sampled, 0.99) / (double) max,
                FieldQc.levelAt(hist, sampled, 0.999) / (double) max);
    }

    /** The nucleus stain at the working size (row-major, {@link #workW()} wide); null for the other stains. */
    float[] working() {
        requireComplete();
        return working;
    }

    int workW() {
        return workW;
    }

    int workH() {
        return workH;
    }

    private void requireComplete() {
        if (!complete()) {
            throw new IllegalStateException("the " + channel.fileSuffix() + " stain was not seen whole: "
                    + rows + " of " + (header == null ? "?" : header.height()) + " rows");
        }
    }
}
