package io.tunet.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ground truth of one field before any stain is drawn: where each cell, nucleus and centrosome is,
 * which pixel belongs to which cell, where cells touch, and the traced filaments. Every stain and every
 * true mask is derived from this one description, which is what ties the green patterns to the landmarks.
 */
final class Scene {

    /** Border flag: the pixel lies on a cell outline that faces background. */
    static final byte FACES_BACKGROUND = 1;
    /** Border flag: the pixel lies on a cell outline that faces another cell (a junction). */
    static final byte FACES_CELL = 2;

    final int size;
    /** Pixels per micro-unit: 1 at the reference magnification (512² field with the default cell count). */
    final float k;
    /** Cell id (1-based) owning each pixel, 0 for background. */
    final int[] owner;
    /** 1 where the pixel is inside the nucleus of its owner. */
    final byte[] nucleus;
    /** Nucleus-normalised distance of each cell pixel from its owner's nucleus (1 on the nuclear outline). */
    final float[] nucleusDistance;
    /** Outline flags ({@link #FACES_BACKGROUND}, {@link #FACES_CELL}); 0 inside cells and in background. */
    final byte[] border;
    final List<Cell> cells = new ArrayList<>();
    final Paths paths = new Paths();

    private Scene(int size, float k) {
        this.size = size;
        this.k = k;
        int n = size * size;
        owner = new int[n];
        nucleus = new byte[n];
        nucleusDistance = new float[n];
        border = new byte[n];
    }

    Cell cell(int id) {
        return cells.get(id - 1);
    }

    /**
     * Lays out and rasterises a scene.
     *
     * @param count  number of cells to try to place
     * @param labels the field's label set: mitotic cells, dividing pairs and touching cells are guaranteed
     *               when the labels need them
     */
    static Scene build(int size, float k, int count, int[] labels, SplittableRandom r, StageClock clock) {
        Scene s = new Scene(size, k);
        s.layout(count, labels, r);
        clock.lap(HpaSynth.Stage.LAYOUT);
        s.rasterise();
        s.findBoxesAndBorders();
        clock.lap(HpaSynth.Stage.RASTERISE);
        for (Cell c : s.cells) {
            s.placeCentrosome(c, r);
            s.placeNucleoli(c, r);
        }
        for (Cell c : s.cells) {
            if (c.state == Cell.State.MITOTIC) {
                s.traceSpindle(c, r);
            } else {
                s.traceMicrotubules(c, r);
            }
        }
        for (Cell c : s.cells) {
            if (c.state == Cell.State.DAUGHTER && c.partner > c.id) {
                s.traceBridge(c, s.cell(c.partner));
            }
        }
        clock.lap(HpaSynth.Stage.TRACE);
        return s;
    }

    private static boolean has(int[] labels, int c) {
        return Arrays.binarySearch(labels, c) >= 0;
    }

    private void layout(int count, int[] labels, SplittableRandom r) {
        int mitoticNeeded = has(labels, 17) ? 1 + r.nextInt(2) : 0;
        int pairsNeeded = has(labels, 16) ? 1 + (r.nextDouble() < 0.35 ? 1 : 0) : 0;
        boolean touchNeeded = has(labels, 22);
        int attemptsLeft = count;
        while (attemptsLeft > 0) {
            Cell.State state;
            if (mitoticNeeded > 0) {
                state = Cell.State.MITOTIC;
                mitoticNeeded--;
            } else if (pairsNeeded > 0) {
                state = Cell.State.DAUGHTER;
                pairsNeeded--;
            } else {
                double u = r.nextDouble();
                state = u < 0.03 ? Cell.State.MITOTIC : u < 0.055 ? Cell.State.DAUGHTER : Cell.State.INTERPHASE;
            }
            boolean forceTouch = touchNeeded && cells.size() == 1;
            if (state == Cell.State.DAUGHTER) {
                placePair(r);
                attemptsLeft -= 2;
            } else {
                place(state, r, forceTouch);
                attemptsLeft--;
            }
        }
        if (touchNeeded && cells.size() < 2) {
            place(Cell.State.INTERPHASE, r, true);
        }
    }

