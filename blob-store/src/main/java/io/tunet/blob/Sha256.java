package io.tunet.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as lower-case hex, the form every {@link io.tunet.schemas.BlobRef} carries. */
public final class Sha256 {

    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {
    }

    public static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code value} is 64 lower-case hex digits. */
    public static boolean isHex(String value) {
        return value != null && HEX_64.matcher(value).matches();
    }
}
