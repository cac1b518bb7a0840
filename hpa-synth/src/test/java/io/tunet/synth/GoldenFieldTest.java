package io.tunet.synth;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the generator's output: the HPA-Synth v1 benchmark is only comparable across runs and machines if
 * field (seed, index) never changes silently.
 */
class GoldenFieldTest {

    private static final Map<Integer, String> DIGEST_OF_VERSION = Map.of(
            1, "5e0864e77fc557d25164dfd94cad05c6946033fa4def088ac26172a6bb4cb384");

    @Test
    void shouldStillProduceTheFieldsOfItsVersion() throws NoSuchAlgorithmException {
        HpaSynth synth = HpaSynth.builder().size(128).build();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int[] allClasses = java.util.stream.IntStream.range(0, io.tunet.schemas.HpaClasses.COUNT).toArray();
        for (int i = 0; i < 5; i++) {
            // Four fields with drawn labels, and one with every class so that every pattern is pinned.
            SynthField f = i < 4 ? synth.generate(1, i) : synth.generate(1, i, allClasses);
            for (Stain s : Stain.values()) {
                for (int v : f.raster(s)) {
                    md.update((byte) v);
                }
            }
            for (Map.Entry<Integer, BinaryMask> e : f.masks().entrySet()) {
                md.update((byte) (int) e.getKey());
                md.update(e.getValue().toGray255());
            }
        }
        assertEquals(DIGEST_OF_VERSION.get(HpaSynth.VERSION), HexFormat.of().formatHex(md.digest()),
                "the generator's output changed: if intended, bump HpaSynth.VERSION, record the new digest here "
                        + "and re-run the HPA-Synth benchmarks");
    }
}
