package io.tunet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DiceTest {

    @Test
    void shouldComputeHardDiceByHand() {
        assertEquals(0.5, Dice.dice(new byte[] {1, 1, 0, 0}, new byte[] {1, 0, 1, 0}), 1e-12);
        assertEquals(2.0 * 2 / (3 + 2), Dice.dice(new byte[] {1, 1, 1, 0}, new byte[] {1, 1, 0, 0}), 1e-12);
        assertEquals(0.0, Dice.dice(new byte[] {1, 0}, new byte[] {0, 1}), 1e-12);
    }

    @Test
    void shouldScoreTwoEmptyMasksAsPerfect() {
        assertEquals(1.0, Dice.dice(new byte[5], new byte[5]));
        assertEquals(0.0, Dice.dice(new byte[] {0, 1}, new byte[2]));
    }

    @Test
    void shouldComputeSoftDiceWithSmoothing() {
        float[] p = {0.5f, 0.5f};
        float[] y = {1, 0};

        assertEquals(2 * 0.5 / (1 + 1), Dice.soft(p, y, 0), 1e-9);
        assertEquals((2 * 0.5 + 1) / (1 + 1 + 1), Dice.soft(p, y, 1), 1e-9);
        assertEquals(1.0, Dice.soft(new float[3], new float[3], 1e-6), 1e-12);
        assertEquals(1.0, Dice.soft(new float[3], new float[3], 0), 1e-12);
    }

    @Test
    void shouldRejectMasksOfDifferentLengths() {
        assertThrows(IllegalArgumentException.class, () -> Dice.dice(new byte[2], new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> Dice.soft(new float[2], new float[3], 1));
        assertThrows(IllegalArgumentException.class, () -> Dice.soft(new float[2], new float[2], -1));
    }
}
