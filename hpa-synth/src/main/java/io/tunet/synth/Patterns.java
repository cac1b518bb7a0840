package io.tunet.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the green signal of each of the 28 HPA classes into its own layer, placed relative to the scene's
 * landmarks (nucleus, centrosome, filaments, ER, outline). Each pattern appears in most but not all
 * eligible cells, at a per-cell intensity; a layer's true mask is where it exceeds {@link #MASK_LEVEL}.
 */
final class Patterns {

    /** Layer value above which a pixel belongs to the class's true mask. */
    static final float MASK_LEVEL = 0.04f;
    /** Fraction of eligible cells that show a pattern (at least one always does). */
    private static final double PRESENCE = 0.85;

    private enum Region { NUCLEUS, CYTOPLASM, CELL, BRIDGE }

    private final Scene s;
    private final SplittableRandom r;
    private final float k;
    private float[] layer;
    private Cell cell;

    Patterns(Scene scene, SplittableRandom random) {
        this.s = scene;
        this.r = random;
        this.k = scene.k;
    }

    /** Highest non-specific green level in a cell; below {@link #MASK_LEVEL}, so never part of a true mask. */
    static final float HAZE_MAX = 0.025f;

    /**
     * Adds the faint, non-specific green that real antibodies leave in every cell, so that "some green
     * here" alone does not reveal a class; it stays below the mask level.
     */
    static void haze(Scene s, float[] green, SplittableRandom r) {
        int n = s.size;
        for (Cell c : s.cells) {
            float h = HAZE_MAX * (float) (0.2 + 0.8 * r.nextDouble());
            for (int y = c.y0; y < c.y1; y++) {
                int row = y * n;
                for (int x = c.x0; x < c.x1; x++) {
                    if (s.owner[row + x] == c.id) {
                        green[row + x] += h;
                    }
                }
            }
        }
    }

    /** Draws class {@code c} into {@code target} (all zeros on entry). */
    void draw(int c, float[] target) {
        layer = target;
        List<Cell> eligible = new ArrayList<>();
        for (Cell cl : s.cells) {
            if (eligible(c, cl)) {
                eligible.add(cl);
            }
        }
        int forced = eligible.isEmpty() ? -1 : r.nextInt(eligible.size());
        for (int i = 0; i < eligible.size(); i++) {
            boolean present = r.nextDouble() < PRESENCE;
            if (i != forced && !present) {
                continue;
            }
            cell = eligible.get(i);
            float a = (float) (0.45 + 0.55 * r.nextDouble());
            drawInCell(c, a);
        }
    }

    private static boolean eligible(int c, Cell cell) {
        switch (c) {
            case 16:
                return cell.state == Cell.State.DAUGHTER && cell.partner > cell.id;
            case 17:
                return cell.state == Cell.State.MITOTIC;
            case 18: case 19: case 21: case 22: case 25:
                return true;
            default:
                return cell.hasNucleus();
        }
    }

    private void drawInCell(int c, float a) {
        switch (c) {
            case 0 -> nucleoplasm(a);
            case 1 -> nuclearMembrane(a);
            case 2 -> nucleoli(a, false);
            case 3 -> nucleoli(a, true);
            case 4 -> speckles(a);
            case 5 -> nuclearBodies(a);
            case 6 -> endoplasmicReticulum(a);
            case 7 -> golgi(a);
            case 8 -> dots(a, 0.85f, 0.15f, 45 + r.nextInt(30), 0, 99, 0, 1, 0.9f);
            case 9 -> dots(a, 1.5f, 0.3f, 14 + r.nextInt(14), 0, 99, 0.55f, 0.97f, 0.85f);
            case 10 -> dots(a, 2.1f, 0.4f, 7 + r.nextInt(8), 1.0f, 1.7f, 0, 1, 0.85f);
            case 11 -> intermediateFilaments(a);
            case 12 -> actin(a);
            case 13 -> focalAdhesions(a);
            case 14 -> replayPaths(Paths.MICROTUBULE, 0.55f * a, false);
            case 15 -> replayPaths(Paths.MICROTUBULE, 0.9f * a, true);
            case 16 -> bridge(a);
            case 17 -> replayPaths(Paths.SPINDLE, 0.8f * a, false);
            case 18 -> mtoc(a);
            case 19 -> centrosome(a);
            case 20 -> lipidDroplets(a);
            case 21 -> outline(a, (byte) (Scene.FACES_BACKGROUND | Scene.FACES_CELL));
            case 22 -> outline(a, Scene.FACES_CELL);
            case 23 -> mitochondria(a);
            case 24 -> aggresome(a);
            case 25 -> cytosol(a);
            case 26 -> dots(a, 2.9f, 0.5f, 1 + r.nextInt(4), 0, 99, 0, 1, 1.0f);
            case 27 -> rodsAndRings(a);
            default -> throw new IllegalArgumentException("class index " + c + " is outside 0..27");
        }
    }

