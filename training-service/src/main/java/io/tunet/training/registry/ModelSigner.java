package io.tunet.training.registry;

import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.provenance.ModelSignatures;

/**
 * Signs the versions this training service publishes ({@link ModelSignatures}) with the operator's key, or leaves
 * them unsigned when none is configured ({@link #NONE}).
 */
public final class ModelSigner {

    /** Publishes unsigned versions; inference instances that require signatures refuse them. */
    public static final ModelSigner NONE = new ModelSigner(null, null);

    private final String keyId;
    private final byte[] key;

    private ModelSigner(String keyId, byte[] key) {
        this.keyId = keyId;
        this.key = key;
    }

    /**
     * A signer with the key given base64-encoded.
     *
     * @throws IllegalArgumentException for a bad key id, a key that is not base64, or one under 32 bytes
     */
    public static ModelSigner of(String keyId, String base64Key) {
        return new ModelSigner(keyId, ModelSignatures.decodeKey(keyId, base64Key));
    }

    /** {@code version} signed, or unchanged without a key. */
    public ModelVersion apply(ModelVersion version) {
        return key == null ? version : ModelSignatures.signed(version, keyId, key);
    }

    /** The key id, or null when versions go out unsigned. */
    public String keyId() {
        return keyId;
    }
}
