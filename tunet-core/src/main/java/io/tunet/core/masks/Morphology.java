package io.tunet.core.masks;

/**
 * Binary morphology and connected components on row-major 0/1 masks. Structuring elements are discs of
 * integer radius (radius 1 is the 3×3 cross, as OpenCV's 3×3 ellipse); pixels outside the image neither
 * erode nor dilate (OpenCV's default borders). A pass costs O(pixels × (2r + 1)) whatever the radius.
 */
final class Morphology {

    private Morphology() {
    }

    /** Erosion then dilation with a disc of {@code radius}: removes specks and thin spurs thinner than it. */
    static byte[] open(byte[] mask, int w, int h, int radius) {
        if (radius == 0) {
            return mask.clone();
        }
        int[] halfWidths = discHalfWidths(radius);
        byte[] eroded = new byte[mask.length];
        apply(mask, w, h, halfWidths, true, eroded);
        byte[] opened = new byte[mask.length];
        apply(eroded, w, h, halfWidths, false, opened);
        return opened;
    }

    /** Half-width of the disc's row at offset {@code dy - radius}. */
    private static int[] discHalfWidths(int radius) {
        int[] halfWidths = new int[2 * radius + 1];
        for (int dy = -radius; dy <= radius; dy++) {
            halfWidths[dy + radius] = (int) Math.floor(Math.sqrt((double) radius * radius - (double) dy * dy));
        }
        return halfWidths;
    }

    /**
     * Erosion (every pixel of the disc is set) or dilation (any is): each disc row is a horizontal window
     * whose half-width depends on the row offset, so first filter rows horizontally once per distinct
     * half-width, then combine the (2r + 1) shifted rows with AND / OR in tight, vectorisable loops.
     */
    private static void apply(byte[] src, int w, int h, int[] halfWidths, boolean erode, byte[] dst) {
        int radius = halfWidths.length / 2;
        byte[][] horizontal = new byte[radius + 1][];
        int[] prefix = new int[w + 1];
        for (int half : halfWidths) {
            if (horizontal[half] == null) {
                horizontal[half] = half == 0 ? src : filterRows(src, w, h, half, erode, prefix);
            }
        }
        for (int y = 0; y < h; y++) {
            int out = y * w;
            java.util.Arrays.fill(dst, out, out + w, erode ? (byte) 1 : 0);
            for (int dy = Math.max(-radius, -y); dy <= Math.min(radius, h - 1 - y); dy++) {
                byte[] rows = horizontal[halfWidths[dy + radius]];
                int in = (y + dy) * w;
                if (erode) {
                    for (int x = 0; x < w; x++) {
                        dst[out + x] &= rows[in + x];
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        dst[out + x] |= rows[in + x];
                    }
                }
            }
        }
    }

    /** Per row: 1 where all (erode) or any (dilate) of the pixels within {@code half} columns are set. */
    private static byte[] filterRows(byte[] src, int w, int h, int half, boolean erode, int[] prefix) {
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                prefix[x + 1] = prefix[x] + src[row + x];
            }
            for (int x = 0; x < w; x++) {
                int x0 = Math.max(0, x - half);
                int x1 = Math.min(w - 1, x + half);
                int ones = prefix[x1 + 1] - prefix[x0];
                out[row + x] = (erode ? ones == x1 - x0 + 1 : ones > 0) ? (byte) 1 : 0;
            }
        }
        return out;
    }

    /**
     * Clears every 8-connected foreground component smaller than {@code minArea} pixels, in place.
     *
     * @return the number of components kept
     */
    static int removeSmallComponents(byte[] mask, int w, int h, int minArea) {
        int[] queue = new int[mask.length];
        boolean[] seen = new boolean[mask.length];
        int kept = 0;
        for (int seed = 0; seed < mask.length; seed++) {
            if (mask[seed] == 0 || seen[seed]) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = seed;
            seen[seed] = true;
            while (head < tail) {
                int p = queue[head++];
                int px = p % w;
                int py = p / w;
                for (int ny = Math.max(0, py - 1); ny <= Math.min(h - 1, py + 1); ny++) {
                    for (int nx = Math.max(0, px - 1); nx <= Math.min(w - 1, px + 1); nx++) {
                        int q = ny * w + nx;
                        if (mask[q] != 0 && !seen[q]) {
                            seen[q] = true;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            if (tail < minArea) {
                for (int i = 0; i < tail; i++) {
                    mask[queue[i]] = 0;
                }
            } else {
                kept++;
            }
        }
        return kept;
    }
}
