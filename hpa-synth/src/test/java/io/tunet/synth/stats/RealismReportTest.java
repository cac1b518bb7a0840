package io.tunet.synth.stats;

import io.tunet.synth.HpaSynth;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealismReportTest {

    @Test
    void defaultFieldsAt512ShouldLandInTheRealHpaRanges() {
        RealismReport report = RealismReport.measure(HpaSynth.builder().size(512).build(), 1, 24);
        assertTrue(report.allMediansOnTarget(), report.toText());
        for (RealismReport.Row row : report.rows()) {
            assertTrue(row.insideFraction() >= 0.85, row.figure() + "\n" + report.toText());
        }
    }

    @Test
    void shouldCountNucleiAndMeasureIntensities() {
        int size = 64;
        float[][] stains = new float[4][size * size];
        // Two 10x10 nuclei on a dark background.
        for (int y = 10; y < 20; y++) {
            for (int x = 10; x < 20; x++) {
                stains[2][y * size + x] = 0.8f;
                stains[2][(y + 30) * size + x + 30] = 0.6f;
            }
        }
        stains[0][0] = 1f;
        RealismStats s = RealismStats.measure(stains, size);
        assertEquals(2, s.nuclei());
        assertEquals(100, s.medianNucleusArea());
        assertEquals(200.0 / (size * size), s.otsuForeground()[2], 1e-9);
        assertEquals(1.0 / (size * size), s.mean()[0], 1e-6);
    }
}
