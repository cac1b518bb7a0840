package io.tunet.results.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** The PSI sampling alone reaches: high for a small plate, under the 0.25 threshold for a large one, reproducible. */
class ChanceLevelTest {

    @Test
    void shouldFallWithThePlateSizeBelowTheThresholdForLargePlatesAndRepeatItself() {
        double[] tenEqualBins = new double[10];
        Arrays.fill(tenEqualBins, 0.1);
        ChanceLevel chance = new ChanceLevel();
        int[] sizes = {20, 32, 100, 300, 1000, 3000};
        double[] levels = Arrays.stream(sizes).mapToDouble(n -> chance.of(tenEqualBins, n, Integer.MAX_VALUE)).toArray();
        StringBuilder table = new StringBuilder("chance level (PSI, 10 equal bins):");
        for (int i = 0; i < sizes.length; i++) {
            table.append(String.format(Locale.ROOT, " n=%d %.3f;", sizes[i], levels[i]));
        }
        System.out.println(table);

        for (int i = 1; i < levels.length; i++) {
            assertThat(levels[i]).as(table.toString()).isLessThan(levels[i - 1]);
        }
        assertThat(levels[1]).as("32 fields").isGreaterThan(0.25);
        assertThat(levels[levels.length - 1]).as("3000 fields").isLessThan(0.25);
        assertThat(new ChanceLevel().of(tenEqualBins, 32, Integer.MAX_VALUE)).isEqualTo(levels[1]);
        // a reference of 40 fields is a sample too: a normal plate strays further from it by chance
        assertThat(chance.of(tenEqualBins, 32, 40)).isGreaterThan(levels[1]);
        assertThat(chance.of(tenEqualBins, 32, 20_000)).isCloseTo(levels[1], org.assertj.core.data.Offset.offset(0.1));
    }
}
