package io.tunet.training.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The training service's configuration ({@code training.*}). */
@ConfigMapping(prefix = "training")
public interface TrainingConfig {

    /** Where the dataset index, run folders and champion checkpoints live. */
    String dataDir();

    /** Root of the blob store shared with ingest and inference. */
    String blobStoreRoot();

    /** Kafka settings. */
    Kafka kafka();

    /** What is trained. */
    Model model();

    /** When retraining starts. */
    Trigger trigger();

    /** The promotion rules. */
    Gate gate();

    /** Model provenance: the key every published version is signed with. */
    Signing signing();

    /** What the service keeps on disk, and for how long (README, "Retention"). */
    Retention retention();

    interface Retention {
        /**
         * Unlabelled samples whose images are kept at most, the ones received last, so that a label arriving later
         * still finds its sample; older unlabelled samples are dropped and their images deleted.
         */
        @WithDefault("10000")
        int unlabelledMax();

        /** Unlabelled samples received longer ago than this are dropped whatever their number. */
        @WithDefault("14d")
        Duration unlabelledMaxAge();

        /**
         * How long the id of a dropped sample is remembered, so that a label for it is recognised as late (kept
         * without images, counted) instead of waiting and being dead-lettered as an unknown sample.
         */
        @WithDefault("90d")
        Duration forgetDroppedAfter();

        /** An owned blob stays at least this long after it was written or recorded, whatever references it. */
        @WithDefault("24h")
        Duration blobGrace();

        /**
         * Whether retention also deletes the other services' blobs (claim-checked stains, dead-letter payloads) once
         * no record the topics still hold can reference them (README, "Retention"). Off where the blob store is
         * shared with something outside the line.
         */
        @WithDefault("true")
        boolean foreignBlobs();

        /** The index and the blob ledger are rewritten when more than this share of their lines is dead. */
        @WithDefault("0.5")
        double compactDeadFraction();

        /** How often retention runs (read by the scheduler as {@code training.retention.every}). */
        @WithDefault("10m")
        Duration every();
    }

    interface Signing {
        /** Id of the key, written with each signature so that inference can pick the key (rotation). */
        @WithDefault("training")
        String keyId();

        /**
         * The HMAC-SHA256 key, base64, at least 32 bytes ({@code openssl rand -base64 32}); without it versions
         * are published unsigned, and inference instances that require signatures refuse them.
         */
        Optional<String> key();
    }

    /** How long feedback waits for its sample before it is dead-lettered. */
    @WithDefault("5m")
    Duration sampleWait();

    interface Kafka {
        /** Bootstrap servers. */
        String bootstrapServers();

        /** Consumer group for feedback and samples. */
        @WithDefault("training-service")
        String groupId();

        /**
         * How often the intake tries a record whose intake throws before it goes to {@code feedback-dlq}; failures
         * that are not the record's (blob store, index disk, broker) do not count.
         */
        @WithDefault("3")
        int maxAttempts();

        /** Transactional id of the model publisher; stable per instance so a restarted instance fences the old one. */
        @WithDefault("training-service-models")
        String transactionalId();

        /**
         * Further client properties for every client (security settings, for example), after the service's
         * defaults; keys in {@link KafkaClientProperties#RESERVED} are refused at startup.
         */
        Map<String, String> properties();
    }

    interface Model {
        /** Registry name (key on {@code models}); inference follows this name. */
        @WithDefault("tunet")
        String name();

        /**
         * {@code tunet}, {@code resnet34}, {@code inceptionv3} or {@code inceptionresnetv2}. Only TUNet outputs
         * masks, and inference-service refuses a model without them, so the baselines are for offline comparison.
         */
        @WithDefault("tunet")
        String architecture();

        /** A tunet-core preset: {@code cpu} or {@code paper}. */
        @WithDefault("cpu")
        String preset();

        /** Input size S; the preset's when absent. */
        Optional<Integer> inputSize();

        /** Base width; the preset's when absent. */
        Optional<Integer> baseWidth();

        /** Depth; the preset's when absent. */
        Optional<Integer> depth();

        /** Whether TUNet's masks are gated by its class probabilities; the preset's choice when absent. */
        Optional<Boolean> gatedMasks();

        @WithDefault("10")
        int epochs();

        /** Where runs train: cpu, gpu (the first GPU) or gpuN; a GPU PyTorch does not see stops the service at start. */
        @WithDefault("cpu")
        String device();

        @WithDefault("8")
        int batchSize();

        /** Adam's peak rate; the range test chooses it when absent. */
        Optional<Float> learningRate();

        @WithDefault("3")
        int patience();

        @WithDefault("true")
        boolean augment();

        @WithDefault("42")
        long seed();

        /** Share of samples in the validation split (by a hash of the sample id): early stopping, thresholds. */
        @WithDefault("0.1")
        double validationFraction();

        /**
         * Share of samples in the gate split (the next slice of the same hash): used for nothing but the promotion
         * gate, which scores challenger and champion there at their stored thresholds.
         */
        @WithDefault("0.1")
        double gateFraction();

        /** Start from the champion's published checkpoint (in the shared blob store) instead of from scratch. */
        @WithDefault("true")
        boolean warmStart();

        /**
         * With warm start on: fail the run (publishing nothing) when the champion's checkpoint cannot be had,
         * instead of training from scratch with a warning.
         */
        @WithDefault("false")
        boolean warmStartRequired();

        /** A run needs at least this many labelled training samples. */
        @WithDefault("16")
        int minTrainingSamples();
    }

    interface Trigger {
        /** Retrain after this many new labels; 0 turns the label trigger off. */
        @WithDefault("500")
        int newLabels();

        /** Retrain at least this often when there are new labels; absent turns the schedule off. */
        Optional<Duration> every();

        /** How often the triggers are checked (read by the scheduler as {@code training.trigger.check-interval}). */
        @WithDefault("10s")
        Duration checkInterval();

        /**
         * The bearer token {@code POST /training-runs} requires; without one the request trigger is off (403), so
         * that no one who can reach the port starts runs.
         */
        Optional<String> token();
    }

    interface Gate {
        /** Macro-F1 gain over the champion (or the baseline) needed for promotion. */
        @WithDefault("0.005")
        double minMacroF1Gain();

        /** Largest tolerated drop of one class's F1 against the champion. */
        @WithDefault("0.05")
        double maxClassF1Drop();

        /** The live gate: shadowing on live traffic before promotion (README, "Live gate (shadow models)"). */
        Shadow shadow();

        interface Shadow {
            /**
             * Curator-labelled shadowed samples a candidate needs for its live verdict; 0 turns the live gate off
             * (the offline verdict is published at once).
             */
            @WithDefault("0")
            int samples();

            /** How far a judged class's live F1 may fall below the champion's on the same samples. */
            @WithDefault("0.05")
            double margin();

            /** Curator-labelled positives a class needs among the shadowed samples to be judged. */
            @WithDefault("3")
            int minPositives();

            /** A candidate without a live verdict this long after its publication is rejected. */
            @WithDefault("7d")
            Duration maxWait();

            /** How often waiting candidates are judged against the curator labels. */
            @WithDefault("10s")
            Duration judgeEvery();
        }
    }
}
