package io.tunet.ingest;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything the ingest service can be configured with ({@code ingest.*}). The topology is built from this
 * interface alone ({@link io.tunet.ingest.assembly.AssemblyTopology#build}); tests implement it directly.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** How long a sample may wait for its missing stains before it is emitted as incomplete. */
    @WithDefault("PT5M")
    Duration sampleTimeout();

    /** How often (wall clock) partial samples are checked against the timeout. */
    @WithDefault("PT10S")
    Duration timeoutCheckInterval();

    /**
     * How long a completed or timed-out sample is remembered, so a retried stain is recognised as a duplicate
     * and a straggler as late.
     */
    @WithDefault("PT1H")
    Duration closedSampleRetention();

    /** Inline images larger than this many bytes are moved to the blob store before they enter the state. */
    @WithDefault("262144")
    int claimCheckThreshold();

    /** The largest encoded image (inline or referenced) accepted, in bytes. */
    @WithDefault("67108864")
    long maxImageBytes();

    /** The largest width or height an image header may claim. */
    @WithDefault("8192")
    int maxImageSide();

    /** The largest width × height an image header may claim. */
    @WithDefault("67108864")
    long maxImagePixels();

    /**
     * How often an acquisition whose processing throws is tried before it goes to {@code acquisitions-dlq} with
     * reason {@code OTHER}; failures of the blob store, the state stores or the broker do not count.
     */
    @WithDefault("3")
    int maxAttempts();

    /** The claim-check store. */
    BlobStoreConfig blobStore();

    /** The REST API ({@code /partial-samples}). */
    ApiConfig api();

    /** Who may read the REST API. */
    interface ApiConfig {

        /**
         * The bearer token every API request needs ({@code INGEST_API_TOKEN}); without one the API is off (403), since
         * partial samples name plates, wells and sample ids.
         */
        Optional<String> token();
    }

    /** Where claim-checked images live. */
    interface BlobStoreConfig {

        /** Root directory of the local blob store; relative paths resolve against the working directory. */
        @WithDefault(".tunet/blobs")
        String root();
    }
}
