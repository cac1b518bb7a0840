package io.tunet.imaging.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.TestImages;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FieldQcTest {

    private static final GrayImage[] GOOD = QcFields.field(512, 16, 1);

    @Test
    void shouldRaiseNoFlagOnASharpWellExposedField() {
        QcReport report = QcFields.measure(GOOD);

        assertEquals(Set.of(), report.flags());
        assertTrue(report.passed());
        assertEquals(16, report.nuclei());
        assertTrue(report.focus() > QcSettings.defaults().minFocus(), "focus " + report.focus());
    }

    @Test
    void shouldNotCallAProteinDimWhenItIsBrightButSparse() {
        // six small dots per cell: under 1% of the field, so the 99th percentile is background
        QcReport report = QcFields.measure(GOOD);

        assertTrue(report.stain(Channel.GREEN).p99() < QcSettings.defaults().minP999());
        assertFalse(report.flags().contains(QcFlag.DIM_GREEN));
    }

    @Test
    void shouldFlagOutOfFocusWhenTheFieldIsBlurred() {
        QcReport report = QcFields.measure(QcFields.map(GOOD, s -> QcFields.blurred(s, 3)));

        assertEquals(Set.of(QcFlag.OUT_OF_FOCUS), report.flags());
        assertEquals(16, report.nuclei(), "blur does not lose the nuclei");
    }

    @Test
    void shouldMeasureFocusIndependentlyOfBrightness() {
        double sharp = QcFields.measure(GOOD).focus();
        double dimmer = QcFields.measure(QcFields.with(GOOD, Channel.BLUE, s -> QcFields.scaled(s, 0.4f))).focus();

        assertEquals(sharp, dimmer, sharp * 0.05);
    }

    @Test
    void shouldFlagEmptyButNotOutOfFocusWhenThereAreNoNuclei() {
        GrayImage[] backgroundAndNoise = QcFields.field(512, 0, 2);

        QcReport report = QcFields.measure(backgroundAndNoise);

        assertTrue(report.flags().contains(QcFlag.EMPTY), report.flags().toString());
        assertFalse(report.flags().contains(QcFlag.OUT_OF_FOCUS), report.flags().toString());
        assertEquals(0, report.nuclei());
        assertEquals(0, report.foregroundFraction(), 0.001);
    }

    @Test
    void shouldFlagEmptyOnABlankField() {
        QcReport report = QcFields.measure(QcFields.map(GOOD, s -> QcFields.blank(s, 0f)));

        assertTrue(report.flags().contains(QcFlag.EMPTY), report.flags().toString());
        assertEquals(0, report.nuclei());
        assertEquals(0, report.focus());
    }

    @Test
    void shouldNotCountDebrisAsNuclei() {
        GrayImage[] specks = QcFields.with(QcFields.field(512, 0, 3), Channel.BLUE, s -> {
            float[] pixels = s.pixels().clone();
            for (int i = 0; i < 40; i++) {
                int x = 10 + (i % 8) * 60;
                int y = 10 + (i / 8) * 90;
                for (int dy = 0; dy < 5; dy++) {
                    for (int dx = 0; dx < 5; dx++) {
                        pixels[(y + dy) * 512 + x + dx] = QcFields.NUCLEUS;
                    }
                }
            }
            return new GrayImage(512, 512, 8, pixels);
        });

        QcReport report = QcFields.measure(specks);

        assertEquals(0, report.nuclei(), "25-pixel specks are below minNucleusArea");
        assertTrue(report.flags().contains(QcFlag.EMPTY));
    }

    @Test
    void shouldFlagSaturatedWhenMoreThanOnePercentOfAStainIsAtTheMaximum() {
        QcReport atTwoPercent = QcFields.measure(QcFields.with(GOOD, Channel.YELLOW, s -> withMaxima(s, 0.02)));
        QcReport atHalfAPercent = QcFields.measure(QcFields.with(GOOD, Channel.YELLOW, s -> withMaxima(s, 0.005)));

        assertEquals(Set.of(QcFlag.SATURATED), atTwoPercent.flags());
        assertEquals(0.02, atTwoPercent.stain(Channel.YELLOW).saturatedFraction(), 1e-4);
        assertEquals(Set.of(), atHalfAPercent.flags());
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void shouldFlagAStainWhoseBrightestPixelsAreFaint(Channel channel) {
        QcReport report = QcFields.measure(QcFields.with(GOOD, channel, s -> QcFields.scaled(s, 0.05f)));

        assertEquals(Set.of(QcFlag.dim(channel)), report.flags());
        assertTrue(report.stain(channel).p999() < QcSettings.defaults().minP999());
    }

    @Test
    void shouldReadTheSameSceneAlikeWhateverItsStoredSize() {
        QcReport stored512 = QcFields.measure(GOOD);
        QcReport stored2048 = QcFields.measure(QcFields.map(GOOD, s -> QcFields.enlarged(s, 4)));

        assertEquals(stored512.focus(), stored2048.focus(), 1e-4);
        assertEquals(stored512.foregroundFraction(), stored2048.foregroundFraction(), 1e-9);
        assertEquals(stored512.nuclei(), stored2048.nuclei());
        assertEquals(stored512.stains(), stored2048.stains());
        assertEquals(stored512.flags(), stored2048.flags());
    }

    @Test
    void shouldMeasureAFieldThatIsNotSquare() {
        GrayImage[] wide = new GrayImage[4];
        for (int c = 0; c < 4; c++) {
            GrayImage left = GOOD[c];
            float[] pixels = new float[1024 * 512];
            for (int y = 0; y < 512; y++) {
                System.arraycopy(left.pixels(), y * 512, pixels, y * 1024, 512);
                System.arraycopy(left.pixels(), y * 512, pixels, y * 1024 + 512, 512);
            }
            wide[c] = QcFields.enlarged(new GrayImage(1024, 512, 8, pixels), 2);
        }

        QcReport report = QcFields.measure(wide);

        assertEquals(32, report.nuclei(), "two copies of the 16-nucleus field side by side");
        assertEquals(Set.of(), report.flags());
    }

    @Test
    void shouldTakeExactPercentilesAndCountSaturationAtTheBitDepth() {
        float[] pixels = new float[100 * 100];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / 65535f; // levels 0..9999 of 16 bits, once each
        }
        pixels[0] = 1f;
        pixels[1] = 65534 / 65535f; // one level short of the maximum: not saturated

        StainStats stats = FieldQc.stainStats(new GrayImage(100, 100, 16, pixels));

        assertEquals(1e-4, stats.saturatedFraction(), 1e-12);
        assertEquals(101 / 65535.0, stats.p1(), 1e-9, "the 100th smallest of 2..9999 and two large values");
        assertEquals(5001 / 65535.0, stats.p50(), 1e-9);
        assertEquals(9901 / 65535.0, stats.p99(), 1e-9);
        assertEquals(9991 / 65535.0, stats.p999(), 1e-9);
    }

    @Test
    void shouldRefuseStainsOfDifferentSizes() {
        GrayImage square = TestImages.constant(32, 32, 0f);
        GrayImage wide = TestImages.constant(33, 32, 0f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldQc.measure(square, square, wide, square));

        assertTrue(e.getMessage().contains("the blue stain is 33x32 but the red stain is 32x32"), e.getMessage());
    }

    @Test
    void shouldRefuseAMissingStain() {
        GrayImage square = TestImages.constant(32, 32, 0f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldQc.measure(square, null, square, square));

        assertEquals("field QC needs all four stains: the green stain is missing", e.getMessage());
    }

    @Test
    void shouldRefuseMissingSettingsAndUnknownBitDepths() {
        GrayImage square = TestImages.constant(32, 32, 0f);
        GrayImage thirtyTwoBits = new GrayImage(32, 32, 32, new float[32 * 32]);

        IllegalArgumentException noSettings = assertThrows(IllegalArgumentException.class,
                () -> FieldQc.measure(square, square, square, square, null));
        IllegalArgumentException badDepth = assertThrows(IllegalArgumentException.class,
                () -> FieldQc.measure(square, square, square, thirtyTwoBits));

        assertTrue(noSettings.getMessage().contains("settings"), noSettings.getMessage());
        assertTrue(badDepth.getMessage().contains("yellow stain has bit depth 32"), badDepth.getMessage());
    }

    @Test
    void shouldRefuseThresholdsOutsideTheirRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new QcSettings(60, 0.02, 1, 0.002, 5.0, 1.5, 0.06));

        assertEquals("maxSaturatedFraction must be in 0..1, got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new QcSettings(0, 0.02, 1, 0.002, 5.0, 0.01, 0.06));
        assertThrows(IllegalArgumentException.class, () -> new QcSettings(60, 0.02, 1, 0.002, Double.NaN, 0.01, 0.06));
    }

    @Test
    void shouldHandOutAnUnmodifiableReport() {
        QcReport report = QcFields.measure(QcFields.with(GOOD, Channel.GREEN, s -> QcFields.scaled(s, 0.05f)));

        assertThrows(UnsupportedOperationException.class, () -> report.flags().clear());
        assertThrows(UnsupportedOperationException.class, () -> report.stains().clear());
        assertEquals(report.stains().get(Channel.GREEN.ordinal()), report.stain(Channel.GREEN));
    }

    /** The stain with every {@code 1 / fraction}-th pixel at the maximum. */
    private static GrayImage withMaxima(GrayImage s, double fraction) {
        float[] pixels = s.pixels().clone();
        int step = (int) Math.round(1 / fraction);
        for (int i = 0; i < pixels.length; i += step) {
            pixels[i] = 1f;
        }
        return new GrayImage(s.width(), s.height(), s.bitDepth(), pixels);
    }
}
