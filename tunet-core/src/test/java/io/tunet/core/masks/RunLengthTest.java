package io.tunet.core.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunLengthTest {

    @Test
    void shouldEncodeAlternatingRunsStartingWithZeros() {
        assertArrayEquals(new int[] {2, 3, 1}, RunLength.encode(new byte[] {0, 0, 1, 1, 1, 0}));
        assertArrayEquals(new int[] {0, 2, 1}, RunLength.encode(new byte[] {1, 1, 0}));
        assertArrayEquals(new int[] {4}, RunLength.encode(new byte[4]));
        assertArrayEquals(new int[] {0, 2}, RunLength.encode(new byte[] {1, 1}));
        assertArrayEquals(new int[0], RunLength.encode(new byte[0]));
    }

    @Test
    void shouldRoundTripRandomMasks() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            byte[] mask = new byte[random.nextInt(1, 500)];
            double density = random.nextDouble();
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextDouble() < density ? (byte) 1 : 0;
            }
            assertArrayEquals(mask, RunLength.decode(RunLength.encode(mask), mask.length));
        }
    }

    @Test
    void shouldRejectMalformedRunsNamingTheProblem() {
        assertMessage("negative", () -> RunLength.decode(new int[] {2, -1, 3}, 4));
        assertMessage("run 2 is empty", () -> RunLength.decode(new int[] {2, 1, 0, 1}, 4));
        assertMessage("cover 5 pixels but the mask has 4", () -> RunLength.decode(new int[] {2, 3}, 4));
        assertMessage("cover 3 pixels but the mask has 4", () -> RunLength.decode(new int[] {2, 1}, 4));
        assertMessage("index 1 is 2", () -> RunLength.encode(new byte[] {0, 2}));
        assertMessage("required", () -> RunLength.decode(null, 4));
    }

    @Test
    void shouldNotOverflowOnHugeRuns() {
        assertMessage("cover 4294967294 pixels",
                () -> RunLength.decode(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, 10));
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
