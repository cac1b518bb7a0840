package io.tunet.synth;

import java.util.Arrays;

/**
 * Traced filaments (microtubules, spindle fibres, bridges) as runs of pixel indices, kept so that the
 * landmark (red) and the protein (green) stains can draw the very same filaments.
 */
final class Paths {

    static final byte MICROTUBULE = 0;
    static final byte SPINDLE = 1;
    static final byte BRIDGE = 2;

    int[] pixels = new int[1 << 16];
    int pixelCount;
    int[] start = new int[2048];
    int[] end = new int[2048];
    int[] cell = new int[2048];
    byte[] kind = new byte[2048];
    float[] level = new float[2048];
    boolean[] reachedEdge = new boolean[2048];
    int count;

    int begin(int cellId, byte k, float lvl) {
        if (count == start.length) {
            int n = count * 2;
            start = Arrays.copyOf(start, n);
            end = Arrays.copyOf(end, n);
            cell = Arrays.copyOf(cell, n);
            kind = Arrays.copyOf(kind, n);
            level = Arrays.copyOf(level, n);
            reachedEdge = Arrays.copyOf(reachedEdge, n);
        }
        start[count] = pixelCount;
        end[count] = pixelCount;
        cell[count] = cellId;
        kind[count] = k;
        level[count] = lvl;
        return count++;
    }

    void add(int pixel) {
        if (pixelCount > 0 && pixels[pixelCount - 1] == pixel && pixelCount > start[count - 1]) {
            return;
        }
        if (pixelCount == pixels.length) {
            pixels = Arrays.copyOf(pixels, pixelCount * 2);
        }
        pixels[pixelCount++] = pixel;
        end[count - 1] = pixelCount;
    }
}
