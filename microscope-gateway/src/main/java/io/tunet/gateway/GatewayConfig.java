package io.tunet.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.tunet.gateway.folder.NamingPattern;
import io.smallrye.config.WithDefault;

/** The gateway's whole configuration ({@code gateway.*}); the module README explains each key. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** The folder acquisition software writes stain files into; {@code done/} and {@code failed/} go inside it. */
    @WithDefault(".tunet/hot-folder")
    Path watchDir();

    /** Where the publish journal lives; by default {@code .gateway/} inside the watched folder. */
    Optional<Path> stateDir();

    /** How stain files are named. */
    Naming naming();

    /** Names ending so are still being written; the file is picked up once renamed without the suffix. */
    @WithDefault(".part,.tmp,.partial,.filepart,.crdownload,.writing,~")
    List<String> tempSuffixes();

    /** A file whose size and modification time stay unchanged this long is complete. */
    @WithDefault("PT2S")
    Duration quietPeriod();

    /**
     * The software only ever renames complete files into the folder (writes elsewhere on the same file system, or
     * under a temporary suffix): every file is complete when it appears, none waits for the quiet period.
     */
    @WithDefault("false")
    boolean atomicWrites();

    /** How often files waiting to be complete are looked at. */
    @WithDefault("PT0.25S")
    Duration checkInterval();

    /** How often the whole folder is listed: the watch service can miss events (overflow, network shares). */
    @WithDefault("PT5S")
    Duration rescanInterval();

    /** An image whose end is missing is taken for one still being written while its last write is this recent. */
    @WithDefault("PT1M")
    Duration truncatedGrace();

    /** How long a file whose publication failed (broker, blob store) waits before the next try. */
    @WithDefault("PT5S")
    Duration retryBackoff();

    /** Larger files are refused (IMAGE_TOO_LARGE) without being read. */
    @WithDefault("67108864")
    long maxFileBytes();

    /** Complete files published together: one journal sync and one wait for acknowledgements per batch. */
    @WithDefault("64")
    int batchSize();

    /** Threads reading, checking and claim-checking the files of a batch. */
    @WithDefault("2")
    int workers();

    /** Recorded as the instrument of every acquisition. */
    @WithDefault("microscope-gateway")
    String instrumentId();

    /** Images larger than this many bytes go through the blob store (claim check). */
    @WithDefault("262144")
    int inlineLimit();

    /** The claim-check store. */
    BlobStore blobStore();

    /** Kafka. */
    Kafka kafka();

    /**
     * Whether the process exits (status 1) when its loop stops on an error, so that a supervisor restarts it;
     * otherwise it stays up with liveness DOWN.
     */
    @WithDefault("true")
    boolean exitOnFailure();

    /** How stain files are named. */
    interface Naming {

        /**
         * A regular expression matched against the whole file name, with named groups {@code id} and {@code stain},
         * optionally {@code plate}, {@code well}, {@code field}. The default is the HPA layout.
         */
        @WithDefault(NamingPattern.HPA_REGEX)
        String pattern();

        /**
         * {@code name=stain,...}: the names the files use for red, green, blue and yellow, and the channel names of
         * multi-channel OME-TIFF files.
         */
        @WithDefault(NamingPattern.HPA_STAINS)
        String stains();

        /**
         * A regular expression matched against the whole file name of a multi-channel OME-TIFF holding the four
         * stains, with the named group {@code id}, optionally {@code plate}, {@code well}, {@code field}; the default
         * is {@code <id>.ome.tif} or {@code <id>.ome.tiff}.
         */
        @WithDefault(NamingPattern.OME_REGEX)
        String omePattern();

        /** Plate of the acquisitions when the pattern has no {@code plate} group. */
        @WithDefault("HOTFOLDER")
        String plate();

        /** Well when the pattern has no {@code well} group. */
        @WithDefault("A01")
        String well();

        /** Field number when the pattern has no {@code field} group. */
        @WithDefault("1")
        int field();
    }

    /** The claim-check store. */
    interface BlobStore {

        /** Root folder of the local blob store, shared with ingest and inference. */
        @WithDefault(".tunet/blobs")
        Path root();
    }

    /** Kafka. */
    interface Kafka {

        /** Bootstrap servers. */
        String bootstrapServers();

        /**
         * Further client properties (security settings, for example) for the producer and the check consumer, after
         * the service's defaults; keys in {@link KafkaClientProperties#RESERVED} are refused at startup.
         */
        Map<String, String> properties();
    }
}
