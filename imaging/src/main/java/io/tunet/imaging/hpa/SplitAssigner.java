package io.tunet.imaging.hpa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic train/validation split by a hash of the sample id: a sample's side depends only on its id
 * and the fraction, never on row order, seed or machine, so a champion and a challenger model trained on
 * different snapshots are scored on the same validation samples. Raising the fraction only moves samples
 * from train to validation, never back.
 */
public final class SplitAssigner {

    /** A split of entries into two disjoint lists, each in input order. */
    public record Split(List<HpaEntry> train, List<HpaEntry> validation) {

        /** Copies the lists. */
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(SplitAssigner::sha256);

    private SplitAssigner() {
    }

    /**
     * Whether the sample with this id belongs to the validation split of the given fraction: the first 53
     * bits of SHA-256(id, UTF-8) read as a number in [0, 1) fall below {@code fraction}.
     *
     * @throws IllegalArgumentException if the id is missing or the fraction is outside 0..1
     */
    public static boolean isValidation(String id, double fraction) {
        if (id == null) {
            throw new IllegalArgumentException("sample id is required");
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("validation fraction must be in 0..1, got " + fraction);
        }
        return position(id) < fraction;
    }

    /**
     * Splits entries by {@link #isValidation}.
     *
     * @throws IllegalArgumentException if the fraction is outside 0..1
     */
    public static Split split(List<HpaEntry> entries, double fraction) {
        List<HpaEntry> train = new ArrayList<>();
        List<HpaEntry> validation = new ArrayList<>();
        for (HpaEntry entry : entries) {
            (isValidation(entry.id(), fraction) ? validation : train).add(entry);
        }
        return new Split(train, validation);
    }

    /**
     * The id's place in [0, 1): the first 53 bits of SHA-256(id, UTF-8) as a fraction. {@link #isValidation} is
     * {@code position(id) < fraction}; a caller may cut further splits from the same scale (the training service's
     * gate split is {@code [validation, validation + gate)}), so that every split is fixed by the id alone.
     *
     * @throws IllegalArgumentException if the id is missing
     */
    public static double position(String id) {
        if (id == null) {
            throw new IllegalArgumentException("sample id is required");
        }
        byte[] digest = SHA_256.get().digest(id.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
