package io.tunet.inference.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which live samples a shadow model also runs on (issue #19 §3): a sample is picked when its position, the first
 * 8 bytes of the SHA-256 of its id's UTF-8 bytes read as an unsigned number and mapped to [0, 1), is below the
 * fraction. The position depends on the sample id alone, so a replay after a crash, another instance after a
 * rebalance, or a later release shadows the same samples; SHA-256 spreads ids that differ only in their last
 * characters (sequential ids) evenly, which {@link String#hashCode()}'s low bits do not.
 */
public final class ShadowSampling {

    /** The configuration key of the fraction, named in every refusal. */
    public static final String FRACTION_KEY = "inference.shadow.fraction";

    private ShadowSampling() {
    }

    /**
     * Whether a sample is shadowed at this fraction: never at 0, always at 1.
     *
     * @param sampleId the sample's id
     * @param fraction a valid fraction ({@link #checkFraction})
     */
    public static boolean picks(String sampleId, double fraction) {
        return fraction > 0 && position(sampleId) < fraction;
    }

    /** The sample's fixed position in [0, 1): picked at every fraction above it. */
    public static double position(String sampleId) {
        byte[] digest = sha256().digest(sampleId.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        // the top 53 bits, the precision of a double: exactly representable, always below 1
        return (bits >>> 11) * 0x1.0p-53;
    }

    /**
     * Returns {@code fraction} if it is a number in [0, 1].
     *
     * @throws IllegalArgumentException naming {@link #FRACTION_KEY} otherwise
     */
    public static double checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException(FRACTION_KEY + " (TUNET_INFERENCE_SHADOW_FRACTION) must be a number "
                    + "from 0 (no shadow model runs) to 1 (every sample), was " + fraction);
        }
        return fraction;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
