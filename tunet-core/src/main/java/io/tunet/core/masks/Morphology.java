package io.tunet.core.masks;

/**
 * Binary morphology and connected components on row-major 0/1 masks. Structuring elements are discs of
 * integer radius (radius 1 is the 3×3 cross, as OpenCV's 3×3 ellipse); pixels outside the image neither
 * erode nor dilate (OpenCV's default borders). Each disc row is tested in O(1) with per-row prefix counts,
 * so a pass costs O(pixels × (2r + 1)) whatever the radius.
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

    private static void apply(byte[] src, int w, int h, int[] halfWidths, boolean erode, byte[] dst) {
        int radius = halfWidths.length / 2;
        int stride = w + 1;
        int[] prefix = new int[stride * h];
        for (int y = 0; y < h; y++) {
            int row = y * stride;
            for (int x = 0; x < w; x++) {
                prefix[row + x + 1] = prefix[row + x] + (src[y * w + x] != 0 ? 1 : 0);
            }
        }
        for (int y = 0; y < h; y++) {
            int dyFrom = Math.max(-radius, -y);
            int dyTo = Math.min(radius, h - 1 - y);
            for (int x = 0; x < w; x++) {
                // Erosion keeps a pixel if every disc row is all ones; dilation sets it if any row has a one.
                boolean result = erode;
                for (int dy = dyFrom; dy <= dyTo; dy++) {
                    int half = halfWidths[dy + radius];
                    int x0 = Math.max(0, x - half);
                    int x1 = Math.min(w - 1, x + half);
                    int row = (y + dy) * stride;
                    int ones = prefix[row + x1 + 1] - prefix[row + x0];
                    if (erode && ones != x1 - x0 + 1) {
                        result = false;
                        break;
                    }
                    if (!erode && ones > 0) {
                        result = true;
                        break;
                    }
                }
                dst[y * w + x] = result ? (byte) 1 : 0;
            }
        }
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
