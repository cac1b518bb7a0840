package io.tunet.training.retention;

import io.tunet.training.dataset.DatasetIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One pass of the training service's retention, run periodically: drop the images of unlabelled samples outside
 * the window from the index, compact the index when enough of it is dead, delete the owned blobs nothing
 * references any more (after the grace period), compact the blob ledger, and, where enabled, delete the other
 * services' blobs beyond the topics' reach ({@link ForeignBlobCollector}).
 */
public final class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    /**
     * The rules.
     *
     * @param unlabelledMax unlabelled samples kept at most (the ones received last)
     * @param unlabelledMaxAge unlabelled samples received longer ago than this are dropped
     * @param forgetDroppedAfter how long the id of a dropped sample is remembered, so that a late label for it is
     *     recognised as such (afterwards it waits and is dead-lettered as an unknown sample)
     * @param blobGrace how long an owned blob stays after it was recorded or written, whatever references it
     * @param compactDeadFraction the index and the ledger are rewritten when more than this share of their lines
     *     is dead
     */
    public record Settings(int unlabelledMax, Duration unlabelledMaxAge, Duration forgetDroppedAfter,
            Duration blobGrace, double compactDeadFraction) {

        public Settings {
            if (unlabelledMax < 0 || unlabelledMaxAge.isNegative() || forgetDroppedAfter.isNegative()
                    || blobGrace.isNegative() || !(compactDeadFraction >= 0 && compactDeadFraction < 1)) {
                throw new IllegalArgumentException("invalid retention settings: " + this);
            }
        }
    }

    /**
     * What one pass did.
     *
     * @param dropped unlabelled samples whose images were dropped
     * @param indexCompacted whether the index was rewritten
     * @param blobs what the blob collection deleted and kept
     * @param foreign what the collection of the other services' blobs did, when it is enabled
     * @param index what the index holds afterwards
     */
    public record Report(List<DatasetIndex.Dropped> dropped, boolean indexCompacted, BlobCollector.Result blobs,
            Optional<ForeignBlobCollector.Result> foreign, DatasetIndex.Stats index) {
    }

    private final DatasetIndex index;
    private final BlobLedger ledger;
    private final BlobCollector collector;
    private final Optional<ForeignBlobCollector> foreignCollector;
    private final Settings settings;

    public Retention(DatasetIndex index, BlobLedger ledger, BlobCollector collector,
            Optional<ForeignBlobCollector> foreignCollector, Settings settings) {
        this.index = index;
        this.ledger = ledger;
        this.collector = collector;
        this.foreignCollector = foreignCollector;
        this.settings = settings;
    }

    /** Runs one pass at {@code now}. */
    public Report run(Instant now) {
        List<DatasetIndex.Dropped> dropped = index.retain(settings.unlabelledMax(), settings.unlabelledMaxAge(),
                now.toEpochMilli());
        // the drops are on disk before any blob they referenced can go
        index.sync();
        boolean compacted = index.compactIfWorthIt(settings.compactDeadFraction(),
                now.minus(settings.forgetDroppedAfter()).toEpochMilli(), now.toEpochMilli());
        BlobCollector.Result blobs = collector.collect(now);
        Optional<ForeignBlobCollector.Result> foreign = foreignCollector.map(c -> c.collect(now));
        ledger.compactIfWorthIt(settings.compactDeadFraction());
        DatasetIndex.Stats stats = index.stats();
        if (!dropped.isEmpty() || compacted || blobs.deleted() > 0) {
            LOG.infof("retention: dropped %d unlabelled samples%s, deleted %d blobs (%d bytes); kept %d labelled and "
                    + "%d unlabelled samples, %d owned blobs (%d bytes)", dropped.size(),
                    compacted ? ", compacted the index" : "", blobs.deleted(), blobs.bytesDeleted(), stats.labelled(),
                    stats.unlabelled(), blobs.kept(), blobs.bytesKept());
        }
        return new Report(dropped, compacted, blobs, foreign, stats);
    }
}
