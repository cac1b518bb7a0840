package io.tunet.gateway.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tunet.blob.BlobStoreException;
import io.tunet.blob.ClaimCheck;
import io.tunet.gateway.folder.CompletionTracker.Ready;
import io.tunet.gateway.folder.StainFile;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.ImageHeader;
import io.tunet.imaging.OmeTiff;
import io.tunet.schemas.Acquisition;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.Stain;

/**
 * Turns a complete file into its {@link Acquisition}s: reads it, checks its header ({@link ImageCodec#readHeader}:
 * PNG, TIFF or JPEG, 8 or 16 bit, within the size limits, its end present) and claim-checks it; the file's bytes are
 * sent as they are. A multi-channel OME-TIFF is decoded instead ({@link OmeTiff}, channel names through the naming's
 * stain mapping) and becomes four acquisitions, each channel a grey PNG of the file's bit depth, so that what travels
 * is one single-stain image per record as for any other file. Safe to call from several threads at once.
 */
public final class StainPreparer {

    /** What became of one file. */
    public sealed interface Prepared permits Ok, Refused, NotYet, Gone, Retry {
        Ready ready();
    }

    /** Ready to publish: one record for a stain file, four (in {@link AcquisitionIds#OME_STAINS} order) for an OME-TIFF. */
    public record Ok(Ready ready, List<Acquisition> acquisitions) implements Prepared {
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

    private static final Logger LOG = LoggerFactory.getLogger(StainPreparer.class);
    private static final Map<Stain, Channel> CHANNELS = Map.of(Stain.RED_MICROTUBULES, Channel.RED,
            Stain.GREEN_PROTEIN, Channel.GREEN, Stain.BLUE_NUCLEUS, Channel.BLUE, Stain.YELLOW_ER, Channel.YELLOW);

    private final Path folder;
    private final ClaimCheck claimCheck;
    private final DecodeLimits limits;
    private final Map<String, Channel> omeChannelNames;
    private final long maxFileBytes;
    private final Duration truncatedGrace;
    private final String instrumentId;
    private final Clock clock;

    /** @param omeChannelNames OME channel names (lower case) → stains, for multi-channel OME-TIFF files */
    public StainPreparer(Path folder, ClaimCheck claimCheck, DecodeLimits limits, Map<String, Channel> omeChannelNames,
                         long maxFileBytes, Duration truncatedGrace, String instrumentId, Clock clock) {
        this.folder = folder;
        this.claimCheck = claimCheck;
        this.limits = limits;
        this.omeChannelNames = Map.copyOf(omeChannelNames);
        this.maxFileBytes = maxFileBytes;
        this.truncatedGrace = truncatedGrace;
        this.instrumentId = instrumentId;
        this.clock = clock;
    }

    /** The acquisition ids a complete file with a valid name is published under, in the order of {@link Ok}'s records. */
    public static List<String> acquisitionIds(Ready ready) {
        return AcquisitionIds.of(ready.file(), ready.size(), ready.modifiedNanos());
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
        try {
            return ready.file().omeTiff() ? prepareOmeTiff(ready, bytes) : prepareStain(ready, bytes);
        } catch (ImageDecodeException e) {
            Duration age = Duration.between(Instant.EPOCH.plusNanos(ready.modifiedNanos()), clock.instant());
            if (e.reason() == ImageDecodeException.Reason.TRUNCATED && age.compareTo(truncatedGrace) < 0) {
                return new NotYet(ready, "its image ends early and it was written " + age.toMillis() + " ms ago");
            }
            return new Refused(ready, reason(e.reason()), e.getMessage(), bytes);
        } catch (BlobStoreException e) {
            return new Retry(ready, "the blob store refused it: " + e.getMessage());
        }
    }

    private Prepared prepareStain(Ready ready, byte[] bytes) throws ImageDecodeException, BlobStoreException {
        ImageHeader header = ImageCodec.readHeader(bytes, limits);
        Image image = claimCheck.image(bytes, ImageFormat.valueOf(header.format().name()), header.width(),
                header.height(), header.bitDepth());
        return new Ok(ready, List.of(acquisition(ready, acquisitionIds(ready).get(0), ready.file().stain(), image)));
    }

    private Prepared prepareOmeTiff(Ready ready, byte[] bytes) throws ImageDecodeException, BlobStoreException {
        OmeTiff.Field field = OmeTiff.decode(bytes, limits, omeChannelNames);
        if (!field.ignoredChannels().isEmpty()) {
            LOG.info("{}: channels {} are not one of the four stains (the mapping does not name them); not published",
                    ready.name(), field.ignoredChannels());
        }
        List<String> ids = acquisitionIds(ready);
        List<Acquisition> acquisitions = new ArrayList<>();
        for (int i = 0; i < AcquisitionIds.OME_STAINS.size(); i++) {
            Stain stain = AcquisitionIds.OME_STAINS.get(i);
            GrayImage channel = field.stains().get(CHANNELS.get(stain));
            byte[] png = ImageCodec.encodePng(channel, field.bitDepth());
            Image image = claimCheck.image(png, ImageFormat.PNG, channel.width(), channel.height(), field.bitDepth());
            acquisitions.add(acquisition(ready, ids.get(i), stain, image));
        }
        return new Ok(ready, acquisitions);
    }

    private Acquisition acquisition(Ready ready, String id, Stain stain, Image image) {
        StainFile file = ready.file();
        return Acquisition.newBuilder()
                .setAcquisitionId(id)
                .setSampleId(file.sampleId()).setPlate(file.plate()).setWell(file.well()).setField(file.field())
                .setStain(stain).setImage(image).setInstrumentId(instrumentId)
                // the file's last write: when the instrument finished the stain, and the same in every run, so a
                // record sent again after a crash is identical to the first
                .setAcquiredAt(Instant.EPOCH.plusNanos(ready.modifiedNanos()))
                .setMetadata(Map.of("source.file", ready.name(), "source.bytes", Long.toString(ready.size())))
                .build();
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
