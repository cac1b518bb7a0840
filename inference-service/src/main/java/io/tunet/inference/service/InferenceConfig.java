package io.tunet.inference.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The inference service's whole configuration ({@code inference.*}); see the module README for each key. */
@ConfigMapping(prefix = "inference")
public interface InferenceConfig {

    /** Which model to serve and where a first one may come from. */
    ModelSettings model();

    /** Dynamic batching. */
    Batch batch();

    /** Threads and bounds of the pipeline. */
    Pipeline pipeline();

    /** Kafka clients. */
    Kafka kafka();

    /** Root folder of the local blob store that holds claim-checked images and ONNX files. */
    Path blobStoreRoot();

    /** Where this instance keeps what must outlive a crash: the marker of the model version being loaded. */
    Path stateDir();

    /**
     * Where ONNX Runtime runs models: {@code auto} (a GPU if ONNX Runtime can use one, else the CPU; a model the GPU
     * cannot run serves on the CPU, counted as a fallback), {@code cpu}, or {@code gpu} / {@code gpuN} (that GPU
     * only: start-up fails without it, a model it cannot run is refused). See {@code Devices}.
     */
    @WithDefault("auto")
    String device();

    /** Mask cleaning; unset values take tunet-core's defaults. */
    Masks masks();

    /** Field QC thresholds; unset values take the calibrated defaults (imaging README, "Field QC"). */
    Qc qc();

    /** Shadow models on live traffic (issue #19 §3). */
    Shadow shadow();

    /** Shadow models on live traffic. */
    interface Shadow {
        /**
         * The fraction of live samples, 0 to 1, that the newest CANDIDATE version newer than the champion also runs
         * on, its verdicts going to {@code classifications-shadow} only; 0 loads no shadow model. Which samples is
         * fixed by their ids ({@code ShadowSampling}). Outside [0, 1] the service does not start.
         */
        @WithDefault("0")
        double fraction();
    }

    /** The thresholds of {@code io.tunet.imaging.qc.QcSettings}, each optional. */
    interface Qc {
        /** A nuclear component smaller than this many pixels at 256² is debris (default 15). */
        OptionalInt minNucleusArea();

        /** Nuclear foreground must be this much brighter than the blue background, 0..1 (default 0.02). */
        OptionalDouble minNucleusContrast();

        /** EMPTY below this many nuclei (default 1). */
        OptionalInt minNuclei();

        /** EMPTY below this foreground fraction, 0..1 (default 0.002). */
        OptionalDouble minForegroundFraction();

        /** OUT_OF_FOCUS below this focus figure (default 4.5). */
        OptionalDouble minFocus();

        /** SATURATED above this fraction of pixels at the maximum in any stain, 0..1 (default 0.01). */
        OptionalDouble maxSaturatedFraction();

        /** DIM_&lt;stain&gt; below this 99.9th percentile, 0..1 (default 0.06). */
        OptionalDouble minP999();
    }

    /** The model. */
    interface ModelSettings {
        /** Model name followed on the {@code models} topic (its record key). */
        @WithDefault("tunet")
        String name();

        /** An ONNX file exported by tunet-core to serve until the registry promotes a version. */
        Optional<Path> path();

        /** Version of the file at {@link #path()}, when its metadata version is not a number. */
        OptionalLong version();

        /**
         * Keys whose signatures this instance trusts, {@code id=base64,id2=base64} (the training service's
         * {@code training.signing.key-id} and {@code training.signing.key}). When set, a version from the registry
         * is loaded only if its signature verifies with one of them; unset, signatures are not checked (a warning at
         * start). The file at {@link #path()} is the operator's own choice and is not checked.
         */
        Optional<String> trustedKeys();
    }

    /** Dynamic batching. */
    interface Batch {
        /** A batch closes when it holds this many samples... */
        @WithDefault("8")
        int maxSize();

        /** ...or when this long has passed since its first sample arrived, whichever comes first. */
        @WithDefault("10ms")
        Duration maxWait();
    }

    /** Threads and bounds of the pipeline. */
    interface Pipeline {
        /** Inference threads, each with its own ONNX Runtime session. */
        @WithDefault("1")
        int workers();

        /** Threads decoding images and preprocessing. */
        @WithDefault("1")
        int decodeThreads();

        /** Samples polled but not yet acknowledged, at most; beyond it the consumer pauses. */
        @WithDefault("64")
        int maxInFlight();

        /** Decoded samples waiting for a batch, at most. */
        @WithDefault("32")
        int queueCapacity();

        /**
         * Longest side, in pixels (8 to 2048), of the dashboard thumbnail each Classification carries, made from the
         * model's input tensor: resampled from it, so sharpest at or below the model's input size.
         */
        @WithDefault("192")
        int thumbnailSize();

        /**
         * Whether the process exits (status 1) once the pipeline stopped on an error, so that a supervisor
         * (Docker's restart policy, systemd, Kubernetes) restarts it; otherwise it stays up with liveness DOWN.
         */
        @WithDefault("true")
        boolean exitOnFailure();

        /**
         * A sample the process died with this many times (a native crash, an out-of-memory exit while working on
         * it) is dead-lettered instead of worked on again; counted in {@code pipeline-journal.txt} in the state
         * folder. After the first death every sample it died with is worked on alone, so the second names the one.
         */
        @WithDefault("2")
        int crashLimit();
    }

    /** Kafka clients. */
    interface Kafka {
        /** Bootstrap servers. */
        String bootstrapServers();

        /** Consumer group of the samples consumer. */
        @WithDefault("inference-service")
        String groupId();

        /** Records per poll. */
        @WithDefault("32")
        int maxPollRecords();

        /** How long one poll waits. */
        @WithDefault("100ms")
        Duration pollTimeout();

        /** How often completed offsets are committed. */
        @WithDefault("500ms")
        Duration commitInterval();

        /**
         * Further client properties for every client (security settings, for example), after the service's
         * defaults; keys in {@link KafkaClientProperties#RESERVED} are refused at startup.
         */
        Map<String, String> properties();
    }

    /** Mask cleaning. */
    interface Masks {
        /** Radius of the opening disc. */
        OptionalInt openingRadius();

        /** Smallest connected component kept, in pixels. */
        OptionalInt minComponentArea();
    }
}