    private Cell shapeCell(Cell.State state, SplittableRandom r, float sizeScale) {
        Cell c = new Cell(cells.size() + 1, state);
        double nucScale = sizeScale * StrictMath.exp(0.16 * r.nextGaussian());
        // 23.5 px drawn measures about 1,460 px of Otsu area after blur, as real nuclei at 512².
        double nucR = 23.5 * k * nucScale;
        double nucAspect = state == Cell.State.INTERPHASE ? 1.05 + 0.5 * r.nextDouble() : 1.0 + 0.12 * r.nextDouble();
        double cellR = nucR * (state == Cell.State.INTERPHASE ? 1.65 + 0.55 * r.nextDouble() : 1.45 + 0.2 * r.nextDouble());
        double elong = state == Cell.State.INTERPHASE
                ? (r.nextDouble() < 0.2 ? 1.8 + 1.6 * r.nextDouble() : 1.0 + 0.8 * r.nextDouble())
                : 1.0 + 0.12 * r.nextDouble();
        double angle = r.nextDouble() * Math.PI;
        c.cos = (float) StrictMath.cos(angle);
        c.sin = (float) StrictMath.sin(angle);
        c.ax = (float) (cellR * Math.sqrt(elong));
        c.ay = (float) (cellR / Math.sqrt(elong));
        c.shape = Textures.outline(r, state == Cell.State.INTERPHASE ? 0.28 : 0.08, 6);
        double nangle = angle + 0.3 * r.nextGaussian();
        c.ncos = (float) StrictMath.cos(nangle);
        c.nsin = (float) StrictMath.sin(nangle);
        c.na = (float) (nucR * Math.sqrt(nucAspect));
        c.nb = (float) (nucR / Math.sqrt(nucAspect));
        if (state == Cell.State.MITOTIC) {
            // The chromosome plate, oriented across the spindle axis.
            c.na = (float) (nucR * 0.95);
            c.nb = (float) (nucR * 0.3);
        }
        // Keep the nucleus well inside the body even at the outline's narrowest.
        float fit = Math.min(0.62f * c.ay / c.nb, 0.62f * c.ax / c.na);
        if (state != Cell.State.MITOTIC && fit < 1) {
            c.na *= fit;
            c.nb *= fit;
        }
        c.nshape = Textures.outline(r, state == Cell.State.MITOTIC ? 0.15 : 0.07, 4);
        c.blueLevel = (float) (0.6 + 0.4 * r.nextDouble());
        c.redLevel = (float) (0.6 + 0.4 * r.nextDouble());
        c.yellowLevel = (float) (0.6 + 0.4 * r.nextDouble());
        c.texX = r.nextInt(Textures.TILE);
        c.texY = r.nextInt(Textures.TILE);
        return c;
    }

    /** Puts the nucleus of {@code c} at an offset from the cell centre along the long axis. */
    private void centreAt(Cell c, float x, float y, SplittableRandom r) {
        c.cx = x;
        c.cy = y;
        float slack = Math.max(0, c.ax - c.na * 1.15f);
        float off = c.state == Cell.State.INTERPHASE ? (float) ((r.nextDouble() * 2 - 1) * 0.45 * slack) : 0;
        c.nx = x + off * c.cos;
        c.ny = y + off * c.sin;
    }

    private boolean fits(Cell c, Cell ignore) {
        float m = 0.04f * size;
        if (c.nx < -m || c.ny < -m || c.nx > size + m || c.ny > size + m) {
            return false;
        }
        for (Cell o : cells) {
            if (o == ignore) {
                continue;
            }
            float dx = c.nx - o.nx;
            float dy = c.ny - o.ny;
            float need = 1.2f * (Math.max(c.na, c.nb) + Math.max(o.na, o.nb)) + 3 * k;
            float cdx = c.cx - o.cx;
            float cdy = c.cy - o.cy;
            float bodyNeed = 0.7f * (c.meanCellRadius() + o.meanCellRadius());
            if (dx * dx + dy * dy < need * need || cdx * cdx + cdy * cdy < bodyNeed * bodyNeed) {
                return false;
            }
        }
        return true;
    }

