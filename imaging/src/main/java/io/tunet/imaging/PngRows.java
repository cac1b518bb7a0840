package io.tunet.imaging;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Streams the gray channel of a non-interlaced 8- or 16-bit grayscale PNG (colour type 0, or 4 with its alpha
 * ignored) row by row, holding two rows of the image at a time instead of its whole raster. The sample values
 * are those ImageIO's PNG reader puts in band 0; {@link ImageCodec} falls back to ImageIO for every other PNG
 * and for any failure here (ImageIO then names the reason), so this class only has to recognise what it reads,
 * not explain what it cannot.
 */
final class PngRows {

    /** Receives one row of gray values, already scaled to 0..1; the array is reused for the next row. */
    interface Sink {
        void row(float[] values);
    }

    private static final int SIGNATURE = 8;
    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;

    private final byte[] bytes;
    private final int width;
    private final int height;
    private final int bitDepth;
    private final int bytesPerPixel;
    /** Offset and length of each IDAT chunk's data, in file order. */
    private final List<int[]> idat;

    private PngRows(byte[] bytes, int width, int height, int bitDepth, int channels, List<int[]> idat) {
        this.bytes = bytes;
        this.width = width;
        this.height = height;
        this.bitDepth = bitDepth;
        this.bytesPerPixel = channels * bitDepth / 8;
        this.idat = idat;
    }

    /**
     * Reads the chunk layout of a PNG.
     *
     * @return null unless the image is a non-interlaced 8/16-bit gray (or gray + alpha) PNG with well-formed
     *         chunks up to {@code IEND}
     */
    static PngRows open(byte[] bytes) {
        if (bytes.length < SIGNATURE + 25 || ImageFormat.sniff(bytes) != ImageFormat.PNG
                || readInt(bytes, SIGNATURE) != 13 || readInt(bytes, SIGNATURE + 4) != IHDR) {
            return null;
        }
        int header = SIGNATURE + 8;
        int width = readInt(bytes, header);
        int height = readInt(bytes, header + 4);
        int bitDepth = bytes[header + 8];
        int colourType = bytes[header + 9];
        int interlace = bytes[header + 12];
        if (width <= 0 || height <= 0 || (bitDepth != 8 && bitDepth != 16) || (colourType != 0 && colourType != 4)
                || bytes[header + 10] != 0 || bytes[header + 11] != 0 || interlace != 0) {
            return null;
        }
        List<int[]> idat = new ArrayList<>();
        int at = header + 13 + 4;
        while (true) {
            if (at + 12 > bytes.length) {
                return null;
            }
            int length = readInt(bytes, at);
            int type = readInt(bytes, at + 4);
            if (length < 0 || (long) at + 12 + length > bytes.length) {
                return null;
            }
            if (type == IEND) {
                break;
            }
            if (type == IDAT && length > 0) {
                idat.add(new int[] {at + 8, length});
            }
            at += 12 + length;
        }
        if (idat.isEmpty()) {
            return null;
        }
        return new PngRows(bytes, width, height, bitDepth, colourType == 0 ? 1 : 2, idat);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int bitDepth() {
        return bitDepth;
    }

    /**
     * Inflates and unfilters the image, handing each row's gray values (scaled by {@code 1 / (2^depth - 1)}, the
     * same float arithmetic as {@link ImageCodec#decode}) to {@code sink} top to bottom.
     *
     * @return false, after handing over only some rows, if the compressed data is damaged or short or a row
     *         uses an unknown filter
     */
    boolean read(Sink sink) {
        int stride = width * bytesPerPixel;
        byte[] previous = new byte[stride];
        byte[] current = new byte[stride];
        byte[] filter = new byte[1];
        float[] values = new float[width];
        float scale = 1f / ((1 << bitDepth) - 1);
        Inflater inflater = new Inflater();
        try {
            int[] nextChunk = {0};
            for (int y = 0; y < height; y++) {
                if (!inflateFully(inflater, nextChunk, filter, 1) || !inflateFully(inflater, nextChunk, current, stride)
                        || !unfilter(filter[0], current, previous, bytesPerPixel)) {
                    return false;
                }
                if (bitDepth == 8) {
                    for (int x = 0, i = 0; x < width; x++, i += bytesPerPixel) {
                        values[x] = (current[i] & 0xFF) * scale;
                    }
                } else {
                    for (int x = 0, i = 0; x < width; x++, i += bytesPerPixel) {
                        values[x] = (((current[i] & 0xFF) << 8) | (current[i + 1] & 0xFF)) * scale;
                    }
                }
                sink.row(values);
                byte[] swap = previous;
                previous = current;
                current = swap;
            }
            return true;
        } catch (DataFormatException e) {
            return false;
        } finally {
            inflater.end();
        }
    }

    /** Inflates exactly {@code length} bytes, feeding IDAT chunks as needed; false if the data ends first. */
    private boolean inflateFully(Inflater inflater, int[] nextChunk, byte[] into, int length)
            throws DataFormatException {
        int filled = 0;
        while (filled < length) {
            int n = inflater.inflate(into, filled, length - filled);
            filled += n;
            if (n == 0) {
                if (inflater.finished() || inflater.needsDictionary()) {
                    return false;
                }
                if (inflater.needsInput()) {
                    if (nextChunk[0] == idat.size()) {
                        return false;
                    }
                    int[] chunk = idat.get(nextChunk[0]++);
                    inflater.setInput(bytes, chunk[0], chunk[1]);
                }
            }
        }
        return true;
    }

    /**
     * Reverses PNG filter {@code type} on {@code row} in place, {@code previous} being the unfiltered row above;
     * false for an unknown filter. Sub, Average and Paeth run one byte lane of the pixel at a time, carrying the
     * left neighbour in a register: the byte just written is not read back from memory, which made the
     * straightforward loop slower than ImageIO's.
     */
    private static boolean unfilter(int type, byte[] row, byte[] previous, int bpp) {
        int n = row.length;
        switch (type) {
            case 0 -> {
            }
            case 1 -> {
                for (int lane = 0; lane < bpp; lane++) {
                    int left = 0;
                    for (int i = lane; i < n; i += bpp) {
                        left = (row[i] + left) & 0xFF;
                        row[i] = (byte) left;
                    }
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    row[i] += previous[i];
                }
            }
            case 3 -> {
                for (int lane = 0; lane < bpp; lane++) {
                    int left = 0;
                    for (int i = lane; i < n; i += bpp) {
                        left = (row[i] + ((left + (previous[i] & 0xFF)) >>> 1)) & 0xFF;
                        row[i] = (byte) left;
                    }
                }
            }
            case 4 -> {
                for (int lane = 0; lane < bpp; lane++) {
                    int left = 0;
                    int upLeft = 0;
                    for (int i = lane; i < n; i += bpp) {
                        int up = previous[i] & 0xFF;
                        int pa = Math.abs(up - upLeft);
                        int pb = Math.abs(left - upLeft);
                        int pc = Math.abs(left + up - 2 * upLeft);
                        int predictor = pa <= pb && pa <= pc ? left : (pb <= pc ? up : upLeft);
                        left = (row[i] + predictor) & 0xFF;
                        row[i] = (byte) left;
                        upLeft = up;
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }
}
