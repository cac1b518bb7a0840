package io.tunet.imaging;

import io.tunet.imaging.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decodes single-stain images (PNG, TIFF, JPEG; 8 or 16 bit; any size within {@link DecodeLimits}) into
 * {@link GrayImage}s and encodes them back to PNG. Every failure is an {@link ImageDecodeException} with a
 * {@link Reason}; no other exception escapes for bad bytes.
 *
 * <p>Colour policy: a stain is one grayscale channel, never a luminance mixed from colours. A colour (RGB/RGBA
 * or palette) image whose colour channels are identical (within 3 of 255 levels for lossy JPEG, where chroma
 * rounding differs slightly) is read as gray. A colour image whose channels differ is read only when the
 * caller names its stain ({@link #decode(byte[], DecodeLimits, Channel)}) and the image is tinted in that
 * stain's colour, as the Human Protein Atlas website serves its images (v18 and later, the "external data" of
 * the Kaggle 2018 solutions): red, green and blue stains live in the R, G and B channel, yellow is tinted
 * R + G and is read from R, as the HPA's own prediction tooling for these files does. Any other colour image
 * is refused, {@link Reason#WRONG_STAIN_COLOUR} when the stain is known, {@link Reason#NOT_GRAYSCALE} when
 * not. An alpha channel is ignored.
 */
public final class ImageCodec {

    /** Trailing bytes searched for the PNG {@code IEND} chunk or the JPEG end-of-image marker. */
    private static final int TRAILER_SEARCH = 1024;
    private static final int JPEG_GRAY_TOLERANCE = 3;
    /**
     * A tinted stain image's other colour channels may carry at most this fraction of the stain channel's mean,
     * plus {@link #TINT_FLOOR_LEVELS} of 255 levels (lossy JPEG bleeds chroma into them; a dark field's means
     * are all near zero).
     */
    private static final double TINT_LEAK = 0.1;
    private static final double TINT_FLOOR_LEVELS = 1.0;

    private ImageCodec() {
    }

    /**
     * Reads format, size and bit depth from the header, without decoding pixels, and enforces the limits.
     * Also detects a PNG or JPEG whose end is missing (no {@code IEND} chunk, no end-of-image marker).
     *
     * @throws ImageDecodeException     {@code UNSUPPORTED_FORMAT}, {@code CORRUPT}, {@code TRUNCATED},
     *                                  {@code TOO_LARGE} or {@code UNSUPPORTED_BIT_DEPTH}
     * @throws IllegalArgumentException if {@code limits} is null
     */
    public static ImageHeader readHeader(byte[] bytes, DecodeLimits limits) throws ImageDecodeException {
        ImageFormat format = requireFormat(bytes, limits);
        ImageReader reader = readerFor(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return header(reader, format, bytes, limits);
        } catch (IOException | RuntimeException e) {
            throw readFailure(format, bytes, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes one stain. The header is checked against the limits before any pixel memory is allocated.
     *
     * @return the image, values scaled to 0..1 by the bit depth's maximum
     * @throws ImageDecodeException     with the reason the image cannot be used
     * @throws IllegalArgumentException if {@code limits} is null
     */
    public static GrayImage decode(byte[] bytes, DecodeLimits limits) throws ImageDecodeException {
        return decode(bytes, limits, null);
    }

    /**
     * Decodes one stain whose colour is known, so that an HPA-style image tinted in the stain's colour is read
     * from that stain's channel (see the class comment). The header is checked against the limits before any
     * pixel memory is allocated.
     *
     * @param stain the stain the image was sent as, or null if unknown (colour images are then refused)
     * @return the image, values scaled to 0..1 by the bit depth's maximum
     * @throws ImageDecodeException     with the reason the image cannot be used
     * @throws IllegalArgumentException if {@code limits} is null
     */
    public static GrayImage decode(byte[] bytes, DecodeLimits limits, Channel stain) throws ImageDecodeException {
        ImageFormat format = requireFormat(bytes, limits);
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            ImageHeader header = header(reader, format, bytes, limits);
            BufferedImage image = reader.read(0);
            // The JDK's JPEG decoder reports damaged or missing data as warnings and fills in grey; the PNG
            // and TIFF readers throw for damage and warn only about metadata they skip.
            if (format == ImageFormat.JPEG && !warnings.isEmpty()) {
                throw warningFailure(format, warnings);
            }
            if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
                throw new ImageDecodeException(Reason.CORRUPT, format + " decoded to " + image.getWidth() + "x"
                        + image.getHeight() + " but its header says " + header.width() + "x" + header.height());
            }
            return toGray(image, format, stain);
        } catch (IOException | RuntimeException e) {
            throw readFailure(format, bytes, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes one stain straight to {@code outW × outH}: the result equals
     * {@code Resize.area(decode(bytes, limits, stain).pixels(), w, h, outW, outH, dst, dstOffset)}, with the same
     * header checks and the same failures. An 8- or 16-bit gray PNG (the HPA's format) is resized while it is
     * inflated, a few rows at a time, so the full-size image is never held; any other image, and any PNG this
     * cannot stream, is decoded whole by {@link #decode(byte[], DecodeLimits, Channel)} and then resized.
     *
     * @param stain the stain the image was sent as, or null if unknown (colour images are then refused)
     * @return the stored image's header (its full size and bit depth)
     * @throws ImageDecodeException     with the reason the image cannot be used
     * @throws IllegalArgumentException if {@code limits} is null, an output size is not positive or {@code dst}
     *                                  cannot hold the output at {@code dstOffset}
     */
    public static ImageHeader decodeResized(byte[] bytes, DecodeLimits limits, Channel stain, int outW, int outH,
            float[] dst, int dstOffset) throws ImageDecodeException {
        return decodeResized(bytes, limits, stain, outW, outH, dst, dstOffset, null);
    }

    /**
     * {@link #decodeResized(byte[], DecodeLimits, Channel, int, int, float[], int)} that also hands every row at
     * the stored size to {@code listener} (see {@link RowListener}), so a caller can measure the full-size image
     * in the same pass without it being held. What the listener throws propagates.
     *
     * @param listener sees the stored rows; null for none
     */
    public static ImageHeader decodeResized(byte[] bytes, DecodeLimits limits, Channel stain, int outW, int outH,
            float[] dst, int dstOffset, RowListener listener) throws ImageDecodeException {
        ImageHeader header = readHeader(bytes, limits);
        Resize.Rows resized = new Resize.Rows(header.width(), header.height(), outW, outH, dst, dstOffset);
        PngRows png = header.format() == ImageFormat.PNG ? PngRows.open(bytes) : null;
        if (png != null && png.width() == header.width() && png.height() == header.height()
                && png.bitDepth() == header.bitDepth()) {
            PngRows.Sink sink = resized::add;
            if (listener != null) {
                listener.begin(header);
                sink = row -> {
                    resized.add(row);
                    listener.row(row);
                };
            }
            if (png.read(sink) && resized.complete()) {
                return header;
            }
        }
        GrayImage image = decode(bytes, limits, stain);
        Resize.area(image.pixels(), image.width(), image.height(), outW, outH, dst, dstOffset);
        ImageHeader decoded = new ImageHeader(header.format(), image.width(), image.height(), image.bitDepth());
        if (listener != null) {
            listener.begin(decoded);
            float[] row = new float[image.width()];
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.pixels(), y * image.width(), row, 0, image.width());
                listener.row(row);
            }
        }
        return decoded;
    }

    /**
     * Encodes a gray image as a single-channel PNG; values are clamped to 0..1 and rounded to the nearest
     * level of the bit depth, so {@code decode(encodePng(img, 16))} returns {@code img} within 1/65535.
     *
     * @param bitDepth 8 or 16
     * @throws IllegalArgumentException for any other bit depth
     */
    public static byte[] encodePng(GrayImage image, int bitDepth) {
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("PNG bit depth must be 8 or 16, got " + bitDepth);
        }
        int w = image.width();
        int h = image.height();
        float[] pixels = image.pixels();
        BufferedImage out;
        if (bitDepth == 8) {
            out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) quantize(pixels[i], 255);
            }
        } else {
            out = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
            short[] data = ((DataBufferUShort) out.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < data.length; i++) {
                data[i] = (short) quantize(pixels[i], 65535);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(out, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int quantize(float value, int max) {
        float clamped = value > 1f ? 1f : (value > 0f ? value : 0f); // NaN maps to 0
        return Math.round(clamped * max);
    }

    private static ImageFormat requireFormat(byte[] bytes, DecodeLimits limits) throws ImageDecodeException {
        if (limits == null) {
            throw new IllegalArgumentException("decode limits are required");
        }
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(Reason.TRUNCATED, "no image bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "bytes start with " + hexPrefix(bytes)
                    + ", which is not PNG, TIFF or JPEG");
        }
        return format;
    }

    private static ImageReader readerFor(ImageFormat format) throws ImageDecodeException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "no ImageIO reader for " + format
                    + " is installed");
        }
        return readers.next();
    }

    private static ImageHeader header(ImageReader reader, ImageFormat format, byte[] bytes, DecodeLimits limits)
            throws IOException, ImageDecodeException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(Reason.CORRUPT, format + " header claims a size of " + width + "x" + height);
        }
        if (!limits.allows(width, height)) {
            throw new ImageDecodeException(Reason.TOO_LARGE, format + " header claims " + width + "x" + height
                    + ", above the limit of " + limits.maxWidth() + "x" + limits.maxHeight() + " and "
                    + limits.maxPixels() + " pixels");
        }
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (!types.hasNext()) {
                throw new ImageDecodeException(Reason.CORRUPT, format + " reader offers no pixel layout");
            }
            type = types.next();
        }
        int bitDepth = bitDepth(type, format);
        int bands = type.getSampleModel().getNumBands();
        long raster = DecodeLimits.rasterBytes(width, height, bands, type.getSampleModel().getSampleSize(0));
        if (raster > limits.maxRasterBytes()) {
            throw new ImageDecodeException(Reason.TOO_LARGE, String.format(Locale.ROOT, "%s of %dx%d with %d "
                    + "band(s) of %d bit would decode to %.0f MiB, above the budget of %.0f MiB", format, width,
                    height, bands, type.getSampleModel().getSampleSize(0), raster / 1048576.0,
                    limits.maxRasterBytes() / 1048576.0));
        }
        if (!looksComplete(format, bytes)) {
            throw incomplete(format, bytes, null);
        }
        return new ImageHeader(format, width, height, bitDepth);
    }

    private static int bitDepth(ImageTypeSpecifier type, ImageFormat format) throws ImageDecodeException {
        ColorModel colorModel = type.getColorModel();
        SampleModel sampleModel = type.getSampleModel();
        if (colorModel instanceof IndexColorModel) {
            int indexBits = sampleModel.getSampleSize(0);
            if (indexBits != 8) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_BIT_DEPTH, format + " has " + indexBits
                        + "-bit samples; only 8 and 16 bit are supported");
            }
            return 8;
        }
        int depth = sampleModel.getSampleSize(0);
        for (int band = 1; band < sampleModel.getNumBands(); band++) {
            if (sampleModel.getSampleSize(band) != depth) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_BIT_DEPTH, format + " bands have different bit "
                        + "depths (" + depth + " and " + sampleModel.getSampleSize(band) + ")");
            }
        }
        int dataType = sampleModel.getDataType();
        boolean unsigned = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT
                || dataType == DataBuffer.TYPE_INT;
        if ((depth != 8 && depth != 16) || !unsigned) {
            String kind = unsigned ? depth + "-bit" : depth + "-bit " + dataTypeName(dataType);
            throw new ImageDecodeException(Reason.UNSUPPORTED_BIT_DEPTH, format + " has " + kind
                    + " samples; only unsigned 8 and 16 bit are supported");
        }
        return depth;
    }

    private static String dataTypeName(int dataType) {
        return switch (dataType) {
            case DataBuffer.TYPE_SHORT -> "signed";
            case DataBuffer.TYPE_FLOAT, DataBuffer.TYPE_DOUBLE -> "floating-point";
            default -> "type " + dataType;
        };
    }

    /** Cheap structural check that the bytes reach the end of the image: trailer or first IFD present. */
    private static boolean looksComplete(ImageFormat format, byte[] bytes) {
        int from = Math.max(0, bytes.length - TRAILER_SEARCH);
        return switch (format) {
            case PNG -> indexOf(bytes, from, new byte[] {'I', 'E', 'N', 'D'}) >= 0;
            case JPEG -> indexOf(bytes, from, new byte[] {(byte) 0xFF, (byte) 0xD9}) >= 0;
            case TIFF -> bytes.length >= 8 && firstIfdOffset(bytes) + 2 <= bytes.length;
        };
    }

    private static long firstIfdOffset(byte[] bytes) {
        boolean little = bytes[0] == 'I';
        long offset = 0;
        for (int i = 0; i < 4; i++) {
            int b = bytes[little ? 7 - i : 4 + i] & 0xFF;
            offset = (offset << 8) | b;
        }
        return offset;
    }

    private static ImageDecodeException incomplete(ImageFormat format, byte[] bytes, Throwable cause) {
        String missing = switch (format) {
            case PNG -> "its IEND chunk";
            case JPEG -> "its end-of-image marker";
            case TIFF -> "the directory its header points to";
        };
        return new ImageDecodeException(Reason.TRUNCATED, format + " of " + bytes.length + " bytes ends before "
                + missing, cause);
    }

    private static int indexOf(byte[] bytes, int from, byte[] pattern) {
        for (int i = bytes.length - pattern.length; i >= from; i--) {
            boolean match = true;
            for (int j = 0; j < pattern.length && match; j++) {
                match = bytes[i + j] == pattern[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static ImageDecodeException readFailure(ImageFormat format, byte[] bytes, Exception e) {
        if (!looksComplete(format, bytes)) {
            return incomplete(format, bytes, e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return new ImageDecodeException(Reason.TRUNCATED, format + " data ends before the image does ("
                        + e + ")", e);
            }
        }
        return new ImageDecodeException(Reason.CORRUPT, format + " does not decode: " + e, e);
    }

    private static ImageDecodeException warningFailure(ImageFormat format, List<String> warnings) {
        String joined = String.join("; ", warnings);
        String lower = joined.toLowerCase(Locale.ROOT);
        Reason reason = lower.contains("premature end") || lower.contains("end of") ? Reason.TRUNCATED
                : Reason.CORRUPT;
        return new ImageDecodeException(reason, format + " decoder reported: " + joined);
    }

    private static GrayImage toGray(BufferedImage image, ImageFormat format, Channel stain)
            throws ImageDecodeException {
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        float[] pixels = new float[w * h];
        ColorModel colorModel = image.getColorModel();
        if (colorModel instanceof IndexColorModel palette) {
            readPalette(raster, palette, pixels, format);
            return new GrayImage(w, h, 8, pixels);
        }
        int depth = bitDepth(new ImageTypeSpecifier(image), format);
        float scale = 1f / ((1 << depth) - 1);
        int colourBands = Math.min(raster.getNumBands(), colorModel.getNumColorComponents());
        if (colourBands < 3) {
            readBand(raster, 0, pixels, scale);
            return new GrayImage(w, h, depth, pixels);
        }
        readBand(raster, 0, pixels, 1f);
        int tolerance = format == ImageFormat.JPEG ? JPEG_GRAY_TOLERANCE : 0;
        int differs = firstDifference(raster, pixels, tolerance);
        if (differs >= 0) {
            if (stain == null) {
                int[] at = raster.getPixel(raster.getMinX() + differs % w, raster.getMinY() + differs / w, (int[]) null);
                throw new ImageDecodeException(Reason.NOT_GRAYSCALE, format + " is a colour image: at (" + differs % w
                        + ", " + differs / w + ") the bands are " + at[0] + ", " + at[1] + ", " + at[2]);
            }
            int band = tintedChannel(raster, depth, format, stain);
            if (band != 0) {
                readBand(raster, band, pixels, 1f);
            }
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] *= scale;
        }
        return new GrayImage(w, h, depth, pixels);
    }

    /** Index of the first pixel whose bands 1 and 2 differ from {@code band0} by more than {@code tolerance}, or -1. */
    private static int firstDifference(Raster raster, float[] band0, int tolerance) {
        int w = raster.getWidth();
        int[] row = new int[w];
        for (int band = 1; band < 3; band++) {
            for (int y = 0; y < raster.getHeight(); y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
                int offset = y * w;
                for (int x = 0; x < w; x++) {
                    if (Math.abs(row[x] - band0[offset + x]) > tolerance) {
                        return offset + x;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * The band an HPA-style image tinted in {@code stain}'s colour carries the stain in (R for red and yellow, G
     * for green, B for blue), after checking from the band means that the tint is that colour.
     */
    private static int tintedChannel(Raster raster, int depth, ImageFormat format, Channel stain)
            throws ImageDecodeException {
        int w = raster.getWidth();
        int[] row = new int[w];
        double[] mean = new double[3];
        for (int band = 0; band < 3; band++) {
            double sum = 0;
            for (int y = 0; y < raster.getHeight(); y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
                for (int x = 0; x < w; x++) {
                    sum += row[x];
                }
            }
            mean[band] = sum / ((double) w * raster.getHeight());
        }
        int[] lit = switch (stain) {
            case RED -> new int[] {0};
            case GREEN -> new int[] {1};
            case BLUE -> new int[] {2};
            case YELLOW -> new int[] {0, 1};
        };
        int read = lit[0];
        double floor = TINT_FLOOR_LEVELS * ((1 << depth) - 1) / 255.0;
        boolean matches = true;
        for (int band = 0; band < 3; band++) {
            boolean isLit = band == lit[0] || band == lit[lit.length - 1];
            if (isLit) {
                // yellow: R and G both carry the stain, so neither may be much darker than the other
                matches &= mean[band] + floor >= 0.5 * mean[read];
            } else {
                matches &= mean[band] <= TINT_LEAK * mean[read] + floor;
            }
        }
        if (!matches) {
            throw new ImageDecodeException(Reason.WRONG_STAIN_COLOUR, String.format(Locale.ROOT,
                    "%s sent as the %s stain is a colour image tinted %s (channel means R %.1f, G %.1f, B %.1f of "
                            + "%d): an HPA colour image carries the %s stain in %s", format, stain.fileSuffix(),
                    tintName(mean), mean[0], mean[1], mean[2], (1 << depth) - 1, stain.fileSuffix(),
                    stain == Channel.YELLOW ? "R and G" : "its own colour's channel"));
        }
        return read;
    }

    private static String tintName(double[] mean) {
        double max = Math.max(mean[0], Math.max(mean[1], mean[2]));
        StringBuilder lit = new StringBuilder();
        String[] names = {"R", "G", "B"};
        for (int band = 0; band < 3; band++) {
            if (mean[band] >= 0.5 * max) {
                lit.append(names[band]);
            }
        }
        return switch (lit.toString()) {
            case "R" -> "red";
            case "G" -> "green";
            case "B" -> "blue";
            case "RG" -> "yellow";
            case "RGB" -> "grey-to-white with differing channels (a composite?)";
            default -> "as " + lit + " (a composite?)";
        };
    }

    private static void readPalette(Raster raster, IndexColorModel palette, float[] pixels, ImageFormat format)
            throws ImageDecodeException {
        int size = palette.getMapSize();
        float[] gray = new float[size];
        boolean[] isGray = new boolean[size];
        for (int i = 0; i < size; i++) {
            int r = palette.getRed(i);
            isGray[i] = r == palette.getGreen(i) && r == palette.getBlue(i);
            gray[i] = r / 255f;
        }
        int w = raster.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int index = row[x];
                if (index >= size || !isGray[index]) {
                    throw new ImageDecodeException(Reason.NOT_GRAYSCALE, format + " palette image has a colour "
                            + "pixel at (" + x + ", " + y + ")");
                }
                pixels[y * w + x] = gray[index];
            }
        }
    }

    /** Copies one band into {@code out}, multiplied by {@code scale}; direct array access when possible. */
    private static void readBand(Raster raster, int band, float[] out, float scale) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        SampleModel sampleModel = raster.getSampleModel();
        DataBuffer buffer = raster.getDataBuffer();
        if (sampleModel instanceof ComponentSampleModel csm && buffer.getNumBanks() == 1
                && (buffer instanceof DataBufferByte || buffer instanceof DataBufferUShort)) {
            int pixelStride = csm.getPixelStride();
            int dx = raster.getMinX() - raster.getSampleModelTranslateX();
            int dy = raster.getMinY() - raster.getSampleModelTranslateY();
            int bandOffset = buffer.getOffset() + csm.getBandOffsets()[band];
            if (buffer instanceof DataBufferByte bytes) {
                byte[] data = bytes.getData();
                for (int y = 0; y < h; y++) {
                    int src = bandOffset + (y + dy) * csm.getScanlineStride() + dx * pixelStride;
                    int dst = y * w;
                    for (int x = 0; x < w; x++, src += pixelStride) {
                        out[dst + x] = (data[src] & 0xFF) * scale;
                    }
                }
            } else {
                short[] data = ((DataBufferUShort) buffer).getData();
                for (int y = 0; y < h; y++) {
                    int src = bandOffset + (y + dy) * csm.getScanlineStride() + dx * pixelStride;
                    int dst = y * w;
                    for (int x = 0; x < w; x++, src += pixelStride) {
                        out[dst + x] = (data[src] & 0xFFFF) * scale;
                    }
                }
            }
            return;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = row[x] * scale;
            }
        }
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return hex.toString();
    }
}
