package io.tunet.synth;

/**
 * The geometry of one cell of a scene: body outline, nucleus (or, in a mitotic cell, the chromosome plate)
 * and centrosome. Positions are in pixels of the field; shapes are radius tables over {@link Textures#ANGLE_BINS}
 * angle bins in the cell's (or nucleus's) own rotated, axis-normalised frame.
 */
final class Cell {

    enum State { INTERPHASE, MITOTIC, DAUGHTER }

    /** Owner id in {@link Scene#owner}: index in the scene's cell list + 1. */
    final int id;
    final State state;
    /** Owner id of the other daughter of a dividing pair, 0 otherwise. */
    int partner;

    float cx, cy, cos, sin, ax, ay;
    float[] shape;
    /** Nucleus, or the chromosome plate of a mitotic cell. */
    float nx, ny, ncos, nsin, na, nb;
    float[] nshape;
    /** Centrosome (interphase, daughter) or first spindle pole (mitotic). */
    float csx, csy;
    /** Second spindle pole (mitotic only). */
    float pole2x, pole2y;
    /** Clipped bounding box, x1 and y1 exclusive. */
    int x0, y0, x1, y1;
    /** Nucleoli as (x, y, radius) triples. */
    float[] nucleoli = new float[0];
    /** Per-cell stain levels and texture offsets. */
    float blueLevel, redLevel, yellowLevel;
    int texX, texY;

    Cell(int id, State state) {
        this.id = id;
        this.state = state;
    }

    boolean hasNucleus() {
        return state != State.MITOTIC;
    }

    /** Cell-normalised distance of a point from the cell centre: 1 on the outline (before neighbours clip it). */
    float cellDistance(float px, float py) {
        float dx = px - cx;
        float dy = py - cy;
        float u = (dx * cos + dy * sin) / ax;
        float v = (-dx * sin + dy * cos) / ay;
        return (float) Math.sqrt(u * u + v * v) / shape[Textures.angleBin(v, u)];
    }

    /** Distance in pixels from the nucleus centre to its outline in the direction of unit vector (dx, dy). */
    float nucleusRadiusToward(float dx, float dy) {
        float u = (dx * ncos + dy * nsin) / na;
        float v = (-dx * nsin + dy * ncos) / nb;
        float rho = (float) Math.sqrt(u * u + v * v);
        return nshape[Textures.angleBin(v, u)] / Math.max(rho, 1e-6f);
    }

    float meanNucleusRadius() {
        return (float) Math.sqrt(na * nb);
    }

    float meanCellRadius() {
        return (float) Math.sqrt(ax * ay);
    }
}
