package io.tunet.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.tunet.gateway.folder.NamingPattern;

/**
 * Everything {@link HotFolderGateway} runs with; the service builds it from {@link GatewayConfig}, tests and the
 * benchmark directly ({@link #defaults} and the {@code with...} copies).
 *
 * @param watchDir       the folder acquisition software writes into
 * @param stateDir       where the publish journal lives
 * @param naming         how stain files are named
 * @param tempSuffixes   names ending so are still being written and are never published
 * @param quietPeriod    a file whose size and modification time stay unchanged this long is complete
 * @param atomicWrites   files appear complete (renamed into the folder), so none waits for the quiet period
 * @param checkInterval  how often waiting files are looked at
 * @param rescanInterval how often the whole folder is listed (the watch service can miss events)
 * @param truncatedGrace an image whose end is missing is waited for while its last write is younger than this
 * @param retryBackoff   how long a file whose publication failed (broker, blob store) waits before the next try
 * @param maxFileBytes   larger files are refused without being read
 * @param batchSize      files published together: one journal sync and one wait for acknowledgements per batch
 * @param workers        threads reading, checking and claim-checking the files of a batch
 * @param instrumentId   recorded on every acquisition
 * @param blobRoot       the claim-check blob store
 * @param inlineLimit    larger images go through the blob store
 * @param kafkaClient    base Kafka client settings: bootstrap servers and the operator's properties
 */
public record GatewaySettings(Path watchDir, Path stateDir, NamingPattern naming, List<String> tempSuffixes,
                              Duration quietPeriod, boolean atomicWrites, Duration checkInterval,
                              Duration rescanInterval, Duration truncatedGrace, Duration retryBackoff,
                              long maxFileBytes, int batchSize, int workers, String instrumentId, Path blobRoot,
                              int inlineLimit, Map<String, Object> kafkaClient) {

    /** The temporary suffixes common acquisition and copy tools write under. */
    public static final List<String> DEFAULT_TEMP_SUFFIXES =
            List.of(".part", ".tmp", ".partial", ".filepart", ".crdownload", ".writing", "~");
    /** The state folder inside the watched folder when none is configured. */
    public static final String DEFAULT_STATE_FOLDER = ".gateway";

    public GatewaySettings {
        Objects.requireNonNull(watchDir, "watchDir");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(naming, "naming");
        tempSuffixes = List.copyOf(tempSuffixes);
        kafkaClient = Map.copyOf(kafkaClient);
        if (batchSize < 1 || workers < 1) {
            throw new IllegalArgumentException("batch size and workers must be at least 1, got " + batchSize + " and "
                    + workers);
        }
        if (quietPeriod.isNegative() || checkInterval.isNegative() || checkInterval.isZero()
                || rescanInterval.isNegative() || rescanInterval.isZero()) {
            throw new IllegalArgumentException("quiet period must not be negative, check and rescan intervals must "
                    + "be positive");
        }
    }

    /** The service's defaults (see application.properties) for a folder, a blob store and a broker. */
    public static GatewaySettings defaults(Path watchDir, Path blobRoot, String bootstrapServers) {
        return new GatewaySettings(watchDir, watchDir.resolve(DEFAULT_STATE_FOLDER),
                NamingPattern.hpa("HOTFOLDER", "A01", 1), DEFAULT_TEMP_SUFFIXES, Duration.ofSeconds(2), false,
                Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(5),
                64L * 1024 * 1024, 64, 2, "microscope-gateway", blobRoot, 256 * 1024,
                Map.of("bootstrap.servers", bootstrapServers));
    }

    public GatewaySettings withQuietPeriod(Duration value) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, value, atomicWrites, checkInterval,
                rescanInterval, truncatedGrace, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withAtomicWrites(boolean value) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, quietPeriod, value, checkInterval,
                rescanInterval, truncatedGrace, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withNaming(NamingPattern value) {
        return new GatewaySettings(watchDir, stateDir, value, tempSuffixes, quietPeriod, atomicWrites, checkInterval,
                rescanInterval, truncatedGrace, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withBatch(int size, int threads) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, quietPeriod, atomicWrites, checkInterval,
                rescanInterval, truncatedGrace, retryBackoff, maxFileBytes, size, threads, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withTruncatedGrace(Duration value) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, quietPeriod, atomicWrites, checkInterval,
                rescanInterval, value, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withRescanInterval(Duration value) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, quietPeriod, atomicWrites, checkInterval,
                value, truncatedGrace, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                inlineLimit, kafkaClient);
    }

    public GatewaySettings withInlineLimit(int value) {
        return new GatewaySettings(watchDir, stateDir, naming, tempSuffixes, quietPeriod, atomicWrites, checkInterval,
                rescanInterval, truncatedGrace, retryBackoff, maxFileBytes, batchSize, workers, instrumentId, blobRoot,
                value, kafkaClient);
    }
}
