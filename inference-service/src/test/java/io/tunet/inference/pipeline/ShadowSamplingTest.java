package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShadowSamplingTest {

    /** Sequential ids, as a plate's fields are named: what String.hashCode's low bits would spread badly. */
    private static final List<String> IDS = IntStream.range(0, 20_000).mapToObj(i -> "plate-7/B03/" + i).toList();

    @Test
    void shouldShadowNoSampleAtZeroAndEverySampleAtOne() {
        assertThat(IDS).noneMatch(id -> ShadowSampling.picks(id, 0));
        assertThat(IDS).allMatch(id -> ShadowSampling.picks(id, 1));
    }

    @Test
    void shouldShadowAboutTheFractionOfSequentialIdsAndTheSameOnesEveryTime() {
        List<String> first = IDS.stream().filter(id -> ShadowSampling.picks(id, 0.25)).toList();
        List<String> second = IDS.stream().filter(id -> ShadowSampling.picks(id, 0.25)).toList();

        // 20,000 draws at p = 0.25: the standard deviation of the share is 0.003
        assertThat(first.size() / (double) IDS.size()).isBetween(0.235, 0.265);
        assertThat(second).isEqualTo(first);
        // each tenth of the ids (consecutive numbers) gets its share too, not only the whole
        for (int part = 0; part < 10; part++) {
            List<String> tenth = IDS.subList(part * 2000, (part + 1) * 2000);
            long picked = tenth.stream().filter(id -> ShadowSampling.picks(id, 0.25)).count();
            assertThat(picked / 2000.0).as("tenth %d", part).isBetween(0.2, 0.3);
        }
    }

    @Test
    void shouldKeepASamplesPositionAcrossReleases() {
        // a replay by the next release must shadow the same samples: the rule is the first 8 bytes of SHA-256
        // (sha256("sample-1") starts 0899cd856fba9b13; 0x0899cd856fba9b13 / 2^64 = 0.033596844...)
        assertThat(ShadowSampling.position("sample-1")).isBetween(0.0335968, 0.0335969);
        assertThat(ShadowSampling.picks("sample-1", 0.034)).isTrue();
        assertThat(ShadowSampling.picks("sample-1", 0.033)).isFalse();
    }

    @Test
    void shouldRefuseAFractionOutsideZeroToOneNamingTheSetting() {
        for (double bad : new double[] {-0.01, 1.0001, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> PipelineSettings.defaults("localhost:9092", "g").withShadowFraction(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("inference.shadow.fraction")
                    .hasMessageContaining(String.valueOf(bad));
        }
        assertThat(PipelineSettings.defaults("localhost:9092", "g").withShadowFraction(0.3).shadowFraction())
                .isEqualTo(0.3);
        assertThat(PipelineSettings.defaults("localhost:9092", "g").shadowFraction()).isZero();
    }
}