    private float[] candidate(Cell c, SplittableRandom r, boolean nextToAnother) {
        if (!cells.isEmpty() && (nextToAnother || r.nextDouble() < 0.7)) {
            Cell o = cells.get(r.nextInt(cells.size()));
            double phi = r.nextDouble() * 2 * Math.PI;
            double d = (c.meanCellRadius() + o.meanCellRadius()) * (0.8 + 0.2 * r.nextDouble());
            return new float[] {(float) (o.cx + d * StrictMath.cos(phi)), (float) (o.cy + d * StrictMath.sin(phi))};
        }
        return new float[] {(float) (size * r.nextDouble()), (float) (size * r.nextDouble())};
    }

    private void place(Cell.State state, SplittableRandom r, boolean nextToAnother) {
        Cell c = shapeCell(state, r, state == Cell.State.MITOTIC ? 0.85f : 1f);
        for (int attempt = 0; attempt < 40; attempt++) {
            float[] p = candidate(c, r, nextToAnother);
            centreAt(c, p[0], p[1], r);
            if (fits(c, null)) {
                if (state == Cell.State.MITOTIC) {
                    double axis = r.nextDouble() * Math.PI;
                    c.ncos = (float) StrictMath.cos(axis);
                    c.nsin = (float) StrictMath.sin(axis);
                    float pd = 0.62f * c.meanCellRadius();
                    c.csx = c.nx - c.nsin * pd;
                    c.csy = c.ny + c.ncos * pd;
                    c.pole2x = c.nx + c.nsin * pd;
                    c.pole2y = c.ny - c.ncos * pd;
                }
                cells.add(c);
                return;
            }
        }
    }

    private void placePair(SplittableRandom r) {
        Cell a = shapeCell(Cell.State.DAUGHTER, r, 0.72f);
        for (int attempt = 0; attempt < 40; attempt++) {
            float[] p = candidate(a, r, false);
            centreAt(a, p[0], p[1], r);
            if (!fits(a, null)) {
                continue;
            }
            cells.add(a);
            Cell b = shapeCell(Cell.State.DAUGHTER, r, 0.72f);
            double phi = r.nextDouble() * 2 * Math.PI;
            // Daughters pulled apart, joined by a long intercellular bridge.
            double d = (a.meanCellRadius() + b.meanCellRadius()) * (1.1 + 0.3 * r.nextDouble());
            centreAt(b, (float) (a.cx + d * StrictMath.cos(phi)), (float) (a.cy + d * StrictMath.sin(phi)), r);
            if (fits(b, a)) {
                cells.add(b);
                a.partner = b.id;
                b.partner = a.id;
                return;
            }
            cells.remove(cells.size() - 1);
        }
    }

