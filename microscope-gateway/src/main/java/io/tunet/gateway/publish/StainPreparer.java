package io.tunet.gateway.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tunet.blob.BlobStoreException;
import io.tunet.blob.ClaimCheck;
import io.tunet.gateway.folder.CompletionTracker.Ready;
import io.tunet.gateway.folder.StainFile;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;

/**
 * Turns a complete file into its {@link Acquisition}: reads it, checks its header ({@link ImageCodec#readHeader}:
 * PNG, TIFF or JPEG, 8 or 16 bit, within the size limits, its end present) and claim-checks it. The file's bytes
 * are sent as they are. Safe to call from several threads at once.
 */
public final class StainPreparer {

    /** What became of one file. */
    public sealed interface Prepared permits Ok, Refused, NotYet, Gone, Retry {
        Ready ready();
    }

    /** Ready to publish. */
    public record Ok(Ready ready, String acquisitionId, Acquisition acquisition) implements Prepared {
    }

    /** Cannot be published, ever: goes to {@code failed/} and the dead-letter topic with the file's bytes if small. */
    public record Refused(Ready ready, DeadLetterReason reason, String detail, byte[] bytes) implements Prepared {
    }

    /** Still being written after all (it changed while read, or its image ends early and it is young). */
    public record NotYet(Ready ready, String why) implements Prepared {
    }

    /** Disappeared. */
    public record Gone(Ready ready) implements Prepared {
    }

    /** Not the file's fault (the blob store failed): try again later. */
    public record Retry(Ready ready, String why) implements Prepared {
    }

    private final Path folder;
    private final ClaimCheck claimCheck;
    private final DecodeLimits limits;
    private final long maxFileBytes;
    private final Duration truncatedGrace;
    private final String instrumentId;
    private final Clock clock;

    public StainPreparer(Path folder, ClaimCheck claimCheck, DecodeLimits limits, long maxFileBytes,
                         Duration truncatedGrace, String instrumentId, Clock clock) {
        this.folder = folder;
        this.claimCheck = claimCheck;
        this.limits = limits;
        this.maxFileBytes = maxFileBytes;
        this.truncatedGrace = truncatedGrace;
        this.instrumentId = instrumentId;
        this.clock = clock;
    }

    /** The acquisition id a complete file is published under. */
    public static String acquisitionId(Ready ready) {
        return AcquisitionIds.of(ready.name(), ready.size(), ready.modifiedNanos());
    }

    public Prepared prepare(Ready ready) {
        Path path = folder.resolve(ready.name());
        if (ready.size() > maxFileBytes) {
            return new Refused(ready, DeadLetterReason.IMAGE_TOO_LARGE, "the file has " + ready.size()
                    + " bytes, more than the limit of " + maxFileBytes + " (gateway.max-file-bytes); not read", null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
            long modified = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
            if (bytes.length != ready.size() || modified != ready.modifiedNanos()) {
                return new NotYet(ready, "it changed while it was read");
            }
        } catch (NoSuchFileException e) {
            return new Gone(ready);
        } catch (IOException e) {
            return new Retry(ready, "cannot read it: " + e);
        }
        if (ready.file() == null) {
            return new Refused(ready, DeadLetterReason.INVALID_FIELD, ready.invalidName(), bytes);
        }
        ImageHeader header;
        try {
            header = ImageCodec.readHeader(bytes, limits);
        } catch (ImageDecodeException e) {
            Duration age = Duration.between(Instant.EPOCH.plusNanos(ready.modifiedNanos()), clock.instant());
            if (e.reason() == ImageDecodeException.Reason.TRUNCATED && age.compareTo(truncatedGrace) < 0) {
                return new NotYet(ready, "its image ends early and it was written " + age.toMillis() + " ms ago");
            }
            return new Refused(ready, reason(e.reason()), e.getMessage(), bytes);
        }
        StainFile file = ready.file();
        Image image;
        try {
            image = claimCheck.image(bytes, ImageFormat.valueOf(header.format().name()), header.width(),
                    header.height(), header.bitDepth());
        } catch (BlobStoreException e) {
            return new Retry(ready, "the blob store refused it: " + e.getMessage());
        }
        String id = acquisitionId(ready);
        Acquisition acquisition = Acquisition.newBuilder()
                .setAcquisitionId(id)
                .setSampleId(file.sampleId()).setPlate(file.plate()).setWell(file.well()).setField(file.field())
                .setStain(file.stain()).setImage(image).setInstrumentId(instrumentId)
                // the file's last write: when the instrument finished the stain, and the same in every run, so a
                // record sent again after a crash is identical to the first
                .setAcquiredAt(Instant.EPOCH.plusNanos(ready.modifiedNanos()))
                .setMetadata(Map.of("source.file", ready.name(), "source.bytes", Long.toString(ready.size())))
                .build();
        return new Ok(ready, id, acquisition);
    }

    /** The dead-letter reason of a header refusal, as ingest reports the same refusals. */
    static DeadLetterReason reason(ImageDecodeException.Reason reason) {
        return switch (reason) {
            case TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
            case CORRUPT, TRUNCATED -> DeadLetterReason.UNREADABLE_IMAGE;
            case UNSUPPORTED_FORMAT, UNSUPPORTED_BIT_DEPTH, NOT_GRAYSCALE, WRONG_STAIN_COLOUR ->
                    DeadLetterReason.UNSUPPORTED_IMAGE;
            case DIMENSION_MISMATCH -> DeadLetterReason.DIMENSION_MISMATCH;
        };
    }
}
