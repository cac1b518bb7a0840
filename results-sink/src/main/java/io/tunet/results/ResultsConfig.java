package io.tunet.results;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything the results sink can be told, with its defaults. Environment variables follow the usual
 * mapping ({@code results.kafka.group-id} → {@code RESULTS_KAFKA_GROUP_ID}).
 */
@ConfigMapping(prefix = "results")
public interface ResultsConfig {

    Kafka kafka();

    Database database();

    Auth auth();

    Thumbnails thumbnails();

    Query query();

    Drift drift();

    /** Root of the local blob store that claim-checked sample images live in. */
    @WithDefault(".tunet/blobs")
    Path blobStoreDir();

    interface Kafka {
        /** Bootstrap servers of the line's Kafka cluster. */
        @WithDefault("${kafka.bootstrap.servers:localhost:9092}")
        String bootstrapServers();

        /** Consumer group; instances of the sink sharing it split the partitions. */
        @WithDefault("results-sink")
        String groupId();

        /** Records per poll, and so per database transaction. */
        @WithDefault("100")
        int maxPollRecords();

        /** How often a paused consumer checks whether the database is back. */
        @WithDefault("PT1S")
        Duration databaseRetryInterval();

        /**
         * How often a record is tried on its own while the database answers before it goes to
         * {@code results-dlq}; failures that are the database's (outages) do not count.
         */
        @WithDefault("3")
        int maxAttempts();

        /**
         * Further client properties for the consumer and the feedback producer (security settings, for
         * example), after the service's defaults; keys in {@link KafkaClientProperties#RESERVED} are refused
         * at startup.
         */
        Map<String, String> properties();
    }

    interface Database {
        /** Data folder of the embedded PostgreSQL started when no JDBC URL is configured. */
        @WithDefault(".tunet/postgres")
        Path embeddedDir();

        /** Port of the embedded PostgreSQL; 0 picks a free one. */
        @WithDefault("0")
        int embeddedPort();
    }

    interface Auth {
        /** Token that may read; generated at start-up when absent. */
        Optional<String> viewerToken();

        /** Token that may read and post labels; generated at start-up when absent. */
        Optional<String> curatorToken();

        /**
         * Where generated tokens are written (owner-only, replaced at every start) instead of the log; unused
         * when both tokens are configured.
         */
        @WithDefault(".tunet/results-sink-tokens")
        Path generatedTokensFile();

        /** How long a live-stream ticket may wait for its one use. */
        @WithDefault("PT60S")
        Duration liveTicketValidity();
    }

    interface Thumbnails {
        /** Longest side of the stored composite thumbnail, in pixels. */
        @WithDefault("192")
        int size();
    }

    interface Query {
        /** Largest page a client may ask for. */
        @WithDefault("500")
        int maxPageSize();

        /** Most rows one CSV export returns. */
        @WithDefault("100000")
        int maxCsvRows();
    }

    interface Drift {
        /** How often the monitor scores the plates that got predictions since its last pass. */
        @WithDefault("PT30S")
        Duration interval();

        /** Fewest fields with QC a plate (instrument, cell line) needs to be scored. */
        @WithDefault("20")
        int minFields();

        /** A QC statistic's PSI above this (and above its chance level) raises the alarm. */
        @WithDefault("0.25")
        double qcThreshold();

        /** The prediction distribution's PSI above this (and above its chance level) raises the alarm. */
        @WithDefault("0.25")
        double predictionThreshold();

        /** The recent predictions an instrument or a cell line is scored over. */
        @WithDefault("PT24H")
        Duration window();

        /** Most fields compared per plate, instrument or cell line: the most recently classified ones. */
        @WithDefault("5000")
        int maxFields();
    }
}