    private void rasterise() {
        // Per row span, the divisions are done first in plain array loops, which the JIT turns into vector
        // instructions; the branchy per-pixel decisions then read the results. Float min/max and square
        // roots stay out of those loops: they keep the JIT from vectorising them.
        float[] centre = new float[size];
        for (int x = 0; x < size; x++) {
            centre[x] = x + 0.5f;
        }
        float[] us = new float[size], vs = new float[size], rho2s = new float[size];
        float[] nus = new float[size], nvs = new float[size], nrho2s = new float[size];
        float[] uOverV = new float[size], vOverU = new float[size];
        // Nuclei first: a nucleus pixel belongs to its cell whatever the neighbouring bodies claim.
        for (Cell c : cells) {
            if (!c.hasNucleus()) {
                continue;
            }
            float shapeMax = max(c.nshape);
            float reach = Math.max(c.na, c.nb) * shapeMax + 1;
            float shapeMax2 = shapeMax * shapeMax;
            int x0 = clamp((int) (c.nx - reach)), x1 = clamp((int) (c.nx + reach) + 1);
            int y0 = clamp((int) (c.ny - reach)), y1 = clamp((int) (c.ny + reach) + 1);
            for (int y = y0; y < y1; y++) {
                frame(c.ncos, c.nsin, c.na, c.nb, c.nx, centre, y + 0.5f - c.ny, x0, x1, us, vs, rho2s);
                octantAngles(x0, x1, us, vs, uOverV, vOverU);
                for (int x = x0; x < x1; x++) {
                    float rho2 = rho2s[x];
                    if (rho2 >= shapeMax2) {
                        continue;
                    }
                    // Nucleus-normalised distance, 1 on the wobbly outline (at the centre any bin gives 0).
                    float nd = (float) Math.sqrt(rho2) / c.nshape[rho2 == 0 ? 0 : angle(x, us, vs, uOverV, vOverU)];
                    if (nd < 1) {
                        int p = y * size + x;
                        owner[p] = c.id;
                        nucleus[p] = 1;
                        nucleusDistance[p] = nd;
                    }
                }
            }
        }
        for (Cell c : cells) {
            float shapeMax = max(c.shape);
            float shapeMax2 = shapeMax * shapeMax;
            float shapeMin = min(c.shape);
            float shapeMin2 = shapeMin * shapeMin;
            // Scan only the rows and row spans of the ellipse that bounds the wobbly outline.
            float iax2 = 1 / (c.ax * c.ax), iay2 = 1 / (c.ay * c.ay);
            float qa = c.cos * c.cos * iax2 + c.sin * c.sin * iay2;
            float qb = 2 * c.cos * c.sin * (iax2 - iay2);
            float qc = c.sin * c.sin * iax2 + c.cos * c.cos * iay2;
            float halfHeight = shapeMax * (float) Math.sqrt(c.ax * c.ax * c.sin * c.sin + c.ay * c.ay * c.cos * c.cos);
            int ys = clamp((int) Math.floor(c.cy - halfHeight)), ye = clamp((int) Math.ceil(c.cy + halfHeight) + 1);
            for (int y = ys; y < ye; y++) {
                float py = y + 0.5f;
                float dy = py - c.cy;
                float b = qb * dy;
                float disc = b * b - 4 * qa * (qc * dy * dy - shapeMax2);
                if (disc < 0) {
                    continue;
                }
                float root = (float) Math.sqrt(disc);
                int xs = clamp((int) Math.floor(c.cx + (-b - root) / (2 * qa) - 0.5f));
                int xe = clamp((int) Math.ceil(c.cx + (-b + root) / (2 * qa) + 0.5f));
                frame(c.cos, c.sin, c.ax, c.ay, c.cx, centre, dy, xs, xe, us, vs, rho2s);
                frame(c.ncos, c.nsin, c.na, c.nb, c.nx, centre, dy + c.cy - c.ny, xs, xe, nus, nvs, nrho2s);
                octantAngles(xs, xe, us, vs, uOverV, vOverU);
                claimSpan(c, y, xs, xe, shapeMin2, shapeMax2, us, vs, rho2s, uOverV, vOverU, nrho2s);
            }
        }
    }

    /**
     * Gives cell {@code c} the pixels {@code xs..xe-1} of row {@code y} that lie in its body, from their
     * coordinates in the cell's frame and their squared radius in the nucleus's.
     */
    private void claimSpan(Cell c, int y, int xs, int xe, float shapeMin2, float shapeMax2, float[] us, float[] vs,
                           float[] rho2s, float[] uOverV, float[] vOverU, float[] nucleusRho2s) {
        int row = y * size;
        float py = y + 0.5f;
        for (int x = xs; x < xe; x++) {
            int p = row + x;
            float rho2 = rho2s[x];
            if (nucleus[p] != 0 || rho2 >= shapeMax2) {
                continue;
            }
            // Inside the smallest outline radius the pixel is surely in the body; the outline's
            // angle only matters near the edge, or where another cell claims the pixel too.
            if (rho2 >= shapeMin2) {
                // rho2 > 0 here: the pixel is not at the centre.
                float sh = c.shape[angle(x, us, vs, uOverV, vOverU)];
                if (rho2 >= sh * sh) {
                    continue;
                }
            }
            // Touching cells split the space: the pixel goes to the cell it is relatively deeper in.
            int o = owner[p];
            if (o != 0 && !(c.cellDistance(x + 0.5f, py) < cell(o).cellDistance(x + 0.5f, py))) {
                continue;
            }
            owner[p] = c.id;
            // Outside the nucleus its plain ellipse distance is close enough (the outline wobbles by a
            // few per cent) and saves a table lookup per pixel.
            nucleusDistance[p] = (float) Math.sqrt(nucleusRho2s[x]);
        }
    }