    // ---- nucleus ------------------------------------------------------------------------------------------

    private void nucleoplasm(float a) {
        int n = s.size;
        float inv = 1 / k;
        for (int y = cell.y0; y < cell.y1; y++) {
            for (int x = cell.x0; x < cell.x1; x++) {
                int p = y * n + x;
                if (s.owner[p] == cell.id && s.nucleus[p] != 0) {
                    float tex = Textures.at(Textures.SMOOTH, cell.texY + (int) (x * inv * 2), cell.texX + (int) (y * inv * 2));
                    put(p, 0.5f * a * (0.6f + 0.4f * tex));
                }
            }
        }
        // Nucleoplasmic proteins are excluded from nucleoli.
        float[] nl = cell.nucleoli;
        for (int i = 0; i < nl.length; i += 3) {
            Landmarks.forDisk(s, nl[i], nl[i + 1], nl[i + 2], p -> layer[p] = 0);
        }
    }

    private void nuclearMembrane(float a) {
        int n = s.size;
        float width = 1.3f * k / cell.meanNucleusRadius();
        for (int y = cell.y0; y < cell.y1; y++) {
            for (int x = cell.x0; x < cell.x1; x++) {
                int p = y * n + x;
                if (s.owner[p] == cell.id && s.nucleus[p] != 0 && s.nucleusDistance[p] > 1 - width) {
                    put(p, 0.8f * a);
                }
            }
        }
    }

    private void nucleoli(float a, boolean fibrillarCentres) {
        float[] nl = cell.nucleoli;
        for (int i = 0; i < nl.length; i += 3) {
            if (!fibrillarCentres) {
                disk(nl[i], nl[i + 1], nl[i + 2], 0.85f * a, Region.NUCLEUS);
                continue;
            }
            int dots = 1 + r.nextInt(3);
            for (int d = 0; d < dots; d++) {
                double phi = r.nextDouble() * 2 * Math.PI;
                double rho = 0.55 * nl[i + 2] * Math.sqrt(r.nextDouble());
                disk((float) (nl[i] + rho * StrictMath.cos(phi)), (float) (nl[i + 1] + rho * StrictMath.sin(phi)), 0.8f * k, a, Region.NUCLEUS);
            }
        }
    }

    private void speckles(float a) {
        int count = 14 + r.nextInt(18);
        for (int i = 0; i < count; i++) {
            float[] pt = point(Region.NUCLEUS, 0, 0.85f, 0, 9);
            if (pt == null || inNucleolus(pt[0], pt[1])) {
                continue;
            }
            // An irregular speckle: two or three overlapping small blobs.
            int parts = 2 + r.nextInt(2);
            for (int j = 0; j < parts; j++) {
                disk(pt[0] + (float) r.nextGaussian() * 1.1f * k, pt[1] + (float) r.nextGaussian() * 1.1f * k,
                        (0.9f + 0.5f * (float) r.nextDouble()) * k, 0.75f * a, Region.NUCLEUS);
            }
        }
    }

    private void nuclearBodies(float a) {
        int count = 2 + r.nextInt(5);
        for (int i = 0; i < count; i++) {
            float[] pt = point(Region.NUCLEUS, 0, 0.8f, 0, 9);
            if (pt != null && !inNucleolus(pt[0], pt[1])) {
                disk(pt[0], pt[1], (1.6f + 0.6f * (float) r.nextDouble()) * k, a, Region.NUCLEUS);
            }
        }
    }

