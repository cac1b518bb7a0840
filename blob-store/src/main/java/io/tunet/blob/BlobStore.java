package io.tunet.blob;

import io.tunet.schemas.BlobRef;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where images too large for a Kafka record live (claim check). Blobs are content-addressed by SHA-256,
 * so writing the same bytes twice stores them once and a reference can never point at different bytes.
 * Implementations: {@link LocalDirectoryBlobStore}; an S3-compatible store can implement the same interface.
 */
public interface BlobStore {

    /**
     * Stores the bytes (idempotently) and returns their reference. Storing bytes that are already there marks them
     * written now ({@link #lastModified}), so that a collector that dates references by the last write sees the
     * newest one.
     */
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

    /**
     * A blob found by {@link #forEachBlob}.
     *
     * @param ref          its reference
     * @param lastModified when it was last written
     */
    record StoredBlob(BlobRef ref, Instant lastModified) {
    }

    /**
     * Calls {@code action} for every blob in the store (in no particular order; blobs written or deleted meanwhile
     * may or may not be seen), for garbage collectors that look for what nothing references.
     *
     * @throws BlobStoreException with {@code IO} where the store cannot list (the default), or cannot read itself
     */
    default void forEachBlob(Consumer<StoredBlob> action) throws BlobStoreException {
        throw new BlobStoreException(BlobStoreException.Reason.IO, getClass().getSimpleName()
                + " does not list its blobs", null);
    }

    /**
     * Deletes what writes interrupted by a crash left behind (temporary files never moved into place) when they were
     * last written before {@code cutoff}; a write in progress is younger.
     *
     * @return how many were deleted
     */
    default int deleteAbandonedWrites(Instant cutoff) throws BlobStoreException {
        return 0;
    }
}
