package io.tunet.imaging;

/**
 * Resamples single-channel float images. Each axis is handled on its own (separable): an axis that
 * shrinks is area-averaged (every output pixel is the mean of the input area it covers, fractional pixels
 * weighted by coverage, like OpenCV's {@code INTER_AREA}), an axis that grows is interpolated bilinearly
 * with pixel centres aligned ({@code align_corners = false}) and edges clamped. Weights are computed once
 * per axis; the inner loops allocate nothing.
 */
public final class Resize {

    private Resize() {
    }

    /**
     * Resizes a row-major {@code w × h} image to {@code outW × outH}.
     *
     * @return a new array of {@code outW * outH} values; a copy when the size does not change
     * @throws IllegalArgumentException if a size is not positive or {@code src} is not {@code w * h} long
     */
    public static float[] area(float[] src, int w, int h, int outW, int outH) {
        float[] out = new float[checkedSize(outW, outH)];
        area(src, w, h, outW, outH, out, 0);
        return out;
    }

    /**
     * Like {@link #area(float[], int, int, int, int)} but writes into {@code dst} starting at
     * {@code dstOffset}, so callers can fill one plane of a larger tensor without a copy.
     *
     * @throws IllegalArgumentException if the sizes do not fit the arrays
     */
    public static void area(float[] src, int w, int h, int outW, int outH, float[] dst, int dstOffset) {
        int inSize = checkedSize(w, h);
        int outSize = checkedSize(outW, outH);
        if (src == null || src.length != inSize) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image needs " + inSize + " values, got "
                    + (src == null ? "none" : src.length));
        }
        if (dst == null || dstOffset < 0 || (long) dstOffset + outSize > dst.length) {
            throw new IllegalArgumentException("destination cannot hold " + outSize + " values at offset " + dstOffset);
        }
        if (w == outW && h == outH) {
            System.arraycopy(src, 0, dst, dstOffset, inSize);
            return;
        }
        Kernel horizontal = Kernel.of(w, outW);
        Kernel vertical = Kernel.of(h, outH);
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            horizontal.applyToRow(src, y * w, rows, y * outW);
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + outSize, 0f);
        for (int oy = 0; oy < outH; oy++) {
            int outRow = dstOffset + oy * outW;
            int start = vertical.start[oy];
            for (int k = 0; k < vertical.count[oy]; k++) {
                float weight = vertical.weights[oy * vertical.maxTaps + k];
                int inRow = (start + k) * outW;
                for (int x = 0; x < outW; x++) {
                    dst[outRow + x] += weight * rows[inRow + x];
                }
            }
        }
    }

    /**
     * {@link #area(float[], int, int, int, int, float[], int)} fed one input row at a time, so a decoder can
     * resize while it reads and never hold the full-size image. Each output value receives the same
     * contributions in the same order as in {@code area}, so the result is the same to the last bit.
     */
    public static final class Rows {
        private final Kernel horizontal;
        private final Kernel vertical;
        private final int h;
        private final int outW;
        private final int outH;
        private final float[] dst;
        private final int dstOffset;
        private final float[] resizedRow;
        private int y;
        /** The first output row that still takes input rows. */
        private int firstOpen;

        /**
         * @throws IllegalArgumentException if a size is not positive or {@code dst} cannot hold the output
         */
        public Rows(int w, int h, int outW, int outH, float[] dst, int dstOffset) {
            checkedSize(w, h);
            int outSize = checkedSize(outW, outH);
            if (dst == null || dstOffset < 0 || (long) dstOffset + outSize > dst.length) {
                throw new IllegalArgumentException("destination cannot hold " + outSize + " values at offset "
                        + dstOffset);
            }
            this.horizontal = Kernel.of(w, outW);
            this.vertical = Kernel.of(h, outH);
            this.h = h;
            this.outW = outW;
            this.outH = outH;
            this.dst = dst;
            this.dstOffset = dstOffset;
            this.resizedRow = new float[outW];
            java.util.Arrays.fill(dst, dstOffset, dstOffset + outSize, 0f);
        }

        /**
         * Adds the next input row (top to bottom).
         *
         * @throws IllegalStateException if all {@code h} rows were added already
         */
        public void add(float[] row) {
            if (y == h) {
                throw new IllegalStateException("all " + h + " rows were added");
            }
            horizontal.applyToRow(row, 0, resizedRow, 0);
            for (int oy = firstOpen; oy < outH && vertical.start[oy] <= y; oy++) {
                int tap = y - vertical.start[oy];
                if (tap < vertical.count[oy]) {
                    float weight = vertical.weights[oy * vertical.maxTaps + tap];
                    int outRow = dstOffset + oy * outW;
                    for (int x = 0; x < outW; x++) {
                        dst[outRow + x] += weight * resizedRow[x];
                    }
                }
            }
            y++;
            while (firstOpen < outH && vertical.start[firstOpen] + vertical.count[firstOpen] <= y) {
                firstOpen++;
            }
        }

        /** Whether all {@code h} rows were added. */
        public boolean complete() {
            return y == h;
        }
    }

    private static int checkedSize(int w, int h) {
        if (w <= 0 || h <= 0 || (long) w * h > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image size must be positive and fit an array, got " + w + "x" + h);
        }
        return w * h;
    }

    /** Per output index: the first input index, the number of taps, and their weights (summing to 1). */
    private static final class Kernel {
        final int[] start;
        final int[] count;
        final float[] weights;
        final int maxTaps;

        private Kernel(int out, int maxTaps) {
            this.start = new int[out];
            this.count = new int[out];
            this.weights = new float[out * maxTaps];
            this.maxTaps = maxTaps;
        }

        static Kernel of(int in, int out) {
            return out < in ? areaKernel(in, out) : bilinearKernel(in, out);
        }

        private static Kernel areaKernel(int in, int out) {
            double scale = (double) in / out;
            Kernel kernel = new Kernel(out, (int) Math.ceil(scale) + 1);
            for (int o = 0; o < out; o++) {
                double from = o * scale;
                double to = Math.min(in, (o + 1) * scale);
                int first = (int) Math.floor(from);
                int last = Math.min(in - 1, (int) Math.ceil(to) - 1);
                kernel.start[o] = first;
                kernel.count[o] = last - first + 1;
                for (int i = first; i <= last; i++) {
                    double overlap = Math.min(to, i + 1) - Math.max(from, i);
                    kernel.weights[o * kernel.maxTaps + i - first] = (float) (overlap / scale);
                }
            }
            return kernel;
        }

        private static Kernel bilinearKernel(int in, int out) {
            double scale = (double) in / out;
            Kernel kernel = new Kernel(out, 2);
            for (int o = 0; o < out; o++) {
                double centre = Math.min(in - 1, Math.max(0, (o + 0.5) * scale - 0.5));
                int first = Math.min((int) Math.floor(centre), in - 1);
                float frac = (float) (centre - first);
                kernel.start[o] = first;
                if (first + 1 < in && frac > 0f) {
                    kernel.count[o] = 2;
                    kernel.weights[o * 2] = 1f - frac;
                    kernel.weights[o * 2 + 1] = frac;
                } else {
                    kernel.count[o] = 1;
                    kernel.weights[o * 2] = 1f;
                }
            }
            return kernel;
        }

        void applyToRow(float[] src, int srcOffset, float[] dst, int dstOffset) {
            int outLength = start.length;
            for (int o = 0; o < outLength; o++) {
                int from = srcOffset + start[o];
                int base = o * maxTaps;
                float sum = 0f;
                for (int k = 0; k < count[o]; k++) {
                    sum += weights[base + k] * src[from + k];
                }
                dst[dstOffset + o] = sum;
            }
        }
    }
}
