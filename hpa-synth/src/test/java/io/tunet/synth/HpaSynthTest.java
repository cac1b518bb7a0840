package io.tunet.synth;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HpaSynthTest {

    private static final HpaSynth SYNTH = HpaSynth.builder().size(128).build();

    @Test
    void shouldGiveTheSameFieldForTheSameSeedAndIndexWhateverTheOrderOrThread() {
        SynthField first = SYNTH.generate(5, 3);
        for (int i = 0; i < 5; i++) {
            SYNTH.generate(9, i);
        }
        List<SynthField> parallel = IntStream.range(0, 8).parallel().mapToObj(i -> SYNTH.generate(5, 3)).toList();
        SynthField fresh = HpaSynth.builder().size(128).build().generate(5, 3);
        for (SynthField other : parallel) {
            assertSameField(first, other);
        }
        assertSameField(first, fresh);
    }

    @Test
    void timedGenerationShouldGiveTheSameFieldAndChargeEveryStage() {
        long[] nanos = new long[HpaSynth.Stage.values().length];
        SynthField timed = SYNTH.generateTimed(5, 3, nanos);
        assertSameField(SYNTH.generate(5, 3), timed);
        assertTrue(java.util.Arrays.stream(nanos).sum() > 0, "no time charged at all");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SYNTH.generateTimed(5, 3, new long[2]));
        assertTrue(e.getMessage().contains("one slot per stage (7)"), e.getMessage());
    }

    @Test
    void withOpticsShouldGiveWhatTheBuilderGivesWithThoseOptics() {
        HpaSynth balanced = HpaSynth.builder().size(128).cellsPerField(7).bitDepth(16).labelMode(LabelMode.BALANCED).build();
        Optics blurred = Optics.defaults().withBlurSigma(3);
        HpaSynth built = HpaSynth.builder().size(128).cellsPerField(7).bitDepth(16).labelMode(LabelMode.BALANCED)
                .optics(blurred).build();
        HpaSynth copied = balanced.withOptics(blurred);

        assertEquals(blurred, copied.optics());
        assertEquals(LabelMode.BALANCED, copied.labelMode());
        for (int i = 0; i < 3; i++) {
            assertSameField(built.generate(4, i), copied.generate(4, i));
        }
        assertFalse(java.util.Arrays.equals(balanced.generate(4, 0).stain(Stain.BLUE), copied.generate(4, 0).stain(Stain.BLUE)),
                "other optics, other pixels");
        assertSameField(balanced.generate(4, 0), balanced.withOptics(balanced.optics()).generate(4, 0));
    }

    @Test
    void shouldGiveDifferentFieldsForDifferentIndicesOrSeeds() {
        SynthField a = SYNTH.generate(5, 3);
        assertFalse(java.util.Arrays.equals(a.stain(Stain.BLUE), SYNTH.generate(5, 4).stain(Stain.BLUE)));
        assertFalse(java.util.Arrays.equals(a.stain(Stain.BLUE), SYNTH.generate(6, 3).stain(Stain.BLUE)));
        assertNotEquals(a.id(), SYNTH.generate(5, 4).id());
    }

    @Test
    void shouldDrawTheSameLabelsForAnIndexAtEverySize() {
        HpaSynth big = HpaSynth.builder().size(512).build();
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(SYNTH.labels(1, i), big.labels(1, i));
            assertArrayEquals(SYNTH.labels(1, i), SYNTH.generate(1, i).labels());
        }
    }

    @Test
    void shouldReturnOneMaskPerLabelAndStainsInTheUnitRange() {
        SynthField f = SYNTH.generate(2, 0, 25, 0, 21);
        assertArrayEquals(new int[] {0, 21, 25}, f.labels());
        assertEquals(List.of(0, 21, 25), List.copyOf(f.masks().keySet()));
        for (Stain s : Stain.values()) {
            for (float v : f.stain(s)) {
                assertTrue(v >= 0 && v <= 1, "intensity " + v);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.mask(7));
        assertTrue(e.getMessage().contains("Golgi"), e.getMessage());
    }

    @Test
    void trueMasksShouldBeExactlyWhereTheSpecificGreenSignalIsWithoutOptics() {
        HpaSynth clean = HpaSynth.builder().size(128).optics(Optics.defaults().noiseless()).build();
        for (int i = 0; i < 10; i++) {
            SynthField f = clean.generate(8, i);
            float[] green = f.stain(Stain.GREEN);
            float background = (float) Optics.defaults().background()[Stain.GREEN.ordinal()];
            for (int p = 0; p < green.length; p++) {
                boolean inMask = false;
                for (BinaryMask m : f.masks().values()) {
                    inMask |= m.contains(p);
                }
                // Mask pixels carry at least MASK_LEVEL of signal; elsewhere there is at most the haze.
                assertEquals(inMask, green[p] > background + 7.5f / 255, f + " pixel " + p);
            }
        }
    }

    @Test
    void shouldWriteSixteenBitRastersWhenAsked() throws java.io.IOException {
        SynthField f = HpaSynth.builder().size(128).bitDepth(16).build().generate(1, 1);
        int max = IntStream.of(f.raster(Stain.BLUE)).max().orElseThrow();
        assertTrue(max > 255 && max <= 65535, "max " + max);
        assertEquals(BufferedImage.TYPE_USHORT_GRAY, f.image(Stain.BLUE).getType());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, SYNTH.generate(1, 1).image(Stain.BLUE).getType());
        BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(f.png(Stain.BLUE)));
        assertEquals(16, decoded.getColorModel().getComponentSize(0));
        assertArrayEquals(f.raster(Stain.BLUE), decoded.getRaster().getSamples(0, 0, 128, 128, 0, (int[]) null));
        float[] blue = f.stain(Stain.BLUE);
        int[] raster = f.raster(Stain.BLUE);
        for (int i = 0; i < blue.length; i++) {
            assertEquals(raster[i], blue[i] * 65535, 1e-2);
        }
    }

    @Test
    void shouldStackTheStainsChannelsFirstInModelOrder() {
        SynthField f = SYNTH.generate(3, 3);
        float[] t = f.toChannelsFirst();
        int n = 128 * 128;
        assertEquals(4 * n, t.length);
        for (Stain s : Stain.values()) {
            assertArrayEquals(f.stain(s), java.util.Arrays.copyOfRange(t, s.ordinal() * n, (s.ordinal() + 1) * n));
        }
    }

    @Test
    void shouldScaleCellCountWithSize() {
        assertEquals(18, HpaSynth.builder().size(512).build().cellsPerField());
        assertEquals(72, HpaSynth.builder().size(2048).build().cellsPerField());
        assertEquals(5, HpaSynth.builder().size(128).build().cellsPerField());
        assertEquals(9, HpaSynth.builder().size(128).cellsPerField(9).build().cellsPerField());
    }

    @Test
    void shouldRejectBadConfigurationWithTheReason() {
        assertMessage(() -> HpaSynth.builder().size(63), "size");
        assertMessage(() -> HpaSynth.builder().size(4096), "size");
        assertMessage(() -> HpaSynth.builder().bitDepth(12), "bit depth");
        assertMessage(() -> HpaSynth.builder().cellsPerField(0), "cellsPerField");
        assertMessage(() -> HpaSynth.builder().size(64).cellsPerField(100).build(), "too many");
        assertMessage(() -> SYNTH.generate(1, 1, 28), "28");
        assertMessage(() -> SYNTH.generate(1, 1, new int[0]), "at least one label");
        assertMessage(() -> Optics.defaults().withBlurSigma(-1), "blurSigma");
    }

    private static void assertMessage(Runnable r, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    static void assertSameField(SynthField a, SynthField b) {
        assertEquals(a.id(), b.id());
        assertArrayEquals(a.labels(), b.labels());
        for (Stain s : Stain.values()) {
            assertArrayEquals(a.stain(s), b.stain(s), s.name());
        }
        assertEquals(a.masks(), b.masks());
    }
}