    /**
     * Pixels {@code xs..xe-1} of a row {@code dy} below the centre {@code (cx, ·)} of an ellipse with axes
     * {@code a, b} turned by (cos, sin), in the ellipse's axis-normalised frame (as {@link Cell#cellDistance}
     * computes it): coordinates and squared radius.
     */
    private static void frame(float cos, float sin, float a, float b, float cx, float[] centre, float dy, int xs, int xe,
                              float[] us, float[] vs, float[] rho2s) {
        for (int x = xs; x < xe; x++) {
            float dx = centre[x] - cx;
            float u = (dx * cos + dy * sin) / a;
            float v = (-dx * sin + dy * cos) / b;
            us[x] = u;
            vs[x] = v;
            rho2s[x] = u * u + v * v;
        }
    }

    /**
     * For pixels {@code xs..xe-1} with frame coordinates {@code us, vs}: the {@link Textures#octantAngle} of
     * |u| / |v| and of |v| / |u|; {@link #angle} picks the one that {@link Textures#angleBin(float, float)} uses.
     */
    private static void octantAngles(int xs, int xe, float[] us, float[] vs, float[] uOverV, float[] vOverU) {
        for (int x = xs; x < xe; x++) {
            float au = Math.abs(us[x]), av = Math.abs(vs[x]);
            uOverV[x] = Textures.octantAngle(au / av);
            vOverU[x] = Textures.octantAngle(av / au);
        }
    }

    /** {@link Textures#angleBin(float, float)} of pixel {@code x} (not at the frame's origin) from {@link #octantAngles}. */
    private static int angle(int x, float[] us, float[] vs, float[] uOverV, float[] vOverU) {
        float u = us[x], v = vs[x];
        return Textures.angleBin(v, u, Math.abs(u) < Math.abs(v) ? uOverV[x] : vOverU[x]);
    }

    private static float max(float[] t) {
        float m = 0;
        for (float v : t) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static float min(float[] t) {
        float m = Float.MAX_VALUE;
        for (float v : t) {
            m = Math.min(m, v);
        }
        return m;
    }

    /**
     * Shrinks each cell's box to the pixels it actually owns, so later passes skip the empty margin, and
     * flags the outline pixels ({@link #border}).
     */
    private void findBoxesAndBorders() {
        int n = cells.size();
        int[] x0 = new int[n + 1], y0 = new int[n + 1], x1 = new int[n + 1], y1 = new int[n + 1];
        Arrays.fill(x0, size);
        Arrays.fill(y0, size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = y * size + x;
                int o = owner[p];
                if (o == 0) {
                    continue;
                }
                if (x < x0[o]) {
                    x0[o] = x;
                }
                if (x >= x1[o]) {
                    x1[o] = x + 1;
                }
                if (y < y0[o]) {
                    y0[o] = y;
                }
                y1[o] = y + 1;
                byte f = 0;
                if (x > 0) {
                    f |= flag(o, owner[p - 1]);
                }
                if (x < size - 1) {
                    f |= flag(o, owner[p + 1]);
                }
                if (y > 0) {
                    f |= flag(o, owner[p - size]);
                }
                if (y < size - 1) {
                    f |= flag(o, owner[p + size]);
                }
                border[p] = f;
            }
        }
        for (Cell c : cells) {
            c.x0 = Math.min(x0[c.id], x1[c.id]);
            c.x1 = x1[c.id];
            c.y0 = Math.min(y0[c.id], y1[c.id]);
            c.y1 = y1[c.id];
        }
        // At high magnification an outline is more than one pixel wide: grow it inwards.
        int extra = Math.round(k) - 1;
        for (int step = 0; step < extra; step++) {
            byte[] prev = border.clone();
            for (int y = 1; y < size - 1; y++) {
                for (int x = 1; x < size - 1; x++) {
                    int p = y * size + x;
                    int o = owner[p];
                    if (o == 0 || prev[p] != 0) {
                        continue;
                    }
                    byte f = 0;
                    if (owner[p - 1] == o) {
                        f |= prev[p - 1];
                    }
                    if (owner[p + 1] == o) {
                        f |= prev[p + 1];
                    }
                    if (owner[p - size] == o) {
                        f |= prev[p - size];
                    }
                    if (owner[p + size] == o) {
                        f |= prev[p + size];
                    }
                    border[p] = f;
                }
            }
        }
    }

