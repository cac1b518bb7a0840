package io.tunet.core.augment;

/**
 * Rotation of square channel-first planes about their centre by any angle (positive = clockwise on
 * screen, y pointing down). Every output pixel is sampled from the input at the inversely rotated
 * position; positions outside the input read as zero.
 */
final class Rotation {

    private Rotation() {
    }

    /** Bilinear sampling: for images. */
    static float[] bilinear(float[] planes, int channels, int size, double degrees) {
        float[] out = new float[planes.length];
        int plane = size * size;
        double centre = (size - 1) / 2.0;
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - centre;
                double dy = y - centre;
                double sx = cos * dx + sin * dy + centre;
                double sy = -sin * dx + cos * dy + centre;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                if (x0 < -1 || y0 < -1 || x0 >= size || y0 >= size) {
                    continue;
                }
                float fx = (float) (sx - x0);
                float fy = (float) (sy - y0);
                float w00 = (1 - fx) * (1 - fy);
                float w10 = fx * (1 - fy);
                float w01 = (1 - fx) * fy;
                float w11 = fx * fy;
                boolean inX0 = x0 >= 0;
                boolean inX1 = x0 + 1 < size;
                boolean inY0 = y0 >= 0;
                boolean inY1 = y0 + 1 < size;
                int target = y * size + x;
                for (int ch = 0; ch < channels; ch++) {
                    int base = ch * plane;
                    float v = 0f;
                    if (inY0 && inX0) {
                        v += w00 * planes[base + y0 * size + x0];
                    }
                    if (inY0 && inX1) {
                        v += w10 * planes[base + y0 * size + x0 + 1];
                    }
                    if (inY1 && inX0) {
                        v += w01 * planes[base + (y0 + 1) * size + x0];
                    }
                    if (inY1 && inX1) {
                        v += w11 * planes[base + (y0 + 1) * size + x0 + 1];
                    }
                    out[base + target] = v;
                }
            }
        }
        return out;
    }

    /** Nearest-neighbour sampling: for masks, which must stay 0/1. */
    static float[] nearest(float[] planes, int channels, int size, double degrees) {
        float[] out = new float[planes.length];
        int plane = size * size;
        double centre = (size - 1) / 2.0;
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - centre;
                double dy = y - centre;
                int sx = (int) Math.round(cos * dx + sin * dy + centre);
                int sy = (int) Math.round(-sin * dx + cos * dy + centre);
                if (sx < 0 || sy < 0 || sx >= size || sy >= size) {
                    continue;
                }
                int source = sy * size + sx;
                int target = y * size + x;
                for (int ch = 0; ch < channels; ch++) {
                    out[ch * plane + target] = planes[ch * plane + source];
                }
            }
        }
        return out;
    }
}
