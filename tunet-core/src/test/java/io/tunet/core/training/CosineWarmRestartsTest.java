package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CosineWarmRestartsTest {

    private final CosineWarmRestarts schedule = new CosineWarmRestarts(1f, 0.1f, 4, 2);

    @Test
    void shouldFallAlongHalfACosineWithinTheFirstCycle() {
        assertEquals(1f, schedule.getNewValue(0), 1e-6f);
        // t = 2/4: 0.1 + 0.45 · (1 + cos(π/2)) = 0.55
        assertEquals(0.55f, schedule.getNewValue(2), 1e-6f);
        // t = 3/4: 0.1 + 0.45 · (1 − √2/2) = 0.231802
        assertEquals(0.231802f, schedule.getNewValue(3), 1e-6f);
    }

    @Test
    void shouldRestartAtThePeakWithCyclesDoublingInLength() {
        assertEquals(1f, schedule.getNewValue(4), 1e-6f);
        // second cycle has 8 updates: update 8 is t = 4/8 → 0.55
        assertEquals(0.55f, schedule.getNewValue(8), 1e-6f);
        assertEquals(1f, schedule.getNewValue(12), 1e-6f);
    }

    @Test
    void shouldRefuseInvalidRatesAndLengths() {
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestarts(0.1f, 1f, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestarts(1f, 0f, 0, 2));
    }
}
