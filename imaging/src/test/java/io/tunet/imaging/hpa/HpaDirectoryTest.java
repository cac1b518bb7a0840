package io.tunet.imaging.hpa;

import io.tunet.testkit.OmeTiffFixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.hpa.HpaDirectory.LoadedSample;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageDecodeException.Reason;
import io.tunet.imaging.TestImages;
import io.tunet.schemas.HpaClasses;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HpaDirectoryTest {

    @TempDir
    Path dir;

    private void writeCsv(String... rows) throws IOException {
        Files.writeString(dir.resolve("train.csv"), "Id,Target\n" + String.join("\n", rows) + "\n");
    }

    /** Writes the four stains of a sample: channel c constant at (c + 1) / 10. */
    private void writeStains(String id, int side) throws IOException {
        for (Channel channel : Channel.values()) {
            writeStain(id, channel, side, (channel.ordinal() + 1) / 10f);
        }
    }

    private void writeStain(String id, Channel channel, int side, float value) throws IOException {
        float[] pixels = new float[side * side];
        Arrays.fill(pixels, value);
        Files.write(dir.resolve(id + "_" + channel.fileSuffix() + ".png"),
                ImageCodec.encodePng(new GrayImage(side, side, 8, pixels), 8));
    }

    @Test
    void shouldLoadSamplesAsTensorsInChannelOrder() throws Exception {
        writeCsv("a1,0", "b2,25 0 2");
        writeStains("a1", 16);
        writeStains("b2", 16);

        HpaDirectory hpa = HpaDirectory.open(dir);
        LoadedSample sample = hpa.load(hpa.entries().get(1), 4);

        assertEquals(2, hpa.entries().size());
        assertEquals("b2", hpa.entries().get(1).id());
        assertArrayEquals(new int[] {25, 0, 2}, hpa.entries().get(1).labels());
        assertFalse(hpa.hasTrueMasks());
        assertEquals("b2", sample.id());
        assertArrayEquals(new int[] {25, 0, 2}, sample.labels());
        assertNull(sample.trueMasks());
        assertEquals(4 * 16, sample.image().length);
        for (Channel channel : Channel.values()) {
            assertEquals(Math.round((channel.ordinal() + 1) / 10f * 255) / 255f, sample.image()[channel.ordinal() * 16],
                    1e-6f);
        }
    }

    @Test
    void shouldAcceptA16BitTiffStainWithTheSameStem() throws Exception {
        writeCsv("a1,3");
        writeStains("a1", 8);
        Files.delete(dir.resolve("a1_yellow.png"));
        BufferedImage tiff = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                tiff.getRaster().setSample(x, y, 0, 65535);
            }
        }
        Files.write(dir.resolve("a1_yellow.tif"), TestImages.write(tiff, "tiff"));

        HpaDirectory hpa = HpaDirectory.open(dir);
        float[] image = hpa.load(hpa.entries().get(0), 2).image();

        assertEquals(dir.resolve("a1_yellow.tif").toAbsolutePath(), hpa.stainPath(hpa.entries().get(0), Channel.YELLOW));
        assertArrayEquals(new float[] {1, 1, 1, 1}, Arrays.copyOfRange(image, 12, 16));
    }

    @Test
    void shouldLoadTrueMasksIntoTheirClassPlanes() throws Exception {
        writeCsv("a1,5 7");
        writeStains("a1", 8);
        Files.createDirectory(dir.resolve("masks"));
        float[] left = new float[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 4; x++) {
                left[y * 8 + x] = 1f;
            }
        }
        Files.write(dir.resolve("masks/a1_5.png"), ImageCodec.encodePng(new GrayImage(8, 8, 8, left), 8));
        Files.write(dir.resolve("masks/a1_7.png"), ImageCodec.encodePng(new GrayImage(8, 8, 8, new float[64]), 8));

        HpaDirectory hpa = HpaDirectory.open(dir);
        float[] masks = hpa.load(hpa.entries().get(0), 4).trueMasks();

        assertTrue(hpa.hasTrueMasks());
        assertEquals(HpaClasses.COUNT * 16, masks.length);
        float[] expected = new float[HpaClasses.COUNT * 16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 2; x++) {
                expected[5 * 16 + y * 4 + x] = 1f;
            }
        }
        assertArrayEquals(expected, masks);
    }

    @Test
    void shouldScanAFolderWithoutLabelsAsEveryIdWithARedStainInNameOrder() throws Exception {
        writeStains("b-field", 8);
        writeStains("a-field", 8);
        Files.writeString(dir.resolve("notes.txt"), "not a stain");

        HpaDirectory scanned = HpaDirectory.scan(dir);

        assertEquals(java.util.List.of("a-field", "b-field"), scanned.entries().stream().map(HpaEntry::id).toList());
        assertEquals(0, scanned.entries().get(0).labels().length);
        assertEquals(dir.resolve("b-field_green.png").toAbsolutePath().normalize(),
                scanned.stainPath(scanned.entries().get(1), Channel.GREEN));
        Files.delete(dir.resolve("b-field_yellow.png"));
        DatasetException missing = assertThrows(DatasetException.class, () -> HpaDirectory.scan(dir));
        assertTrue(missing.getMessage().contains("b-field_yellow.png"), missing.getMessage());
    }

    @Test
    void shouldScanAndLoadAFieldWhoseFourStainsAreTheChannelsOfOneOmeTiff() throws Exception {
        writeStains("a-field", 8);
        // channels in another order than the tensor's: each goes to its stain by name
        OmeTiffFixtures.write(dir.resolve("b-field.ome.tif"), "uint16", 8, 8, List.of("yellow", "red", "green", "blue"));

        HpaDirectory scanned = HpaDirectory.scan(dir);

        assertEquals(List.of("a-field", "b-field"), scanned.entries().stream().map(HpaEntry::id).toList());
        HpaEntry ome = scanned.entries().get(1);
        assertEquals(Optional.of(dir.resolve("b-field.ome.tif").toAbsolutePath().normalize()), scanned.omeTiffPath(ome));
        assertEquals(Optional.empty(), scanned.omeTiffPath(scanned.entries().get(0)));
        assertThrows(IllegalArgumentException.class, () -> scanned.stainPath(ome, Channel.RED));
        Map<Channel, GrayImage> stains = scanned.decodeStains(ome);
        assertEquals(16, stains.get(Channel.GREEN).bitDepth());
        // page 2 holds green: its pixel (1, 0) is (2·7919 + 17) mod 65536
        assertEquals(OmeTiffFixtures.value(2, 0, 1, 65536) / 65535f, stains.get(Channel.GREEN).pixels()[1], 1e-6f);
        float[] tensor = scanned.load(ome, 8).image();
        assertEquals(stains.get(Channel.YELLOW).mean(), mean(tensor, 3 * 64, 64), 1e-4);
    }

    @Test
    void shouldTrainOnOmeTiffFieldsListedInTrainCsvAndNameAnUnreadableOne() throws Exception {
        OmeTiffFixtures.write(dir.resolve("a.ome.tiff"), "uint8", 8, 8, List.of("red", "green", "blue", "yellow"));
        OmeTiffFixtures.write(dir.resolve("b.ome.tif"), "uint8", 8, 8, List.of("DAPI", "GFP", "Tubulin", "ER"));
        writeCsv("a,1", "b,2");

        HpaDirectory hpa = HpaDirectory.open(dir);

        assertEquals(8 * 8 * 4, hpa.load(hpa.entries().get(0), 8).image().length);
        DatasetException e = assertThrows(DatasetException.class, () -> hpa.load(hpa.entries().get(1), 8));
        assertTrue(e.getMessage().contains("b.ome.tif") && e.getMessage().contains("UNSUPPORTED_FORMAT"),
                e.getMessage());
    }

    @Test
    void shouldRefuseAFieldWithBothAnOmeTiffAndStainFiles() throws Exception {
        writeStains("a", 8);
        OmeTiffFixtures.write(dir.resolve("a.ome.tif"), "uint8", 8, 8, List.of("red", "green", "blue", "yellow"));

        DatasetException e = assertThrows(DatasetException.class, () -> HpaDirectory.scan(dir));

        assertTrue(e.getMessage().contains("both an OME-TIFF (a.ome.tif) and stain files"), e.getMessage());
    }

    private static double mean(float[] values, int from, int length) {
        double sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += values[i];
        }
        return sum / length;
    }

    @Test
    void shouldScanAFolderWithLabelsAsItsTrainCsv() throws Exception {
        writeStains("a-field", 8);
        writeStains("b-field", 8);
        writeCsv("b-field,3 5");

        HpaDirectory scanned = HpaDirectory.scan(dir);

        assertEquals(1, scanned.entries().size());
        assertArrayEquals(new int[] {3, 5}, scanned.entries().get(0).labels());
    }

    @Test
    void shouldNameTheMissingStainFile() throws Exception {
        writeCsv("a1,0", "b2,1");
        writeStains("a1", 8);
        writeStains("b2", 8);
        Files.delete(dir.resolve("b2_green.png"));

        DatasetException e = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));

        assertTrue(e.getMessage().contains("missing stain file") && e.getMessage().contains("b2_green.png"),
                e.getMessage());
    }

    @Test
    void shouldNameTheMissingMaskFile() throws Exception {
        writeCsv("a1,0 4");
        writeStains("a1", 8);
        Files.createDirectory(dir.resolve("masks"));
        Files.write(dir.resolve("masks/a1_0.png"), ImageCodec.encodePng(new GrayImage(8, 8, 8, new float[64]), 8));

        DatasetException e = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));

        assertTrue(e.getMessage().contains("missing mask file") && e.getMessage().contains("a1_4.png"), e.getMessage());
    }

    @Test
    void shouldNameTheRowOfEachBadLabelOrRow() throws Exception {
        assertOpenFails("line 3: unknown label 28 (classes are 0..27)", "a1,0", "b2,3 28");
        assertOpenFails("line 2: unknown label -1", "a1,-1");
        assertOpenFails("line 2: label 'x' is not a class index", "a1,0 x");
        assertOpenFails("line 2: label 4 appears twice", "a1,4 0 4");
        assertOpenFails("line 2: no labels", "a1,");
        assertOpenFails("line 3: expected 2 comma-separated fields (Id,Target), got 3", "a1,0", "b2,1,2");
        assertOpenFails("line 4: duplicate Id a1 (first on line 2)", "a1,0", "b2,1", "a1,2");
    }

    @Test
    void shouldRejectIdsThatCouldNameFilesOutsideTheDirectory() throws Exception {
        for (String id : new String[] {"../evil", "/etc/passwd", "a/b", "..", "a..b", "C:\\x", ".hidden", "a b"}) {
            assertOpenFails("line 2: Id '" + id + "' is not a safe file name", id + ",0");
        }
    }

    @Test
    void shouldRejectAMissingOrWrongHeader() throws Exception {
        DatasetException missing = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));
        assertTrue(missing.getMessage().contains("train.csv"), missing.getMessage());

        Files.writeString(dir.resolve("train.csv"), "Id;Target\n");
        DatasetException header = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));
        assertTrue(header.getMessage().contains("line 1: expected the header 'Id,Target'"), header.getMessage());

        assertThrows(DatasetException.class, () -> HpaDirectory.open(dir.resolve("absent")));
    }

    @Test
    void shouldNameTheUnreadableImageAndItsReason() throws Exception {
        writeCsv("a1,0");
        writeStains("a1", 8);
        Files.write(dir.resolve("a1_blue.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2});
        HpaDirectory hpa = HpaDirectory.open(dir);

        DatasetException e = assertThrows(DatasetException.class, () -> hpa.load(hpa.entries().get(0), 4));

        assertTrue(e.getMessage().contains("a1_blue.png") && e.getMessage().contains("TRUNCATED"), e.getMessage());
        assertEquals(Reason.TRUNCATED, assertInstanceOf(ImageDecodeException.class, e.getCause()).reason());
    }

    @Test
    void shouldRefuseStainsOfDifferentSizes() throws Exception {
        writeCsv("a1,0");
        writeStains("a1", 8);
        writeStain("a1", Channel.RED, 9, 0.5f);
        HpaDirectory hpa = HpaDirectory.open(dir);

        DatasetException e = assertThrows(DatasetException.class, () -> hpa.load(hpa.entries().get(0), 4));

        assertTrue(e.getMessage().contains("sample a1") && e.getMessage().contains("DIMENSION_MISMATCH"),
                e.getMessage());
    }

    @Test
    void shouldLoadARealFullSizeField() throws Exception {
        String id = "5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0";
        Path real = TestImages.fullSizeDir();
        for (Channel channel : Channel.values()) {
            String name = id + "_" + channel.fileSuffix() + ".png";
            Files.createSymbolicLink(dir.resolve(name), real.resolve(name).toAbsolutePath());
        }
        writeCsv(id + ",11 5 0");

        HpaDirectory hpa = HpaDirectory.open(dir);
        LoadedSample sample = hpa.load(hpa.entries().get(0), 128);

        assertEquals(4 * 128 * 128, sample.image().length);
        assertArrayEquals(new int[] {11, 5, 0}, sample.labels());
        double green = 0;
        for (int i = 0; i < 128 * 128; i++) {
            green += sample.image()[128 * 128 + i];
        }
        GrayImage direct = ImageCodec.decode(Files.readAllBytes(real.resolve(id + "_green.png")),
                DecodeLimits.defaults());
        assertEquals(direct.mean(), green / (128 * 128), 1e-5);
    }

    private void assertOpenFails(String expected, String... rows) throws IOException {
        writeCsv(rows);
        DatasetException e = assertThrows(DatasetException.class, () -> HpaDirectory.open(dir));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