    private boolean inNucleolus(float x, float y) {
        float[] nl = cell.nucleoli;
        for (int i = 0; i < nl.length; i += 3) {
            float dx = x - nl[i], dy = y - nl[i + 1];
            float rr = nl[i + 2] + 1.2f * k;
            if (dx * dx + dy * dy < rr * rr) {
                return true;
            }
        }
        return false;
    }

    // ---- cytoplasm: membranes and organelles -------------------------------------------------------------

    private void endoplasmicReticulum(float a) {
        int n = s.size;
        float inv = 1 / k;
        for (int y = cell.y0; y < cell.y1; y++) {
            int ty = cell.texY + (int) (y * inv);
            for (int x = cell.x0; x < cell.x1; x++) {
                int p = y * n + x;
                if (s.owner[p] == cell.id && s.nucleus[p] == 0) {
                    put(p, 0.75f * a * Landmarks.erDensity(s.nucleusDistance[p]) * Landmarks.erNetwork(cell, x, ty, inv));
                }
            }
        }
    }

    private void golgi(float a) {
        float dx = cell.csx - cell.nx, dy = cell.csy - cell.ny;
        double base = StrictMath.atan2(dy, dx);
        int blobs = 5 + r.nextInt(4);
        double span = 0.5 + 0.4 * r.nextDouble();
        for (int i = 0; i < blobs; i++) {
            double phi = base + span * ((double) i / (blobs - 1) - 0.5) * 2 + 0.08 * r.nextGaussian();
            float ux = (float) StrictMath.cos(phi), uy = (float) StrictMath.sin(phi);
            float rad = cell.nucleusRadiusToward(ux, uy) + (2.6f + 1.6f * (float) r.nextDouble()) * k;
            disk(cell.nx + ux * rad, cell.ny + uy * rad, (1.5f + 0.9f * (float) r.nextDouble()) * k, 0.95f * a, Region.CYTOPLASM);
        }
    }

    /** Cytoplasmic dots of radius {@code rad}·k (± {@code jitter}), between the given nucleus and cell distances. */
    private void dots(float a, float rad, float jitter, int count, float nucMin, float nucMax, float cellMin, float cellMax, float level) {
        for (int i = 0; i < count; i++) {
            float[] pt = point(Region.CYTOPLASM, nucMin, nucMax, cellMin, cellMax);
            if (pt != null) {
                float rr = (rad + jitter * (float) r.nextGaussian()) * k;
                disk(pt[0], pt[1], Math.max(0.6f * k, rr), level * a, Region.CYTOPLASM);
            }
        }
    }

    private void lipidDroplets(float a) {
        int count = 4 + r.nextInt(8);
        for (int i = 0; i < count; i++) {
            float[] pt = point(Region.CYTOPLASM, 1.1f, 99, 0, 0.9f);
            if (pt == null) {
                continue;
            }
            float outer = (2.6f + 1.4f * (float) r.nextDouble()) * k;
            float inner = outer - Math.max(1f, 1.1f * k);
            ring(pt[0], pt[1], outer, inner, 0.9f * a);
        }
    }

    private void mitochondria(float a) {
        int count = 55 + r.nextInt(45);
        for (int i = 0; i < count; i++) {
            float[] pt = point(Region.CYTOPLASM, 0, 99, 0, 0.95f);
            if (pt == null) {
                continue;
            }
            // Denser around the nucleus: thin out the periphery.
            int p = s.pixel(pt[0], pt[1]);
            if (r.nextDouble() > StrictMath.exp(-0.6 * Math.max(0, s.nucleusDistance[p] - 1))) {
                continue;
            }
            double th = r.nextDouble() * Math.PI * 2;
            float len = (3.5f + 4f * (float) r.nextDouble()) * k;
            float bend = (float) (0.5 * r.nextGaussian());
            float x = pt[0], y = pt[1];
            int steps = (int) (len / 0.6f) + 1;
            for (int j = 0; j < steps; j++) {
                x += (float) StrictMath.cos(th) * 0.6f;
                y += (float) StrictMath.sin(th) * 0.6f;
                th += bend * 0.6f / len;
                disk(x, y, 0.6f * k, 0.7f * a, Region.CYTOPLASM);
            }
        }
    }

