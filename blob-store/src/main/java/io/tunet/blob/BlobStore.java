package io.tunet.blob;

import io.tunet.schemas.BlobRef;
import java.time.Instant;
import java.util.Optional;

/**
 * Where images too large for a Kafka record live (claim check). Blobs are content-addressed by SHA-256,
 * so writing the same bytes twice stores them once and a reference can never point at different bytes.
 * Implementations: {@link LocalDirectoryBlobStore}; an S3-compatible store can implement the same interface.
 */
public interface BlobStore {

    /** Stores the bytes (idempotently) and returns their reference. */
    BlobRef put(byte[] bytes) throws BlobStoreException;

    /**
     * Returns the bytes a reference names, after checking size and SHA-256.
     *
     * @throws BlobStoreException with {@link BlobStoreException.Reason#NOT_FOUND}, {@code CHECKSUM_MISMATCH},
     *                            {@code INVALID_REFERENCE} (including paths outside the store) or {@code IO}
     */
    byte[] get(BlobRef ref) throws BlobStoreException;

    /** Whether the blob a reference names is present (no checksum verification). */
    boolean exists(BlobRef ref) throws BlobStoreException;

    /** Removes a blob; absent blobs are ignored. */
    void delete(BlobRef ref) throws BlobStoreException;

    /**
     * When the blob a reference names was last written, or empty when it is absent; for garbage collectors that
     * must leave a blob alone while it may still be in the middle of being referenced (a grace period).
     *
     * @throws BlobStoreException with {@code IO} where the store cannot tell (the default), so that a collector
     *                            keeps what it cannot date
     */
    default Optional<Instant> lastModified(BlobRef ref) throws BlobStoreException {
        throw new BlobStoreException(BlobStoreException.Reason.IO, getClass().getSimpleName()
                + " does not tell when a blob was written", null);
    }
}
