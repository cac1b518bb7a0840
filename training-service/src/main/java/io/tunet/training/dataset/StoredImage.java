package io.tunet.training.dataset;

import io.tunet.schemas.BlobRef;

/**
 * Where one stain of a stored sample lives in the blob store.
 *
 * @param uri    blob-store URI
 * @param sha256 lower-case hex SHA-256 of the encoded image
 * @param size   bytes
 */
public record StoredImage(String uri, String sha256, long size) {

    /** The Avro reference for the blob store. */
    public BlobRef toBlobRef() {
        return BlobRef.newBuilder().setUri(uri).setSha256(sha256).setSize(size).build();
    }

    /** From an Avro reference. */
    public static StoredImage of(BlobRef ref) {
        return new StoredImage(ref.getUri(), ref.getSha256(), ref.getSize());
    }
}
