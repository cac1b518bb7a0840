package io.tunet.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosineWarmRestartsTest {

    private final CosineWarmRestarts schedule = new CosineWarmRestarts(1f, 0.1f, 4, 2);

    @Test
    void shouldFallAlongHalfACosineWithinTheFirstCycle() {
        assertEquals(1f, schedule.getNewValue(1), 1e-6f);
        // update 3 is t = 2/4: 0.1 + 0.45 · (1 + cos(π/2)) = 0.55
        assertEquals(0.55f, schedule.getNewValue(3), 1e-6f);
        // update 4, the cycle's last, is t = 3/4: 0.1 + 0.45 · (1 − √2/2) = 0.231802
        assertEquals(0.231802f, schedule.getNewValue(4), 1e-6f);
    }

    @Test
    void shouldRestartAtThePeakWithCyclesDoublingInLength() {
        assertEquals(1f, schedule.getNewValue(5), 1e-6f);
        // second cycle has 8 updates (5 to 12): update 9 is t = 4/8 → 0.55
        assertEquals(0.55f, schedule.getNewValue(9), 1e-6f);
        assertEquals(1f, schedule.getNewValue(13), 1e-6f);
    }

    /** DJL's Adam numbers its updates from 1, which is what the schedule reads. */
    @Test
    void adamShouldNumberItsUpdatesFromOne() {
        List<Integer> seen = new ArrayList<>();
        Tracker recording = numUpdate -> {
            seen.add(numUpdate);
            return 1e-3f;
        };
        Optimizer adam = Optimizer.adam().optLearningRateTracker(recording).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.ones(new Shape(3));
            for (int i = 0; i < 3; i++) {
                adam.update("w", weight, manager.ones(new Shape(3)));
            }
        }
        assertEquals(List.of(1, 2, 3), seen);
    }

    @Test
    void shouldRefuseInvalidRatesAndLengths() {
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestarts(0.1f, 1f, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestarts(1f, 0f, 0, 2));
    }
}
