package io.tunet.training.retention;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Garbage collection of the blobs other parts of the line wrote: the stains microscopes, the gateway and ingest
 * claim-checked, and the payloads of dead letters. No one records those, so they are found by listing the store and
 * dated by their last write: a blob last written longer ago than the {@link ReferenceHorizon} plus the grace period
 * can no longer be referenced by any record the topics still hold (the grace covers what waits before it reaches a
 * topic: a gateway's journal while the broker is down, a sample ingest is still assembling). It is deleted unless
 * <ul>
 * <li>training owns it ({@link BlobLedger}: {@link BlobCollector} decides about those),</li>
 * <li>a sample the {@link DatasetIndex} keeps references it, or</li>
 * <li>a model version in the {@code models} topic, of any model name, references it (that topic is compacted and
 * keeps its records for ever).</li>
 * </ul>
 * When a topic keeps records for ever there is no horizon and nothing is collected. Temporary files of writes a crash
 * interrupted are deleted after the grace period.
 *
 * <p>One race is left, as in every mark-and-sweep over a content-addressed store: bytes stored again, identical to
 * a blob beyond the horizon, in the instant between the collector's last check of that blob's time and its deletion.
 */
public final class ForeignBlobCollector {

    private static final Logger LOG = Logger.getLogger(ForeignBlobCollector.class);

    /**
     * What one collection found.
     *
     * @param horizon the horizon it used, or empty when it collected nothing for want of one
     * @param why where the horizon comes from, or why there is none
     * @param deleted foreign blobs deleted
     * @param bytesDeleted their bytes
     * @param kept foreign blobs kept (within reach of the topics, or referenced by a model version or the index)
     * @param bytesKept their bytes
     * @param abandonedWrites temporary files of interrupted writes deleted
     */
    public record Result(Optional<Duration> horizon, String why, int deleted, long bytesDeleted, int kept,
            long bytesKept, int abandonedWrites) {
    }

    private final BlobStore blobs;
    private final BlobLedger ledger;
    private final DatasetIndex index;
    private final Supplier<Set<String>> modelArtefacts;
    private final Supplier<ReferenceHorizon.Reading> horizon;
    private final Duration grace;

    /**
     * @param modelArtefacts the SHA-256 of the ONNX files and checkpoints of every version in the {@code models}
     *     topic, read once per collection
     * @param horizon the topics' reach, read once per collection
     * @param grace added to the horizon; also how old an interrupted write must be to be deleted
     */
    public ForeignBlobCollector(BlobStore blobs, BlobLedger ledger, DatasetIndex index,
            Supplier<Set<String>> modelArtefacts, Supplier<ReferenceHorizon.Reading> horizon, Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative: " + grace);
        }
        this.blobs = blobs;
        this.ledger = ledger;
        this.index = index;
        this.modelArtefacts = modelArtefacts;
        this.horizon = horizon;
        this.grace = grace;
    }

    /** Deletes the foreign blobs beyond the topics' reach that nothing else references. */
    public Result collect(Instant now) {
        int abandoned = 0;
        try {
            abandoned = blobs.deleteAbandonedWrites(now.minus(grace));
        } catch (BlobStoreException e) {
            LOG.warnf("left interrupted writes in place: %s", e.getMessage());
        }
        ReferenceHorizon.Reading reading = horizon.get();
        if (reading.horizon().isEmpty()) {
            return new Result(Optional.empty(), reading.why(), 0, 0, 0, 0, abandoned);
        }
        Set<String> models = modelArtefacts.get();
        Instant cutoff = now.minus(reading.horizon().get()).minus(grace);
        // deleted as they are listed: a first pass over a store that was never collected holds no list of them
        Tally deleted = new Tally();
        Tally kept = new Tally();
        try {
            blobs.forEachBlob(blob -> {
                String sha = blob.ref().getSha256();
                if (ledger.entry(sha).isPresent()) {
                    return; // training's own
                }
                boolean gone = false;
                if (blob.lastModified().isBefore(cutoff) && !models.contains(sha)) {
                    synchronized (ledger) {
                        gone = deleteUnlessReferenced(blob, cutoff);
                    }
                }
                (gone ? deleted : kept).add(blob.ref().getSize());
            });
        } catch (BlobStoreException e) {
            LOG.warnf("stopped collecting foreign blobs: %s", e.getMessage());
        }
        if (deleted.blobs > 0) {
            LOG.infof("deleted %d foreign blobs (%d bytes) last written before %s (%s, plus a grace of %s); kept %d "
                    + "(%d bytes)", deleted.blobs, deleted.bytes, cutoff, reading.why(), grace, kept.blobs, kept.bytes);
        }
        return new Result(reading.horizon(), reading.why(), deleted.blobs, deleted.bytes, kept.blobs, kept.bytes,
                abandoned);
    }

    /** Blobs and their bytes, counted as the store is listed. */
    private static final class Tally {
        int blobs;
        long bytes;

        void add(long size) {
            blobs++;
            bytes += size;
        }
    }

    /** Under the ledger's lock, so that training cannot record the blob meanwhile. */
    private boolean deleteUnlessReferenced(BlobStore.StoredBlob blob, Instant cutoff) {
        String sha = blob.ref().getSha256();
        if (ledger.entry(sha).isPresent() || index.references(sha)) {
            return false;
        }
        try {
            Optional<Instant> written = blobs.lastModified(blob.ref());
            if (written.isEmpty() || !written.get().isBefore(cutoff)) {
                return false; // gone already, or written again since it was listed
            }
            blobs.delete(blob.ref());
            return true;
        } catch (BlobStoreException e) {
            LOG.warnf("kept blob %s: %s", blob.ref().getUri(), e.getMessage());
            return false;
        }
    }
}