    private static byte flag(int self, int neighbour) {
        return neighbour == self ? 0 : neighbour == 0 ? FACES_BACKGROUND : FACES_CELL;
    }

    private void placeCentrosome(Cell c, SplittableRandom r) {
        if (c.state == Cell.State.MITOTIC) {
            return;
        }
        float dx = c.cx - c.nx;
        float dy = c.cy - c.ny;
        float len = (float) Math.sqrt(dx * dx + dy * dy);
        if (len < 0.15f * c.meanNucleusRadius()) {
            double phi = r.nextDouble() * 2 * Math.PI;
            dx = (float) StrictMath.cos(phi);
            dy = (float) StrictMath.sin(phi);
        } else {
            double phi = StrictMath.atan2(dy, dx) + 0.5 * r.nextGaussian();
            dx = (float) StrictMath.cos(phi);
            dy = (float) StrictMath.sin(phi);
        }
        float rad = c.nucleusRadiusToward(dx, dy);
        float d = rad + 3.5f * k;
        float fallback = rad + 1.5f * k;
        c.csx = c.nx + dx * fallback;
        c.csy = c.ny + dy * fallback;
        for (int i = 0; i < 12; i++, d -= 0.25f * k) {
            float x = c.nx + dx * d;
            float y = c.ny + dy * d;
            int p = pixel(x, y);
            if (p >= 0 && owner[p] == c.id && nucleus[p] == 0) {
                c.csx = x;
                c.csy = y;
                return;
            }
        }
    }

    private void placeNucleoli(Cell c, SplittableRandom r) {
        if (!c.hasNucleus()) {
            return;
        }
        int n = c.state == Cell.State.DAUGHTER ? 1 + r.nextInt(2) : 1 + r.nextInt(4);
        float[] t = new float[3 * n];
        int placed = 0;
        for (int attempt = 0; attempt < 30 && placed < n; attempt++) {
            double phi = r.nextDouble() * 2 * Math.PI;
            double rho = 0.55 * Math.sqrt(r.nextDouble());
            float u = (float) (rho * StrictMath.cos(phi) * c.na);
            float v = (float) (rho * StrictMath.sin(phi) * c.nb);
            float x = c.nx + u * c.ncos - v * c.nsin;
            float y = c.ny + u * c.nsin + v * c.ncos;
            float rad = (float) ((2.6 + 2.2 * r.nextDouble()) * k * Math.min(1, c.meanNucleusRadius() / (18 * k)));
            boolean clear = true;
            for (int j = 0; j < placed; j++) {
                float ddx = x - t[3 * j], ddy = y - t[3 * j + 1];
                float need = rad + t[3 * j + 2] + 1.5f * k;
                clear &= ddx * ddx + ddy * ddy > need * need;
            }
            if (clear) {
                t[3 * placed] = x;
                t[3 * placed + 1] = y;
                t[3 * placed + 2] = rad;
                placed++;
            }
        }
        c.nucleoli = Arrays.copyOf(t, 3 * placed);
    }

    private void traceMicrotubules(Cell c, SplittableRandom r) {
        int n = 70 + r.nextInt(40);
        float step = 0.7f;
        // Uniform turns with the variance of a Gaussian of σ = wobble; direction kept as a unit vector so
        // a step costs no trigonometry.
        float turn = (float) (0.1 / Math.sqrt(Math.max(k, 0.25)) * Math.sqrt(12));
        int maxSteps = (int) (3.5f * Math.max(c.ax, c.ay) / step);
        for (int f = 0; f < n; f++) {
            double th = r.nextDouble() * 2 * Math.PI;
            float dx = (float) StrictMath.cos(th), dy = (float) StrictMath.sin(th);
            paths.begin(c.id, Paths.MICROTUBULE, (float) (0.45 + 0.55 * r.nextDouble()));
            // Nucleated around the centrosome, not all from one point, so the aster does not burn out.
            float start = (float) (r.nextDouble() * 5 * k);
            float x = c.csx + dx * start, y = c.csy + dy * start;
            boolean edge = false;
            for (int i = 0; i < maxSteps; i++) {
                x += dx * step;
                y += dy * step;
                float d = turn * (float) (r.nextDouble() - 0.5);
                float ndx = dx - dy * d, ndy = dy + dx * d;
                float norm = 1f / (float) Math.sqrt(ndx * ndx + ndy * ndy);
                dx = ndx * norm;
                dy = ndy * norm;
                int p = pixel(x, y);
                if (p < 0) {
                    break;
                }
                if (owner[p] != c.id) {
                    edge = true;
                    break;
                }
                if (nucleus[p] == 0) {
                    paths.add(p);
                }
            }
            paths.reachedEdge[paths.count - 1] = edge;
        }
    }