    private void aggresome(float a) {
        double phi = StrictMath.atan2(cell.csy - cell.ny, cell.csx - cell.nx) + 0.4 * r.nextGaussian();
        float ux = (float) StrictMath.cos(phi), uy = (float) StrictMath.sin(phi);
        float big = (5f + 2f * (float) r.nextDouble()) * k;
        float d = cell.nucleusRadiusToward(ux, uy) + big * 0.8f;
        float x = cell.nx + ux * d, y = cell.ny + uy * d;
        disk(x, y, big, a, Region.CYTOPLASM);
        for (int i = 0; i < 3; i++) {
            disk(x + (float) r.nextGaussian() * big * 0.45f, y + (float) r.nextGaussian() * big * 0.45f, big * 0.6f, a, Region.CYTOPLASM);
        }
    }

    private void cytosol(float a) {
        int n = s.size;
        float inv = 1 / k;
        for (int y = cell.y0; y < cell.y1; y++) {
            for (int x = cell.x0; x < cell.x1; x++) {
                int p = y * n + x;
                if (s.owner[p] == cell.id && s.nucleus[p] == 0) {
                    float tex = Textures.at(Textures.SMOOTH, cell.texX + (int) (x * inv), cell.texY + (int) (y * inv));
                    put(p, 0.4f * a * (0.65f + 0.35f * tex));
                }
            }
        }
    }

    private void rodsAndRings(float a) {
        int rods = 1 + r.nextInt(3);
        int rings = 1 + r.nextInt(3);
        for (int i = 0; i < rods + rings; i++) {
            float[] pt = point(Region.CYTOPLASM, 1.1f, 99, 0, 0.85f);
            if (pt == null) {
                continue;
            }
            if (i < rods) {
                double th = r.nextDouble() * Math.PI;
                float half = (4f + 2f * (float) r.nextDouble()) * k;
                float cx = (float) StrictMath.cos(th) * half, cy = (float) StrictMath.sin(th) * half;
                line(pt[0] - cx, pt[1] - cy, pt[0] + cx, pt[1] + cy, 0.75f * k, a, Region.CYTOPLASM);
            } else {
                float outer = (3.2f + 1.2f * (float) r.nextDouble()) * k;
                ring(pt[0], pt[1], outer, outer - Math.max(1f, 1.2f * k), a);
            }
        }
    }

    // ---- cytoskeleton --------------------------------------------------------------------------------------

    private void replayPaths(byte kind, float a, boolean tipsOnly) {
        Paths ps = s.paths;
        for (int f = 0; f < ps.count; f++) {
            if (ps.cell[f] != cell.id || ps.kind[f] != kind) {
                continue;
            }
            int from = ps.start[f];
            int to = ps.end[f];
            if (tipsOnly) {
                if (!ps.reachedEdge[f] || to - from < 6 || r.nextDouble() < 0.3) {
                    continue;
                }
                int tip = ps.pixels[to - 1];
                disk(tip % s.size + 0.5f, tip / s.size + 0.5f, 1.1f * k, a, Region.CYTOPLASM);
                continue;
            }
            float v = a * ps.level[f];
            for (int i = from; i < to; i++) {
                put(ps.pixels[i], v);
            }
        }
    }

    private void intermediateFilaments(float a) {
        int count = 18 + r.nextInt(12);
        for (int i = 0; i < count; i++) {
            double phi = r.nextDouble() * 2 * Math.PI;
            double t = 1.08 + 1.4 * r.nextDouble() * r.nextDouble();
            double dir = r.nextBoolean() ? 1 : -1;
            double arc = 0.8 + 2.2 * r.nextDouble();
            double drift = 0.9 * r.nextGaussian();
            float v = a * (0.4f + 0.4f * (float) r.nextDouble());
            double travelled = 0;
            while (travelled < arc) {
                float ux = (float) StrictMath.cos(phi), uy = (float) StrictMath.sin(phi);
                float rad = cell.nucleusRadiusToward(ux, uy);
                float x = cell.nx + ux * (float) (rad * t), y = cell.ny + uy * (float) (rad * t);
                int p = s.pixel(x, y);
                if (p >= 0 && s.owner[p] == cell.id && s.nucleus[p] == 0) {
                    put(p, v);
                }
                double dphi = 0.6 / (rad * t);
                phi += dir * dphi;
                travelled += dphi;
                t = Math.max(1.04, t + drift * dphi + 0.006 * r.nextGaussian());
            }
        }
    }

