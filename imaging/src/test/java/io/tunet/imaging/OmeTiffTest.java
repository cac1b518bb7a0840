package io.tunet.imaging;

import static io.tunet.testkit.OmeTiffFixtures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tunet.imaging.ImageDecodeException.Reason;
import io.tunet.testkit.OmeTiffFixtures;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** OME-TIFF fields written by tifffile (Debian's python3-tifffile), read into four stains or refused with a reason. */
class OmeTiffTest {

    private static final String OME_PIXELS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image ID=\"Image:0\">"
            + "<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"uint8\" SizeX=\"%d\" SizeY=\"%d\" SizeC=\"4\" "
            + "SizeZ=\"1\" SizeT=\"1\">%s</Pixels></Image></OME>";
    private static final String STAIN_CHANNELS = "<Channel ID=\"Channel:0:0\" Name=\"red\"/><Channel ID=\"Channel:0:1\" "
            + "Name=\"green\"/><Channel ID=\"Channel:0:2\" Name=\"blue\"/><Channel ID=\"Channel:0:3\" Name=\"yellow\"/>";

    @TempDir
    Path temp;

    @Test
    void shouldReadSixteenBitChannelsNamedAfterTheStainsAtFullDepth() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint16", 40, 30, List.of("Red", "GREEN", "blue", "yellow"));

        OmeTiff.Field field = OmeTiff.decode(Files.readAllBytes(file), DecodeLimits.defaults());

        assertThat(field.bitDepth()).isEqualTo(16);
        assertThat(field.ignoredChannels()).isEmpty();
        for (Channel stain : Channel.values()) {
            GrayImage image = field.stains().get(stain);
            assertThat(image.width()).isEqualTo(40);
            assertThat(image.height()).isEqualTo(30);
            assertThat(image.bitDepth()).isEqualTo(16);
            assertPixels(image, stain.ordinal(), 65536);
        }
    }

    @Test
    void shouldMapChannelNamesInAnyOrderThroughAnExplicitMappingAndIgnoreAnExtraChannel() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint8", 33, 17, List.of("Calreticulin", "DAPI", "Brightfield", "Tubulin", "GFP"));
        Map<String, Channel> mapping = OmeTiff.parseMapping("DAPI=blue,GFP=green,Tubulin=red,Calreticulin=YELLOW");

        OmeTiff.Field field = OmeTiff.decode(Files.readAllBytes(file), DecodeLimits.defaults(), mapping);

        assertThat(field.bitDepth()).isEqualTo(8);
        assertPixels(field.stains().get(Channel.YELLOW), 0, 256);
        assertPixels(field.stains().get(Channel.BLUE), 1, 256);
        assertPixels(field.stains().get(Channel.RED), 3, 256);
        assertPixels(field.stains().get(Channel.GREEN), 4, 256);
        assertThat(field.stains().get(Channel.GREEN).bitDepth()).isEqualTo(8);
        assertThat(field.ignoredChannels()).containsExactly("2 \"Brightfield\"");
    }

    @Test
    void shouldReadADeflateCompressedOmeTiffWrittenByTheJdkWhoseTiffDataPlacesChannelsOnOtherPages() throws Exception {
        // channel c is on page 3 - c, as TiffData says; the pages are Deflate-compressed by the JDK's own TIFF writer
        String tiffData = "<TiffData FirstC=\"0\" IFD=\"3\"/><TiffData FirstC=\"1\" IFD=\"2\"/>"
                + "<TiffData FirstC=\"2\" IFD=\"1\"/><TiffData FirstC=\"3\" IFD=\"0\"/>";
        String xml = String.format(OME_PIXELS, 24, 20, STAIN_CHANNELS + tiffData).replace("uint8", "uint16");
        short[][] pages = new short[4][24 * 20];
        for (int page = 0; page < 4; page++) {
            for (int i = 0; i < pages[page].length; i++) {
                pages[page][i] = (short) (page * 16000 + i * 7);
            }
        }

        OmeTiff.Field field = OmeTiff.decode(jdkTiff(xml, 24, 20, pages), DecodeLimits.defaults());

        for (Channel stain : Channel.values()) {
            int page = 3 - stain.ordinal();
            GrayImage image = field.stains().get(stain);
            assertThat(image.bitDepth()).isEqualTo(16);
            assertThat(image.pixels()[0]).as(stain + " from page " + page).isEqualTo(page * 16000 / 65535f);
            assertThat(image.pixels()[479]).isEqualTo((page * 16000 + 479 * 7) / 65535f);
        }
    }

    @Test
    void shouldRefuseChannelNamesTheMappingDoesNotKnowNamingTheMissingStain() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint8", 8, 8, List.of("DAPI", "GFP", "Tubulin", "Calreticulin"));

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("no channel maps to the red stain", "0 \"DAPI\"", "DAPI=blue");
    }

    @Test
    void shouldRefuseTwoChannelsNamingTheSameStain() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint8", 8, 8, List.of("red", "green", "blue", "Blue", "yellow"));

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("channels 2 \"blue\" and 3 \"Blue\" both map to the blue stain");
    }

    @Test
    void shouldRefuseAZStackRatherThanPickAPlane() throws Exception {
        Path file = temp.resolve("z.ome.tif");
        OmeTiffFixtures.write(file, "uint16", "ZCYX", new int[] {3, 4, 8, 8}, true);

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("SizeZ=3", "z-stacks");
    }

    @Test
    void shouldRefuseAFloatingPointOmeTiff() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "float32", "CYX", new int[] {4, 8, 8}, true);

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_BIT_DEPTH);
        assertThat(e.getMessage()).contains("floating-point", "Type=float");
    }

    @Test
    void shouldRefuseAPlainMultiPageTiffThatDoesNotSayWhichPageIsWhichStain() throws Exception {
        Path file = temp.resolve("plain.tif");
        OmeTiffFixtures.write(file, "uint8", "CYX", new int[] {4, 8, 8}, false);

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("4 page(s)", "not an OME-TIFF");
    }

    @Test
    void shouldRefusePagesOfDifferentSizes() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.writePages(file, "uint8", String.format(OME_PIXELS, 16, 16, STAIN_CHANNELS),
                new int[] {16, 16}, new int[] {16, 16}, new int[] {12, 16}, new int[] {16, 16});

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.DIMENSION_MISMATCH);
        assertThat(e.getMessage()).contains("page 2", "16x12");
    }

    @Test
    void shouldRefuseOmeXmlPromisingMorePagesThanTheFileHas() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.writePages(file, "uint8", String.format(OME_PIXELS, 16, 16, STAIN_CHANNELS),
                new int[] {16, 16}, new int[] {16, 16}, new int[] {16, 16});

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.getMessage()).contains("channel 3 on page 3", "3 page(s)");
    }

    @Test
    void shouldRefuseATruncatedFile() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint16", 64, 64, List.of("red", "green", "blue", "yellow"));
        byte[] bytes = Files.readAllBytes(file);

        for (int length : new int[] {bytes.length / 2, bytes.length - 100, 6}) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> OmeTiff.decode(Arrays.copyOf(bytes, length), DecodeLimits.defaults()));
            assertThat(e.reason()).as("cut to %d of %d bytes: %s", length, bytes.length, e.getMessage())
                    .isIn(Reason.TRUNCATED);
        }
    }

    @Test
    void shouldRefuseFourChannelsThatTogetherExceedTheMemoryBudgetOfOneImage() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        OmeTiffFixtures.write(file, "uint16", 64, 64, List.of("red", "green", "blue", "yellow"));
        // one 16-bit 64² page fits (8 KiB), four do not
        DecodeLimits limits = new DecodeLimits(64, 64, 64 * 64);

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> OmeTiff.decode(Files.readAllBytes(file), limits));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).contains("four 16-bit channels of 64x64");
        assertThat(assertThrows(ImageDecodeException.class, () -> OmeTiff.decode(Files.readAllBytes(file),
                new DecodeLimits(32, 32, 32 * 32))).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void shouldRefuseOmeXmlThatDeclaresADoctype() throws Exception {
        Path file = temp.resolve("f.ome.tif");
        String xml = String.format(OME_PIXELS, 8, 8, STAIN_CHANNELS).replace("<OME ",
                "<!DOCTYPE OME [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><OME ");
        OmeTiffFixtures.writePages(file, "uint8", xml, new int[] {8, 8}, new int[] {8, 8}, new int[] {8, 8},
                new int[] {8, 8});

        ImageDecodeException e = refused(file);

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
        assertThat(e.getMessage()).contains("does not parse");
    }

    @Test
    void shouldRefuseBytesThatAreNotATiffOrAreABigTiff() throws Exception {
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> OmeTiff.decode(ImageCodec.encodePng(TestImages.pattern(4, 4), 8), DecodeLimits.defaults()));

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        Path bigTiff = temp.resolve("big.ome.tif");
        OmeTiffFixtures.writeBigTiff(bigTiff, List.of("red", "green", "blue", "yellow"));
        ImageDecodeException big = refused(bigTiff);
        assertThat(big.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(big.getMessage()).contains("BigTIFF");
    }

    @Test
    @Timeout(30)
    void shouldRefuseATiffWhoseDirectoryChainLoopsInsteadOfReadingItForever() {
        // one 1x1 page whose "next directory" is itself
        ByteBuffer tiff = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        int[][] entries = {{256, 1}, {257, 1}, {258, 8}, {262, 1}, {273, 150}, {278, 1}, {279, 1}};
        tiff.putShort((short) entries.length);
        for (int[] entry : entries) {
            tiff.putShort((short) entry[0]).putShort((short) 4).putInt(1).putInt(entry[1]);
        }
        tiff.putInt(8);

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> OmeTiff.decode(tiff.array(), DecodeLimits.defaults()));

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("1 page(s)");
    }

    @Test
    void shouldRefuseMalformedMappings() {
        assertThatThrownBy(() -> OmeTiff.parseMapping("DAPI=blue,GFP=green,Tubulin=red"))
                .hasMessageContaining("yellow");
        assertThatThrownBy(() -> OmeTiff.parseMapping("DAPI=cyan,GFP=green,Tubulin=red,ER=yellow"))
                .hasMessageContaining("'DAPI=cyan' names no stain");
        assertThatThrownBy(() -> OmeTiff.parseMapping("DAPI=blue,dapi=green,Tubulin=red,ER=yellow"))
                .hasMessageContaining("twice");
    }

    @Test
    void shouldRecogniseOmeTiffFileNames() {
        assertThat(OmeTiff.stem("A1_f3.ome.tif")).isEqualTo("A1_f3");
        assertThat(OmeTiff.stem("A1.OME.TIFF")).isEqualTo("A1");
        assertThat(OmeTiff.isOmeTiffName("A1_red.tif")).isFalse();
        assertThat(OmeTiff.isOmeTiffName(".ome.tif")).isFalse();
    }

    /** A multi-page 16-bit TIFF written by the JDK's TIFF writer with Deflate, the first page carrying {@code xml}. */
    private static byte[] jdkTiff(String xml, int width, int height, short[][] pages) throws IOException {
        ImageWriter writer = null;
        for (Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff"); writers.hasNext(); ) {
            ImageWriter candidate = writers.next();
            if (candidate.getClass().getName().startsWith("com.sun.imageio")) {
                writer = candidate;
            }
        }
        assertThat(writer).as("the JDK's TIFF writer").isNotNull();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("Deflate");
            writer.prepareWriteSequence(null);
            for (int p = 0; p < pages.length; p++) {
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
                System.arraycopy(pages[p], 0, ((DataBufferUShort) image.getRaster().getDataBuffer()).getData(), 0,
                        pages[p].length);
                IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
                if (p == 0) {
                    TIFFDirectory directory = TIFFDirectory.createFromMetadata(metadata);
                    directory.addTIFFField(new TIFFField(BaselineTIFFTagSet.getInstance()
                            .getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION), TIFFTag.TIFF_ASCII, 1,
                            new String[] {xml}));
                    metadata = directory.getAsMetadata();
                }
                writer.writeToSequence(new IIOImage(image, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageDecodeException refused(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return assertThrows(ImageDecodeException.class, () -> OmeTiff.decode(bytes, DecodeLimits.defaults()));
    }

    private static void assertPixels(GrayImage image, int channel, int modulo) {
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                float expected = value(channel, y, x, modulo) / (float) (modulo - 1);
                float actual = image.pixels()[y * image.width() + x];
                if (Math.abs(actual - expected) > 1e-6f) {
                    throw new AssertionError("channel " + channel + " at (" + x + ", " + y + "): " + actual
                            + ", expected " + expected);
                }
            }
        }
    }
}
