package io.tunet.imaging;

import io.tunet.imaging.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads a field whose four stains are the channels of one OME-TIFF file, as acquisition software (and Bio-Formats,
 * tifffile) writes them: one page (IFD) per plane, the OME-XML in the first page's {@code ImageDescription}.
 *
 * <p>Supported subset: one file, one {@code Image} with {@code SizeZ = SizeT = 1}, {@code SizeC} channels of one
 * sample each, pixel type {@code uint8} or {@code uint16} (kept at full depth: values are scaled by 255 or 65535,
 * as for any stain), every page of the image's size. The channel of each page comes from the {@code TiffData}
 * elements ({@code IFD}, {@code FirstC}, {@code PlaneCount}), page {@code c} for channel {@code c} without them.
 * The stain of each channel comes from its {@code Name}, through a mapping ({@link #parseMapping}, e.g.
 * {@code DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow}) or, by default, the stain names themselves
 * ({@code red}, {@code green}, {@code blue}, {@code yellow}, any case). Each stain must be named by exactly one
 * channel; channels the mapping does not name are not decoded and are listed in {@link Field#ignoredChannels()}.
 *
 * <p>Refused, always as an {@link ImageDecodeException} naming the problem: a TIFF without OME-XML
 * ({@code UNSUPPORTED_FORMAT}: a plain multi-page TIFF does not say which page is which stain), z-stacks and time
 * series ({@code UNSUPPORTED_FORMAT}: no plane is picked on the user's behalf), BigTIFF, several images in one file, a
 * missing stain or two channels naming the same one ({@code UNSUPPORTED_FORMAT}), pages whose size differs
 * ({@code DIMENSION_MISMATCH}), floating-point or signed pixels ({@code UNSUPPORTED_BIT_DEPTH}), XML or pages that
 * contradict each other ({@code CORRUPT}), a file cut short ({@code TRUNCATED}). Sizes are checked against the
 * {@link DecodeLimits} from the headers before any pixel memory is allocated, and the decoded pages of all four
 * stains together must fit in {@link DecodeLimits#maxRasterBytes()}, the budget of one image.
 */
public final class OmeTiff {

    private static final int IMAGE_DESCRIPTION = 270;
    private static final int ASCII = 2;

    /**
     * The stains of one OME-TIFF field.
     *
     * @param stains          the four stains, each from its channel's page
     * @param bitDepth        8 or 16, from the OME {@code Type}
     * @param ignoredChannels channels the mapping does not name, as {@code index "name"}, in file order
     */
    public record Field(Map<Channel, GrayImage> stains, int bitDepth, List<String> ignoredChannels) {

        public Field {
            stains = Collections.unmodifiableMap(new EnumMap<>(stains));
            ignoredChannels = List.copyOf(ignoredChannels);
        }
    }

    private OmeTiff() {
    }

    /** Whether a file name is an OME-TIFF's: it ends with {@code .ome.tif} or {@code .ome.tiff}, in any case. */
    public static boolean isOmeTiffName(String fileName) {
        return stem(fileName) != null;
    }

    /** The name without {@code .ome.tif} or {@code .ome.tiff} (any case), or null if it is not an OME-TIFF's. */
    public static String stem(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String extension : new String[] {".ome.tif", ".ome.tiff"}) {
            if (lower.endsWith(extension) && lower.length() > extension.length()) {
                return fileName.substring(0, fileName.length() - extension.length());
            }
        }
        return null;
    }

    /** The default channel names: each stain's own name ({@code red}...), compared without regard to case. */
    public static Map<String, Channel> defaultNames() {
        Map<String, Channel> names = new LinkedHashMap<>();
        for (Channel channel : Channel.values()) {
            names.put(channel.fileSuffix(), channel);
        }
        return Collections.unmodifiableMap(names);
    }

    /**
     * Parses a channel-name mapping such as {@code DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow}: an OME
     * channel name (any case), then {@code red}, {@code green}, {@code blue} or {@code yellow} (any case).
     *
     * @return lower-case channel name → stain
     * @throws IllegalArgumentException naming the entry that is not {@code name=stain}, names an unknown stain or
     *                                  repeats a name, or the stain no entry names
     */
    public static Map<String, Channel> parseMapping(String mapping) {
        Map<String, Channel> names = new LinkedHashMap<>();
        for (String entry : mapping.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("channel mapping entry '" + entry.strip() + "' is not name=stain");
            }
            String name = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            Channel channel = channelNamed(entry.substring(eq + 1).strip());
            if (channel == null) {
                throw new IllegalArgumentException("channel mapping entry '" + entry.strip() + "' names no stain "
                        + "(red, green, blue or yellow)");
            }
            if (names.put(name, channel) != null) {
                throw new IllegalArgumentException("channel mapping names '" + name + "' twice");
            }
        }
        for (Channel channel : Channel.values()) {
            if (!names.containsValue(channel)) {
                throw new IllegalArgumentException("channel mapping '" + mapping + "' names no channel for the "
                        + channel.fileSuffix() + " stain: a field needs all four");
            }
        }
        return Collections.unmodifiableMap(names);
    }

    /** Decodes a field with the {@linkplain #defaultNames() default channel names}. */
    public static Field decode(byte[] bytes, DecodeLimits limits) throws ImageDecodeException {
        return decode(bytes, limits, defaultNames());
    }

    /**
     * Decodes the four stains of an OME-TIFF field (see the class comment for what is accepted).
     *
     * @param channelNames lower-case OME channel name → stain, e.g. from {@link #parseMapping}
     * @throws ImageDecodeException     with the reason the file cannot be used as a field
     * @throws IllegalArgumentException if {@code limits} or {@code channelNames} is null
     */
    public static Field decode(byte[] bytes, DecodeLimits limits, Map<String, Channel> channelNames)
            throws ImageDecodeException {
        if (limits == null || channelNames == null) {
            throw new IllegalArgumentException("decode limits and channel names are required");
        }
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(Reason.TRUNCATED, "no image bytes");
        }
        if (ImageFormat.sniff(bytes) != ImageFormat.TIFF) {
            boolean bigTiff = bytes.length >= 4 && ((bytes[0] == 'I' && bytes[1] == 'I' && bytes[2] == 43)
                    || (bytes[0] == 'M' && bytes[1] == 'M' && bytes[3] == 43));
            throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, bigTiff ? "a BigTIFF, which is not read: "
                    + "write a classic TIFF (files up to 4 GB)" : "not a TIFF, so not an OME-TIFF");
        }
        String description = firstImageDescription(bytes);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(ImageFormat.TIFF.imageIoName());
        if (!readers.hasNext()) {
            throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "no ImageIO reader for TIFF is installed");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, false, true);
            int pages = reader.getNumImages(true);
            if (description == null || !description.contains("<OME")) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "a TIFF with " + pages + " page(s) and no "
                        + "OME-XML in its first ImageDescription is not an OME-TIFF: nothing says which page is which "
                        + "stain");
            }
            Pixels pixels = Pixels.parse(description);
            int[] pageOf = pixels.pageOfChannel(pages);
            Map<Channel, Integer> channelOf = new EnumMap<>(Channel.class);
            List<String> ignored = new ArrayList<>();
            mapChannels(pixels, channelNames, channelOf, ignored);
            long raster = 0;
            for (int c = 0; c < pixels.sizeC; c++) {
                checkPage(reader, pageOf[c], c, pixels, limits);
                if (channelOf.containsValue(c)) {
                    raster += DecodeLimits.rasterBytes(pixels.sizeX, pixels.sizeY, 1, pixels.bitDepth);
                }
            }
            if (raster > limits.maxRasterBytes()) {
                throw new ImageDecodeException(Reason.TOO_LARGE, String.format(Locale.ROOT, "the four %d-bit "
                        + "channels of %dx%d would decode to %.0f MiB, above the budget of %.0f MiB",
                        pixels.bitDepth, pixels.sizeX, pixels.sizeY, raster / 1048576.0,
                        limits.maxRasterBytes() / 1048576.0));
            }
            Map<Channel, GrayImage> stains = new EnumMap<>(Channel.class);
            for (Map.Entry<Channel, Integer> stain : channelOf.entrySet()) {
                stains.put(stain.getKey(), readPage(reader, pageOf[stain.getValue()], pixels));
            }
            return new Field(stains, pixels.bitDepth, ignored);
        } catch (IOException | RuntimeException e) {
            throw failure(e);
        } finally {
            reader.dispose();
        }
    }

    private static void mapChannels(Pixels pixels, Map<String, Channel> channelNames, Map<Channel, Integer> channelOf,
                                    List<String> ignored) throws ImageDecodeException {
        for (int c = 0; c < pixels.sizeC; c++) {
            String name = pixels.names.get(c);
            Channel stain = name == null ? null : channelNames.get(name.strip().toLowerCase(Locale.ROOT));
            if (stain == null) {
                ignored.add(c + " " + quoted(name));
                continue;
            }
            Integer previous = channelOf.put(stain, c);
            if (previous != null) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "channels " + previous + " "
                        + quoted(pixels.names.get(previous)) + " and " + c + " " + quoted(name) + " both map to the "
                        + stain.fileSuffix() + " stain");
            }
        }
        for (Channel stain : Channel.values()) {
            if (!channelOf.containsKey(stain)) {
                List<String> all = new ArrayList<>();
                for (int c = 0; c < pixels.sizeC; c++) {
                    all.add(c + " " + quoted(pixels.names.get(c)));
                }
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "no channel maps to the "
                        + stain.fileSuffix() + " stain (channels " + String.join(", ", all) + "; names mapped: "
                        + channelNames.keySet() + "): name the channels red, green, blue and yellow or give a mapping "
                        + "such as DAPI=blue,GFP=green,Tubulin=red,Calreticulin=yellow");
            }
        }
    }

    /** Checks a page's size and pixel layout against the OME-XML and the limits, from its header only. */
    private static void checkPage(ImageReader reader, int page, int channel, Pixels pixels, DecodeLimits limits)
            throws IOException, ImageDecodeException {
        int width = reader.getWidth(page);
        int height = reader.getHeight(page);
        if (!limits.allows(width, height)) {
            throw new ImageDecodeException(Reason.TOO_LARGE, "page " + page + " claims " + width + "x" + height
                    + ", above the limit of " + limits.maxWidth() + "x" + limits.maxHeight() + " and "
                    + limits.maxPixels() + " pixels");
        }
        if (width != pixels.sizeX || height != pixels.sizeY) {
            throw new ImageDecodeException(Reason.DIMENSION_MISMATCH, "page " + page + " (channel " + channel + ") is "
                    + width + "x" + height + " but the image is " + pixels.sizeX + "x" + pixels.sizeY
                    + ": the channels of a field must have one size");
        }
        ImageTypeSpecifier type = reader.getRawImageType(page);
        if (type == null) {
            throw new ImageDecodeException(Reason.CORRUPT, "the TIFF reader offers no pixel layout for page " + page);
        }
        SampleModel samples = type.getSampleModel();
        int dataType = samples.getDataType();
        boolean unsigned = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT;
        if (samples.getNumBands() != 1 || samples.getSampleSize(0) != pixels.bitDepth || !unsigned) {
            throw new ImageDecodeException(Reason.CORRUPT, "page " + page + " has " + samples.getNumBands()
                    + " sample(s) of " + samples.getSampleSize(0) + " bit per pixel, but the OME-XML says one "
                    + pixels.type + " sample");
        }
    }

    private static GrayImage readPage(ImageReader reader, int page, Pixels pixels) throws IOException,
            ImageDecodeException {
        BufferedImage image = reader.read(page);
        Raster raster = image.getRaster();
        if (raster.getWidth() != pixels.sizeX || raster.getHeight() != pixels.sizeY) {
            throw new ImageDecodeException(Reason.CORRUPT, "page " + page + " decoded to " + raster.getWidth() + "x"
                    + raster.getHeight() + " but its header says " + pixels.sizeX + "x" + pixels.sizeY);
        }
        float[] values = raster.getSamples(raster.getMinX(), raster.getMinY(), pixels.sizeX, pixels.sizeY, 0,
                new float[pixels.sizeX * pixels.sizeY]);
        float scale = 1f / ((1 << pixels.bitDepth) - 1);
        for (int i = 0; i < values.length; i++) {
            values[i] *= scale;
        }
        return new GrayImage(pixels.sizeX, pixels.sizeY, pixels.bitDepth, values);
    }

    private static ImageDecodeException failure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || (t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("end of"))) {
                return new ImageDecodeException(Reason.TRUNCATED, "OME-TIFF data ends before its pages do (" + e
                        + ")", e);
            }
        }
        return new ImageDecodeException(Reason.CORRUPT, "OME-TIFF does not decode: " + e, e);
    }

    /**
     * The first page's {@code ImageDescription} (tag 270), read from the TIFF structure itself, or null when the
     * page has none.
     */
    private static String firstImageDescription(byte[] bytes) throws ImageDecodeException {
        boolean little = bytes[0] == 'I';
        long ifd = unsigned(bytes, 4, 4, little);
        if (bytes.length < 8 || ifd + 2 > bytes.length) {
            throw new ImageDecodeException(Reason.TRUNCATED, "TIFF of " + bytes.length + " bytes ends before the "
                    + "directory its header points to");
        }
        int entries = (int) unsigned(bytes, (int) ifd, 2, little);
        if (ifd + 2 + 12L * entries > bytes.length) {
            throw new ImageDecodeException(Reason.TRUNCATED, "TIFF of " + bytes.length + " bytes ends inside its "
                    + "first directory");
        }
        for (int i = 0; i < entries; i++) {
            int entry = (int) ifd + 2 + 12 * i;
            if (unsigned(bytes, entry, 2, little) == IMAGE_DESCRIPTION && unsigned(bytes, entry + 2, 2, little) == ASCII) {
                long count = unsigned(bytes, entry + 4, 4, little);
                long at = count <= 4 ? entry + 8 : unsigned(bytes, entry + 8, 4, little);
                if (at + count > bytes.length) {
                    throw new ImageDecodeException(Reason.TRUNCATED, "TIFF of " + bytes.length + " bytes ends "
                            + "before its image description does");
                }
                int length = (int) count;
                while (length > 0 && bytes[(int) at + length - 1] == 0) {
                    length--;
                }
                // OME-XML is UTF-8 (the TIFF type says ASCII; writers store UTF-8 there)
                return new String(bytes, (int) at, length, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static long unsigned(byte[] bytes, int offset, int length, boolean little) {
        if (offset < 0 || offset + length > bytes.length) {
            return Long.MAX_VALUE / 2;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            int b = bytes[offset + (little ? length - 1 - i : i)] & 0xFF;
            value = (value << 8) | b;
        }
        return value;
    }

    private static Channel channelNamed(String name) {
        for (Channel channel : Channel.values()) {
            if (channel.fileSuffix().equalsIgnoreCase(name)) {
                return channel;
            }
        }
        return null;
    }

    private static String quoted(String name) {
        return name == null ? "(no name)" : "\"" + name + "\"";
    }

    /** What the OME-XML says about the one image: sizes, pixel type, channel names, and which page holds what. */
    private static final class Pixels {
        final int sizeX;
        final int sizeY;
        final int sizeC;
        final String type;
        final int bitDepth;
        final List<String> names;
        final Element element;

        private Pixels(Element element, int sizeX, int sizeY, int sizeC, String type, int bitDepth,
                       List<String> names) {
            this.element = element;
            this.sizeX = sizeX;
            this.sizeY = sizeY;
            this.sizeC = sizeC;
            this.type = type;
            this.bitDepth = bitDepth;
            this.names = names;
        }

        static Pixels parse(String xml) throws ImageDecodeException {
            Document document = parseXml(xml);
            NodeList images = document.getElementsByTagNameNS("*", "Image");
            if (images.getLength() != 1) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "the OME-XML describes "
                        + images.getLength() + " images; one field per file (one Image) is supported");
            }
            Element pixels = child((Element) images.item(0), "Pixels");
            if (pixels == null) {
                throw new ImageDecodeException(Reason.CORRUPT, "the OME-XML image has no Pixels element");
            }
            int sizeZ = intAttribute(pixels, "SizeZ");
            int sizeT = intAttribute(pixels, "SizeT");
            if (sizeZ != 1 || sizeT != 1) {
                throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "the OME-TIFF has SizeZ=" + sizeZ
                        + " and SizeT=" + sizeT + ": z-stacks and time series are not read (no plane is picked "
                        + "for you); export one plane per field (SizeZ=1, SizeT=1)");
            }
            String type = pixels.getAttribute("Type");
            int bitDepth = switch (type) {
                case "uint8" -> 8;
                case "uint16" -> 16;
                case "float", "double", "complex", "double-complex" -> throw new ImageDecodeException(
                        Reason.UNSUPPORTED_BIT_DEPTH, "the OME-TIFF's pixels are floating-point (Type=" + type
                        + "); only uint8 and uint16 are read");
                default -> throw new ImageDecodeException(Reason.UNSUPPORTED_BIT_DEPTH, "the OME-TIFF's pixel type "
                        + "is " + (type.isEmpty() ? "missing" : type) + "; only uint8 and uint16 are read");
            };
            int sizeC = intAttribute(pixels, "SizeC");
            List<Element> channels = children(pixels, "Channel");
            if (channels.size() > sizeC) {
                throw new ImageDecodeException(Reason.CORRUPT, "the OME-XML lists " + channels.size()
                        + " channels but SizeC=" + sizeC);
            }
            List<String> names = new ArrayList<>();
            for (int c = 0; c < sizeC; c++) {
                Element channel = c < channels.size() ? channels.get(c) : null;
                if (channel != null && channel.hasAttribute("SamplesPerPixel")
                        && !channel.getAttribute("SamplesPerPixel").equals("1")) {
                    throw new ImageDecodeException(Reason.UNSUPPORTED_FORMAT, "channel " + c + " has "
                            + channel.getAttribute("SamplesPerPixel") + " samples per pixel (a colour channel); "
                            + "each stain must be one grey channel");
                }
                names.add(channel != null && channel.hasAttribute("Name") ? channel.getAttribute("Name") : null);
            }
            return new Pixels(pixels, intAttribute(pixels, "SizeX"), intAttribute(pixels, "SizeY"), sizeC, type,
                    bitDepth, names);
        }

        /** The page of each channel, from the TiffData elements (page c for channel c without them). */
        int[] pageOfChannel(int pages) throws ImageDecodeException {
            int[] page = new int[sizeC];
            List<Element> tiffData = children(element, "TiffData");
            if (tiffData.isEmpty()) {
                for (int c = 0; c < sizeC; c++) {
                    page[c] = c;
                }
            } else {
                java.util.Arrays.fill(page, -1);
                for (Element data : tiffData) {
                    if (intAttribute(data, "FirstZ", 0) != 0 || intAttribute(data, "FirstT", 0) != 0) {
                        throw new ImageDecodeException(Reason.CORRUPT, "a TiffData element names a plane beyond "
                                + "Z=0, T=0 in an image with SizeZ=1 and SizeT=1");
                    }
                    int ifd = intAttribute(data, "IFD", 0);
                    int firstC = intAttribute(data, "FirstC", 0);
                    int count = intAttribute(data, "PlaneCount", data.hasAttribute("IFD") ? 1 : sizeC - firstC);
                    for (int k = 0; k < count && firstC + k < sizeC; k++) {
                        page[firstC + k] = ifd + k;
                    }
                }
            }
            for (int c = 0; c < sizeC; c++) {
                if (page[c] < 0) {
                    throw new ImageDecodeException(Reason.CORRUPT, "no TiffData element places channel " + c
                            + " on a page");
                }
                if (page[c] >= pages) {
                    throw new ImageDecodeException(Reason.TRUNCATED, "the OME-XML places channel " + c + " on page "
                            + page[c] + " but the file has " + pages + " page(s)");
                }
            }
            return page;
        }

        private static Document parseXml(String xml) throws ImageDecodeException {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setNamespaceAware(true);
                // the XML comes from an untrusted file: no DOCTYPE, so no external entities and no entity bombs
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setXIncludeAware(false);
                factory.setExpandEntityReferences(false);
                DocumentBuilder builder = factory.newDocumentBuilder();
                builder.setErrorHandler(null);
                return builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
            } catch (SAXException | IOException e) {
                throw new ImageDecodeException(Reason.CORRUPT, "the OME-XML in the ImageDescription does not parse: "
                        + e.getMessage(), e);
            } catch (ParserConfigurationException e) {
                throw new IllegalStateException("the JDK's XML parser lacks a secure-processing feature", e);
            }
        }

        private static int intAttribute(Element element, String name) throws ImageDecodeException {
            if (!element.hasAttribute(name)) {
                throw new ImageDecodeException(Reason.CORRUPT, "the OME-XML " + element.getLocalName() + " has no "
                        + name);
            }
            return intAttribute(element, name, 0);
        }

        private static int intAttribute(Element element, String name, int otherwise) throws ImageDecodeException {
            if (!element.hasAttribute(name)) {
                return otherwise;
            }
            String value = element.getAttribute(name);
            try {
                int parsed = Integer.parseInt(value.strip());
                if (parsed < 0) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ImageDecodeException(Reason.CORRUPT, "the OME-XML " + element.getLocalName() + " has "
                        + name + "=\"" + value + "\", not a count");
            }
        }

        private static Element child(Element parent, String localName) {
            List<Element> found = children(parent, localName);
            return found.isEmpty() ? null : found.get(0);
        }

        private static List<Element> children(Element parent, String localName) {
            List<Element> found = new ArrayList<>();
            for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element e && localName.equals(e.getLocalName())) {
                    found.add(e);
                }
            }
            return found;
        }
    }
}
