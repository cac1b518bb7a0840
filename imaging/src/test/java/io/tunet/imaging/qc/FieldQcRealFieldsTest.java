package io.tunet.imaging.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Field QC on the two real full-size HPA fields of the shared data folder (2048² and 3072², both good fields):
 * no flag as stored, and the right flag on each spoiled copy.
 */
class FieldQcRealFieldsTest {

    private static final Map<String, GrayImage[]> DECODED = new ConcurrentHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldRaiseNoFlagOnAGoodRealField(String id) throws Exception {
        QcReport report = QcFields.measure(real(id));

        assertEquals(Set.of(), report.flags(), report.toString());
        assertTrue(report.nuclei() >= 8, "nuclei " + report.nuclei());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldFlagABlurredCopyOutOfFocus(String id) throws Exception {
        GrayImage[] field = real(id);
        // σ = 3 pixels at the working size, whatever the stored size
        double sigma = 3.0 * field[0].width() / FieldQc.WORKING_SIZE;

        QcReport report = QcFields.measure(QcFields.map(field, s -> QcFields.blurred(s, sigma)));

        assertEquals(Set.of(QcFlag.OUT_OF_FOCUS), report.flags(), report.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldFlagACopyWithGreenScaledDownAsDimGreen(String id) throws Exception {
        QcReport report = QcFields.measure(QcFields.with(real(id), Channel.GREEN, s -> QcFields.scaled(s, 0.05f)));

        assertEquals(Set.of(QcFlag.DIM_GREEN), report.flags(), report.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldFlagAClippedCopyAsSaturated(String id) throws Exception {
        // four times the exposure: everything above a quarter of the range clips
        QcReport report = QcFields.measure(QcFields.map(real(id), s -> QcFields.scaled(s, 4f)));

        assertEquals(Set.of(QcFlag.SATURATED), report.flags(), report.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "a7faf0b4-bb99-11e8-b2b9-ac1f6b6435d0"})
    void shouldFlagABlankCopyAsEmpty(String id) throws Exception {
        QcReport report = QcFields.measure(QcFields.map(real(id), s -> QcFields.blank(s, s.pixels()[0])));

        assertTrue(report.flags().contains(QcFlag.EMPTY), report.toString());
        assertFalse(report.flags().contains(QcFlag.OUT_OF_FOCUS), report.toString());
        assertEquals(0, report.nuclei());
    }

    /** The four stains as decoded, once per class: the transforms copy, never write into them. */
    private static GrayImage[] real(String id) throws Exception {
        GrayImage[] cached = DECODED.get(id);
        if (cached != null) {
            return cached;
        }
        GrayImage[] stains = new GrayImage[4];
        for (Channel channel : Channel.values()) {
            Path file = TestImages.fullSizeDir().resolve(id + "_" + channel.fileSuffix() + ".png");
            byte[] bytes = Files.readAllBytes(file);
            stains[channel.ordinal()] = ImageCodec.decode(bytes, DecodeLimits.defaults(), channel);
        }
        DECODED.put(id, stains);
        return stains;
    }
}
