package io.tunet.imaging.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.hpa.SplitAssigner.Split;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitAssignerTest {

    @Test
    void shouldPlaceAnIdByItsHashAlone() {
        // SHA-256("abc") starts ba7816bf8f01cfea: its top 53 bits / 2^53 = 0.72839...; pinned so that a
        // change of algorithm, which would reshuffle every saved validation split, fails here
        assertTrue(SplitAssigner.isValidation("abc", 0.73));
        assertFalse(SplitAssigner.isValidation("abc", 0.72));
    }

    @Test
    void shouldSplitTheRequestedFractionAndGrowByAddingOnly() {
        List<HpaEntry> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add(new HpaEntry("sample-" + i, new int[] {i % 28}));
        }

        Split tenth = SplitAssigner.split(entries, 0.1);
        Split fifth = SplitAssigner.split(entries, 0.2);

        assertEquals(entries.size(), tenth.train().size() + tenth.validation().size());
        double fraction = tenth.validation().size() / (double) entries.size();
        assertTrue(fraction > 0.09 && fraction < 0.11, "validation fraction " + fraction);
        assertTrue(new java.util.HashSet<>(fifth.validation()).containsAll(tenth.validation()));
        assertEquals(tenth.validation(), SplitAssigner.split(entries, 0.1).validation());
        assertEquals(0, SplitAssigner.split(entries, 0).validation().size());
        assertEquals(entries.size(), SplitAssigner.split(entries, 1).validation().size());
    }

    @Test
    void shouldRejectFractionsOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> SplitAssigner.isValidation("a", 1.5));
        assertThrows(IllegalArgumentException.class, () -> SplitAssigner.isValidation("a", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SplitAssigner.isValidation(null, 0.1));
    }
}