    private void actin(float a) {
        double th = StrictMath.atan2(cell.sin, cell.cos) + 0.15 * r.nextGaussian();
        float ux = (float) StrictMath.cos(th), uy = (float) StrictMath.sin(th);
        float reach = Math.max(cell.ax, cell.ay) * 1.6f;
        float width = cell.meanCellRadius() * 0.9f;
        int fibres = 9 + r.nextInt(9);
        for (int i = 0; i < fibres; i++) {
            float off = width * (2 * (float) r.nextDouble() - 1);
            float ox = cell.cx - uy * off, oy = cell.cy + ux * off;
            line(ox - ux * reach, oy - uy * reach, ox + ux * reach, oy + uy * reach, 0.45f * k,
                    a * (0.45f + 0.5f * (float) r.nextDouble()), Region.CELL);
        }
    }

    private void focalAdhesions(float a) {
        int count = 10 + r.nextInt(12);
        for (int i = 0; i < count; i++) {
            double th = r.nextDouble() * 2 * Math.PI;
            float ux = (float) StrictMath.cos(th), uy = (float) StrictMath.sin(th);
            // Walk out from the centre to the cell's own edge along this ray.
            float step = 0.5f;
            float ex = cell.cx, ey = cell.cy;
            boolean found = false;
            for (float d = 0; d < Math.max(cell.ax, cell.ay) * 2; d += step) {
                int p = s.pixel(cell.cx + ux * d, cell.cy + uy * d);
                if (p < 0 || (s.owner[p] != cell.id && d > cell.meanNucleusRadius())) {
                    found = p >= 0;
                    break;
                }
                ex = cell.cx + ux * d;
                ey = cell.cy + uy * d;
            }
            if (!found) {
                continue;
            }
            float len = (3.5f + 2.5f * (float) r.nextDouble()) * k;
            float inset = 1.2f * k;
            line(ex - ux * inset, ey - uy * inset, ex - ux * (inset + len), ey - uy * (inset + len), 0.7f * k, a, Region.CYTOPLASM);
        }
    }

    private void bridge(float a) {
        Paths ps = s.paths;
        for (int f = 0; f < ps.count; f++) {
            if (ps.cell[f] != cell.id || ps.kind[f] != Paths.BRIDGE) {
                continue;
            }
            int len = ps.end[f] - ps.start[f];
            // The midbody and the stretch around it, not the ends at the nuclei.
            int from = ps.start[f] + len / 8;
            int to = ps.end[f] - len / 8;
            for (int i = from; i < to; i++) {
                int p = ps.pixels[i];
                disk(p % s.size + 0.5f, p / s.size + 0.5f, 1.1f * k, 0.8f * a, Region.BRIDGE);
            }
            int mid = ps.pixels[ps.start[f] + len / 2];
            disk(mid % s.size + 0.5f, mid / s.size + 0.5f, 2.2f * k, a, Region.BRIDGE);
        }
    }

    private void mtoc(float a) {
        forPoles((x, y) -> {
            float rad = 3.6f * k;
            Landmarks.forDisk(s, x, y, rad, p -> {
                if (s.owner[p] == cell.id && s.nucleus[p] == 0) {
                    float dx = p % s.size + 0.5f - x, dy = p / s.size + 0.5f - y;
                    float d = (float) Math.sqrt(dx * dx + dy * dy) / rad;
                    put(p, a * 0.8f * (1.15f - d));
                }
            });
        });
    }

    private void centrosome(float a) {
        forPoles((x, y) -> {
            disk(x, y, 0.8f * k, a, Region.CELL);
            if (r.nextDouble() < 0.6) {
                double th = r.nextDouble() * 2 * Math.PI;
                disk(x + (float) StrictMath.cos(th) * 2.2f * k, y + (float) StrictMath.sin(th) * 2.2f * k, 0.8f * k, a, Region.CELL);
            }
        });
    }

