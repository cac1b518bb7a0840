package io.tunet.schemas.provenance;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Model provenance: the training service signs every {@link ModelVersion} it publishes with an HMAC-SHA256 key
 * the operator provides, and inference loads only versions whose signature verifies with a key it trusts. The
 * signature ({@code ModelVersion.signature}, {@code "<key id>:<hex>"}) covers what makes the version that model:
 * name, version, architecture, input size, thresholds, and the sha256 and size of the ONNX file and checkpoint
 * (the blob store checks the bytes against those on every read). It does not cover the status: promotion,
 * rejection and retirement are registry decisions about a model, not part of it, and a signed model stays
 * signed when its status changes.
 *
 * <p>Keys are at least 32 bytes, given base64-encoded with an id ({@link #parseKeys}: {@code id=base64,...}).
 * Rotation: add the new key to every inference instance's trusted keys, then make training sign with it;
 * remove the old key once no version that inference might roll back to is signed with it.
 */
public final class ModelSignatures {

    /** The smallest key accepted, in bytes (HMAC-SHA256's output size). */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";

    /** Whether a signature verified, and if not, why. */
    public enum Check {
        /** Signed with a trusted key, and the signed content matches. */
        VALID,
        /** The record carries no signature. */
        UNSIGNED,
        /** Signed with a key id this reader does not trust. */
        UNKNOWN_KEY,
        /** The signature is malformed, or does not match the content (tampered, or another key under that id). */
        MISMATCH
    }

    private ModelSignatures() {
    }

    /**
     * The signature of {@code version} with {@code key} under {@code keyId}.
     *
     * @throws IllegalArgumentException if the key id is blank or contains ':' or ',', or the key is too short
     */
    public static String sign(ModelVersion version, String keyId, byte[] key) {
        checkKey(keyId, key);
        return keyId + ":" + HexFormat.of().formatHex(mac(key, content(version)));
    }

    /** A copy of {@code version} carrying its signature. */
    public static ModelVersion signed(ModelVersion version, String keyId, byte[] key) {
        return ModelVersion.newBuilder(version).setSignature(sign(version, keyId, key)).build();
    }

    /**
     * Checks {@code version}'s signature against the trusted keys (key id → key).
     *
     * @return {@link Check#VALID} only for a signature by one of {@code trusted} that matches the content
     */
    public static Check verify(ModelVersion version, Map<String, byte[]> trusted) {
        String signature = version.getSignature();
        if (signature == null || signature.isEmpty()) {
            return Check.UNSIGNED;
        }
        int colon = signature.indexOf(':');
        if (colon <= 0) {
            return Check.MISMATCH;
        }
        byte[] key = trusted.get(signature.substring(0, colon));
        if (key == null) {
            return Check.UNKNOWN_KEY;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Check.MISMATCH;
        }
        return MessageDigest.isEqual(given, mac(key, content(version))) ? Check.VALID : Check.MISMATCH;
    }

    /** The key id of a signature, or null for none. */
    public static String keyId(ModelVersion version) {
        String signature = version.getSignature();
        int colon = signature == null ? -1 : signature.indexOf(':');
        return colon <= 0 ? null : signature.substring(0, colon);
    }

    /**
     * Parses {@code id=base64key,id2=base64key2} (whitespace around entries ignored).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code id=base64} or whose key is too short
     */
    public static Map<String, byte[]> parseKeys(String keys) {
        Map<String, byte[]> parsed = new LinkedHashMap<>();
        for (String entry : keys.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("a key entry must be <id>=<base64 key>, got an entry of "
                        + trimmed.length() + " characters without an id");
            }
            String id = trimmed.substring(0, equals);
            parsed.put(id, decodeKey(id, trimmed.substring(equals + 1)));
        }
        return parsed;
    }

    /**
     * A key given base64-encoded, checked with its id as {@link #sign} would.
     *
     * @throws IllegalArgumentException if the key is not base64, too short, or the id is invalid
     */
    public static byte[] decodeKey(String keyId, String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + keyId + "' is not base64", e);
        }
        checkKey(keyId, key);
        return key;
    }

    /**
     * Checks a key and its id.
     *
     * @throws IllegalArgumentException if the key id is blank or contains ':' or ',', or the key is too short
     */
    private static void checkKey(String keyId, byte[] key) {
        if (keyId == null || keyId.isBlank() || keyId.contains(":") || keyId.contains(",")) {
            throw new IllegalArgumentException("a key id must be non-blank without ':' or ',', got '" + keyId + "'");
        }
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key '" + keyId + "' has " + (key == null ? 0 : key.length)
                    + " bytes; at least " + MIN_KEY_BYTES + " are required (e.g. openssl rand -base64 32)");
        }
    }

    /** One field per line, in a fixed order; every field of the identity, none that changes with the status. */
    static String content(ModelVersion version) {
        StringBuilder text = new StringBuilder("tunet-model-signature-v1\n")
                .append(version.getModelName()).append('\n')
                .append(version.getVersion()).append('\n')
                .append(version.getArchitecture()).append('\n')
                .append(version.getInputSize()).append('\n');
        for (Float threshold : version.getThresholds()) {
            text.append(Float.floatToIntBits(threshold)).append(' ');
        }
        text.append('\n');
        blob(text, version.getOnnx());
        blob(text, version.getCheckpoint());
        return text.toString();
    }

    private static void blob(StringBuilder text, BlobRef ref) {
        text.append(ref == null ? "-" : ref.getSha256() + " " + ref.getSize()).append('\n');
    }

    private static byte[] mac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        }
    }
}