    private void traceSpindle(Cell c, SplittableRandom r) {
        float[][] poles = {{c.csx, c.csy}, {c.pole2x, c.pole2y}};
        for (float[] pole : poles) {
            int fibres = 10 + r.nextInt(6);
            for (int f = 0; f < fibres; f++) {
                float t = (float) ((r.nextDouble() * 2 - 1) * 0.9);
                float tx = c.nx + t * c.na * c.ncos;
                float ty = c.ny + t * c.na * c.nsin;
                paths.begin(c.id, Paths.SPINDLE, (float) (0.6 + 0.4 * r.nextDouble()));
                traceLine(c.id, pole[0], pole[1], tx, ty, (float) (0.15 * r.nextGaussian()));
            }
            // Astral rays: short, pointing away from the plate.
            float ox = pole[0] - c.nx, oy = pole[1] - c.ny;
            float ol = (float) Math.sqrt(ox * ox + oy * oy) + 1e-6f;
            for (int f = 0; f < 6; f++) {
                double th = StrictMath.atan2(oy / ol, ox / ol) + (r.nextDouble() * 2 - 1) * 1.3;
                float len = 0.45f * c.meanCellRadius();
                paths.begin(c.id, Paths.SPINDLE, (float) (0.3 + 0.3 * r.nextDouble()));
                traceLine(c.id, pole[0], pole[1], pole[0] + (float) StrictMath.cos(th) * len, pole[1] + (float) StrictMath.sin(th) * len, 0);
            }
        }
    }

    private void traceBridge(Cell a, Cell b) {
        float dx = b.nx - a.nx, dy = b.ny - a.ny;
        float len = (float) Math.sqrt(dx * dx + dy * dy) + 1e-6f;
        dx /= len;
        dy /= len;
        float ra = a.nucleusRadiusToward(dx, dy), rb = b.nucleusRadiusToward(-dx, -dy);
        float sx = a.nx + dx * (ra + 1.5f * k), sy = a.ny + dy * (ra + 1.5f * k);
        float ex = b.nx - dx * (rb + 1.5f * k), ey = b.ny - dy * (rb + 1.5f * k);
        paths.begin(a.id, Paths.BRIDGE, 1f);
        traceLine(ANYWHERE, sx, sy, ex, ey, 0);
    }

    private static final int ANYWHERE = -1;

    /** A straight (or, with {@code bow} ≠ 0, gently bowed) line; only pixels of {@code cellId}, unless {@link #ANYWHERE}. */
    private void traceLine(int cellId, float x0, float y0, float x1, float y1, float bow) {
        float dx = x1 - x0, dy = y1 - y0;
        float len = (float) Math.sqrt(dx * dx + dy * dy);
        int steps = Math.max(1, (int) (len / 0.6f));
        for (int i = 0; i <= steps; i++) {
            float t = (float) i / steps;
            float b = bow * len * 4 * t * (1 - t);
            float x = x0 + dx * t - dy / (len + 1e-6f) * b;
            float y = y0 + dy * t + dx / (len + 1e-6f) * b;
            int p = pixel(x, y);
            if (p >= 0 && (cellId == ANYWHERE || owner[p] == cellId)) {
                paths.add(p);
            }
        }
    }

    /** Row-major index of the pixel containing (x, y), or -1 outside the field. */
    int pixel(float x, float y) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            return -1;
        }
        return (int) y * size + (int) x;
    }

    private int clamp(int v) {
        return Math.max(0, Math.min(size, v));
    }
}
