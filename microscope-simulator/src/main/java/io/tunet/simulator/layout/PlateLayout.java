package io.tunet.simulator.layout;

import java.util.ArrayList;
import java.util.List;

/**
 * Where fields sit: plates of 96 wells (rows A–H, columns 1–12), a fixed number of fields per well,
 * visited plate by plate, well by well in row-major order, as a screening microscope scans them.
 */
public final class PlateLayout {

    public static final int ROWS = 8;
    public static final int COLUMNS = 12;

    private final String platePrefix;
    private final int fieldsPerWell;

    /**
     * @param platePrefix   plates are named {@code <prefix>-P<n>}
     * @param fieldsPerWell fields acquired per well (at least 1)
     */
    public PlateLayout(String platePrefix, int fieldsPerWell) {
        if (fieldsPerWell < 1) {
            throw new IllegalArgumentException("fields per well must be at least 1: " + fieldsPerWell);
        }
        this.platePrefix = platePrefix;
        this.fieldsPerWell = fieldsPerWell;
    }

    /** Fields on one plate. */
    public int fieldsPerPlate() {
        return ROWS * COLUMNS * fieldsPerWell;
    }

    /** The position of the {@code index}-th field of the run (0-based). */
    public Position position(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        long plate = index / fieldsPerPlate();
        int onPlate = (int) (index % fieldsPerPlate());
        int wellIndex = onPlate / fieldsPerWell;
        int field = onPlate % fieldsPerWell + 1;
        String well = wellName(wellIndex / COLUMNS, wellIndex % COLUMNS);
        return new Position(platePrefix + "-P" + (plate + 1), well, field);
    }

    /** All 96 well names in scan order. */
    public static List<String> wells() {
        List<String> wells = new ArrayList<>(ROWS * COLUMNS);
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLUMNS; c++) {
                wells.add(wellName(r, c));
            }
        }
        return wells;
    }

    private static String wellName(int row, int column) {
        return String.format("%c%02d", (char) ('A' + row), column + 1);
    }

    /** A field's plate, well and field number, and the sample id derived from them. */
    public record Position(String plate, String well, int field) {

        public String sampleId() {
            return plate + "-" + well + "-f" + field;
        }
    }
}
