package io.tunet.training.retention;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.schemas.BlobRef;
import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import io.tunet.schemas.ModelVersion;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Garbage collection of the blobs training owns: only blobs in the {@link BlobLedger} (written by this service)
 * are candidates, never what ingest, inference or the results sink wrote. An owned blob is deleted when
 * <ul>
 * <li>no sample the {@link DatasetIndex} keeps references it (an {@value BlobLedger#IMAGE} blob), or it is an
 * artefact of this service's model name that no version in use and no unpublished run references ({@code
 * model:<name>}; artefacts of other model names, written before the name was changed, are kept: this service
 * no longer follows their versions);</li>
 * <li>and it was recorded, and last written, longer than the grace period ago, so that a blob being written, or
 * stored by a run that has not published yet, is left alone.</li>
 * </ul>
 * A ledger entry whose blob is absent (deleted by a failed run's clean-up, or never put because of a crash) is
 * forgotten after the grace period.
 */
public final class BlobCollector {

    private static final Logger LOG = Logger.getLogger(BlobCollector.class);

    /**
     * What one collection found.
     *
     * @param deleted blobs deleted
     * @param bytesDeleted their bytes
     * @param kept owned blobs kept (referenced, or within the grace period)
     * @param bytesKept their bytes
     */
    public record Result(int deleted, long bytesDeleted, int kept, long bytesKept) {
    }

    private final BlobLedger ledger;
    private final DatasetIndex index;
    private final BlobStore blobs;
    private final String modelOwner;
    private final Supplier<Set<String>> modelBlobsInUse;
    private final Duration grace;

    /**
     * @param modelName the model name this service trains; only its artefacts are collected
     * @param modelBlobsInUse the SHA-256 of the ONNX files and checkpoints of versions in use and of unpublished
     *     runs, read once per collection after the ledger
     * @param grace how long a blob stays after it was recorded or written, whatever references it
     */
    public BlobCollector(BlobLedger ledger, DatasetIndex index, BlobStore blobs, String modelName,
            Supplier<Set<String>> modelBlobsInUse, Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative: " + grace);
        }
        this.ledger = ledger;
        this.index = index;
        this.blobs = blobs;
        this.modelOwner = BlobLedger.modelOwner(modelName);
        this.modelBlobsInUse = modelBlobsInUse;
        this.grace = grace;
    }

    /** The SHA-256 of the ONNX files and checkpoints of {@code versions}. */
    public static Set<String> artefactsOf(Collection<ModelVersion> versions) {
        Set<String> result = new HashSet<>();
        for (ModelVersion version : versions) {
            result.add(version.getOnnx().getSha256());
            if (version.getCheckpoint() != null) {
                result.add(version.getCheckpoint().getSha256());
            }
        }
        return result;
    }

    /** Deletes the owned blobs nothing references any more and whose grace period is over. */
    public Result collect(Instant now) {
        // the ledger first: a blob recorded after this read is not a candidate of this collection
        var candidates = ledger.entries();
        Set<String> models = modelBlobsInUse.get();
        long cutoff = now.minus(grace).toEpochMilli();
        int deleted = 0;
        long bytesDeleted = 0;
        int kept = 0;
        long bytesKept = 0;
        for (BlobLedger.Entry entry : candidates) {
            boolean delete;
            synchronized (ledger) {
                delete = collectable(entry, models, cutoff) && delete(entry, cutoff);
            }
            if (delete) {
                deleted++;
                bytesDeleted += entry.size();
            } else if (ledger.entry(entry.sha256()).isPresent()) {
                kept++;
                bytesKept += entry.size();
            }
        }
        if (deleted > 0) {
            LOG.infof("deleted %d owned blobs (%d bytes); %d owned blobs (%d bytes) kept", deleted, bytesDeleted,
                    kept, bytesKept);
        }
        return new Result(deleted, bytesDeleted, kept, bytesKept);
    }

    /** Under the ledger's lock: whether nothing references the blob and it was not recorded again since. */
    private boolean collectable(BlobLedger.Entry entry, Set<String> models, long cutoff) {
        Optional<BlobLedger.Entry> current = ledger.entry(entry.sha256());
        if (current.isEmpty() || current.get().recordedAt() > cutoff) {
            return false;
        }
        if (index.references(entry.sha256())) {
            return false;
        }
        String owner = current.get().owner();
        if (owner.equals(BlobLedger.IMAGE)) {
            return true;
        }
        return owner.equals(modelOwner) && !models.contains(entry.sha256());
    }

    /** Deletes the blob unless it was written within the grace period; forgets it when it is gone. */
    private boolean delete(BlobLedger.Entry entry, long cutoff) {
        BlobRef ref = BlobRef.newBuilder().setUri(LocalDirectoryBlobStore.URI_PREFIX + entry.sha256())
                .setSha256(entry.sha256()).setSize(entry.size()).build();
        try {
            Optional<Instant> written = blobs.lastModified(ref);
            if (written.isPresent() && written.get().toEpochMilli() > cutoff) {
                return false;
            }
            if (written.isPresent()) {
                blobs.delete(ref);
            }
            ledger.forget(entry.sha256());
            return written.isPresent();
        } catch (BlobStoreException e) {
            LOG.warnf("kept blob %s: %s", ref.getUri(), e.getMessage());
            return false;
        }
    }
}