    private interface PointAction {
        void apply(float x, float y);
    }

    private void forPoles(PointAction action) {
        action.apply(cell.csx, cell.csy);
        if (cell.state == Cell.State.MITOTIC) {
            action.apply(cell.pole2x, cell.pole2y);
        }
    }

    private void outline(float a, byte flags) {
        int n = s.size;
        float inv = 2.5f / k;
        for (int y = cell.y0; y < cell.y1; y++) {
            for (int x = cell.x0; x < cell.x1; x++) {
                int p = y * n + x;
                if (s.owner[p] == cell.id && (s.border[p] & flags) != 0) {
                    // Real membrane staining is beaded, not a clean line.
                    float tex = Textures.at(Textures.SMOOTH, cell.texX + (int) (x * inv), cell.texY + (int) (y * inv));
                    put(p, a * (0.25f + 0.75f * tex * tex));
                }
            }
        }
    }

    // ---- primitives ----------------------------------------------------------------------------------------

    private void put(int p, float v) {
        if (v > layer[p]) {
            layer[p] = v;
        }
    }

    private boolean allowed(int p, Region region) {
        int o = s.owner[p];
        if (region == Region.BRIDGE) {
            // The bridge crosses the gap between the daughters; only their nuclei are out of bounds.
            return s.nucleus[p] == 0;
        }
        if (o != cell.id) {
            return false;
        }
        return switch (region) {
            case NUCLEUS -> s.nucleus[p] != 0;
            case CYTOPLASM -> s.nucleus[p] == 0;
            default -> true;
        };
    }

    private void disk(float x, float y, float rad, float v, Region region) {
        Landmarks.forDisk(s, x, y, rad, p -> {
            if (allowed(p, region)) {
                put(p, v);
            }
        });
    }

    private void ring(float x, float y, float outer, float inner, float v) {
        float in2 = inner * inner;
        Landmarks.forDisk(s, x, y, outer, p -> {
            float dx = p % s.size + 0.5f - x, dy = p / s.size + 0.5f - y;
            if (dx * dx + dy * dy >= in2 && allowed(p, Region.CYTOPLASM)) {
                put(p, v);
            }
        });
    }

    private void line(float x0, float y0, float x1, float y1, float halfWidth, float v, Region region) {
        float dx = x1 - x0, dy = y1 - y0;
        float len = (float) Math.sqrt(dx * dx + dy * dy);
        int steps = Math.max(1, (int) (len / 0.6f));
        for (int i = 0; i <= steps; i++) {
            float t = (float) i / steps;
            disk(x0 + dx * t, y0 + dy * t, halfWidth, v, region);
        }
    }

    /**
     * A random point of the current cell in {@code region} whose nucleus-normalised distance lies in
     * [nucMin, nucMax] and cell-normalised distance in [cellMin, cellMax]; null if none was found quickly.
     */
    private float[] point(Region region, float nucMin, float nucMax, float cellMin, float cellMax) {
        for (int attempt = 0; attempt < 60; attempt++) {
            float x, y;
            if (region == Region.NUCLEUS) {
                double phi = r.nextDouble() * 2 * Math.PI;
                double rho = Math.sqrt(r.nextDouble());
                float u = (float) (rho * StrictMath.cos(phi) * cell.na), w = (float) (rho * StrictMath.sin(phi) * cell.nb);
                x = cell.nx + u * cell.ncos - w * cell.nsin;
                y = cell.ny + u * cell.nsin + w * cell.ncos;
            } else {
                x = cell.x0 + (float) r.nextDouble() * (cell.x1 - cell.x0);
                y = cell.y0 + (float) r.nextDouble() * (cell.y1 - cell.y0);
            }
            int p = s.pixel(x, y);
            if (p < 0 || !allowed(p, region)) {
                continue;
            }
            float nd = s.nucleusDistance[p];
            if (nd < nucMin || nd > nucMax) {
                continue;
            }
            if (cellMin > 0 || cellMax < 1) {
                float cd = cell.cellDistance(x, y);
                if (cd < cellMin || cd > cellMax) {
                    continue;
                }
            }
            return new float[] {x, y};
        }
        return null;
    }
}
