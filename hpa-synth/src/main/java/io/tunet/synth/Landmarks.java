package io.tunet.synth;

/**
 * Draws the three reference stains of a scene: blue nuclei with chromatin texture and dim nucleoli, red
 * microtubules radiating from the centrosome (spindles and bridges in dividing cells), yellow reticular
 * ER that is densest around the nucleus.
 */
final class Landmarks {

    private Landmarks() {
    }

    static void drawBlue(Scene s, float[] blue) {
        int n = s.size;
        float inv = 1 / s.k;
        for (Cell c : s.cells) {
            float level = c.blueLevel * (c.state == Cell.State.INTERPHASE ? 0.75f : c.state == Cell.State.DAUGHTER ? 0.95f : 1.1f);
            for (int y = c.y0; y < c.y1; y++) {
                int row = y * n;
                int ty = c.texY + (int) (y * inv * 1.4f);
                for (int x = c.x0; x < c.x1; x++) {
                    int p = row + x;
                    if (s.owner[p] != c.id) {
                        continue;
                    }
                    float nd = s.nucleusDistance[p];
                    boolean chromatin = c.hasNucleus() ? s.nucleus[p] != 0 : nd < 1;
                    if (!chromatin) {
                        continue;
                    }
                    float tex = Textures.at(Textures.SMOOTH, c.texX + (int) (x * inv * 1.4f), ty);
                    // Chromatin is slightly denser at the nuclear periphery.
                    float rim = nd > 0.8f ? 1.12f : 1f;
                    blue[p] = level * rim * (0.5f + 0.5f * tex);
                }
            }
            float[] nl = c.nucleoli;
            for (int i = 0; i < nl.length; i += 3) {
                forDisk(s, nl[i], nl[i + 1], nl[i + 2], p -> {
                    if (s.nucleus[p] != 0) {
                        blue[p] *= 0.7f;
                    }
                });
            }
        }
    }

    static void drawYellow(Scene s, float[] yellow) {
        int n = s.size;
        float inv = 1 / s.k;
        for (Cell c : s.cells) {
            float level = c.yellowLevel * (c.state == Cell.State.MITOTIC ? 0.6f : 1f);
            for (int y = c.y0; y < c.y1; y++) {
                int row = y * n;
                int ty = c.texY + (int) (y * inv);
                for (int x = c.x0; x < c.x1; x++) {
                    int p = row + x;
                    if (s.owner[p] != c.id) {
                        continue;
                    }
                    float nd = s.nucleusDistance[p];
                    if (s.nucleus[p] != 0) {
                        // The nuclear envelope is continuous with the ER: a faint rim.
                        yellow[p] = nd > 0.9f ? 0.22f * level : 0.03f * level;
                        continue;
                    }
                    yellow[p] = level * erDensity(nd) * erNetwork(c, x, ty, inv);
                }
            }
        }
    }

    /** ER network value at pixel column {@code x} and tile row {@code ty} of cell {@code c}. */
    static float erNetwork(Cell c, int x, int ty, float inv) {
        float net = Textures.at(Textures.RETICULUM, c.texX + (int) (x * inv), ty);
        return 0.08f + 0.92f * net * net;
    }

    /** ER density against nucleus-normalised distance: highest at the nuclear envelope. */
    static float erDensity(float nucleusDistance) {
        return 0.12f + 0.88f * Textures.expNeg(2.2f * (nucleusDistance - 1));
    }

    static void drawRed(Scene s, float[] red) {
        int n = s.size;
        for (Cell c : s.cells) {
            float level = c.redLevel * (c.state == Cell.State.MITOTIC ? 0.7f : 1f);
            for (int y = c.y0; y < c.y1; y++) {
                int row = y * n;
                for (int x = c.x0; x < c.x1; x++) {
                    int p = row + x;
                    if (s.owner[p] != c.id || s.nucleus[p] != 0) {
                        continue;
                    }
                    red[p] = level * (0.05f + 0.1f * Textures.expNeg(s.nucleusDistance[p] - 1));
                }
            }
        }
        Paths ps = s.paths;
        for (int f = 0; f < ps.count; f++) {
            Cell c = s.cell(ps.cell[f]);
            float v = ps.level[f] * c.redLevel * (ps.kind[f] == Paths.BRIDGE ? 0.9f : ps.kind[f] == Paths.SPINDLE ? 0.55f : 0.38f);
            for (int i = ps.start[f]; i < ps.end[f]; i++) {
                int p = ps.pixels[i];
                // Overlapping filaments add up but saturate, as a bright aster does.
                red[p] += v * (1.1f - red[p]);
                if (ps.kind[f] == Paths.BRIDGE && p + 1 < red.length) {
                    red[p + 1] = Math.max(red[p + 1], 0.7f * v);
                }
            }
        }
    }

    interface PixelAction {
        void apply(int pixel);
    }

    /** Calls {@code action} for each field pixel whose centre lies within {@code r} of (x, y). */
    static void forDisk(Scene s, float x, float y, float r, PixelAction action) {
        int n = s.size;
        float rr = Math.max(r, 0.5f);
        int x0 = Math.max(0, (int) Math.floor(x - rr)), x1 = Math.min(n - 1, (int) Math.ceil(x + rr));
        int y0 = Math.max(0, (int) Math.floor(y - rr)), y1 = Math.min(n - 1, (int) Math.ceil(y + rr));
        float r2 = rr * rr;
        boolean any = false;
        for (int py = y0; py <= y1; py++) {
            float dy = py + 0.5f - y;
            for (int px = x0; px <= x1; px++) {
                float dx = px + 0.5f - x;
                if (dx * dx + dy * dy <= r2) {
                    action.apply(py * n + px);
                    any = true;
                }
            }
        }
        // A dot smaller than a pixel still marks the pixel it falls in.
        if (!any && x >= 0 && y >= 0 && x < n && y < n) {
            action.apply((int) y * n + (int) x);
        }
    }
}
