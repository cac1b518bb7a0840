package io.tunet.inference.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunet.blob.BlobStoreException;
import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.qc.QcSettings;
import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.inference.metrics.InferenceMetrics;
import io.tunet.inference.model.Devices;
import io.tunet.inference.model.LoadMarkers;
import io.tunet.inference.model.ModelLoader;
import io.tunet.inference.model.ModelRefusedException;
import io.tunet.inference.model.ModelRegistry;
import io.tunet.schemas.provenance.ModelSignatures;
import io.tunet.inference.model.ModelVersionFollower;
import io.tunet.inference.pipeline.CrashSuspects;
import io.tunet.inference.pipeline.InferencePipeline;
import io.tunet.inference.pipeline.PipelineSettings;
import io.tunet.inference.pipeline.SampleDecoder;
import io.tunet.schemas.topics.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: on startup it picks the device ({@code inference.device}), loads the first model from
 * {@code inference.model.path} if given, follows the {@code models} topic, and starts the pipeline (which consumes
 * once a model serves).
 */
@ApplicationScoped
public class InferenceService {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    /** The process exit status after the pipeline stopped on an error. */
    public static final int EXIT_PIPELINE_FAILED = 1;

    private final InferenceConfig config;
    private final InferenceMetrics metrics;
    private final ServiceExit exit;
    private ModelRegistry registry;
    private ModelVersionFollower follower;
    private InferencePipeline pipeline;
    private SampleDecoder decoder;
    private volatile double shadowFraction;

    InferenceService(InferenceConfig config, MeterRegistry meters, ServiceExit exit) {
        this.config = config;
        this.metrics = new InferenceMetrics(meters);
        this.exit = exit;
    }

    void start(@Observes StartupEvent event) throws BlobStoreException, ModelRefusedException {
        Devices.Selection devices = Devices.select(config.device(), Devices.Host.detect());
        Map<String, Object> client = KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties());
        PipelineSettings settings = settings(config);
        LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(config.blobStoreRoot());
        Map<String, byte[]> trusted = config.model().trustedKeys().map(ModelSignatures::parseKeys).orElse(Map.of());
        if (trusted.isEmpty()) {
            LOG.warn("inference.model.trusted-keys is not set: model versions from the registry are loaded without "
                    + "checking who trained them");
        } else {
            LOG.info("loading only model versions signed with one of the keys {}", trusted.keySet());
        }
        registry = new ModelRegistry(config.model().name(), blobs, new ModelLoader(devices, settings.batchMaxSize()),
                LoadMarkers.in(config.stateDir()), metrics, trusted);
        if (config.model().path().isPresent()) {
            registry.loadFile(config.model().path().get(), config.model().version());
        }
        shadowFraction = settings.shadowFraction();
        boolean shadowing = shadowFraction > 0;
        if (shadowing) {
            LOG.info("shadowing: the newest CANDIDATE version newer than the champion also runs on {}% of the samples "
                    + "(inference.shadow.fraction), its verdicts to {} only", 100 * settings.shadowFraction(),
                    Topics.CLASSIFICATIONS_SHADOW);
        }
        follower = new ModelVersionFollower(registry, client, shadowing);
        follower.start();
        // a sample's four stains decoded at once on up to as many cores as the process is given
        QcSettings qc = qcSettings(config.qc());
        if (!qc.equals(QcSettings.defaults())) {
            LOG.info("field QC thresholds: {} (defaults {})", qc, QcSettings.defaults());
        }
        decoder = new SampleDecoder(blobs, DecodeLimits.defaults(),
                Math.min(Channel.values().length, Runtime.getRuntime().availableProcessors()), qc,
                config.pipeline().thumbnailSize());
        pipeline = new InferencePipeline(settings, registry, decoder, metrics,
                CrashSuspects.open(config.stateDir(), config.pipeline().crashLimit()));
        pipeline.failed().thenAccept(error -> pipelineFailed(error, config.pipeline().exitOnFailure(), exit));
        pipeline.start();
        LOG.info("inference service started: batches of up to {} within {}, {} worker(s)", settings.batchMaxSize(),
                settings.batchMaxWait(), settings.workers());
    }

    void stop(@Observes ShutdownEvent event) {
        if (pipeline != null) {
            pipeline.close();
        }
        if (decoder != null) {
            decoder.close();
        }
        if (follower != null) {
            follower.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The model registry (null before startup). */
    public ModelRegistry registry() {
        return registry;
    }

    /** The fraction of samples a shadow model also runs on (0 before startup). */
    public double shadowFraction() {
        return shadowFraction;
    }

    /** The pipeline, once started. */
    public Optional<InferencePipeline> pipeline() {
        return Optional.ofNullable(pipeline);
    }

    /** The service's meters. */
    public InferenceMetrics metrics() {
        return metrics;
    }

    /** The field QC thresholds of a configuration: the calibrated defaults, with what it sets. */
    static QcSettings qcSettings(InferenceConfig.Qc qc) {
        QcSettings d = QcSettings.defaults();
        return new QcSettings(qc.minNucleusArea().orElse(d.minNucleusArea()),
                qc.minNucleusContrast().orElse(d.minNucleusContrast()), qc.minNuclei().orElse(d.minNuclei()),
                qc.minForegroundFraction().orElse(d.minForegroundFraction()), qc.minFocus().orElse(d.minFocus()),
                qc.maxSaturatedFraction().orElse(d.maxSaturatedFraction()), qc.minP999().orElse(d.minP999()));
    }

    /** The pipeline settings of a configuration. */
    static PipelineSettings settings(InferenceConfig config) {
        MaskPostProcessor.Builder masks = MaskPostProcessor.builder();
        config.masks().openingRadius().ifPresent(masks::optOpeningRadius);
        config.masks().minComponentArea().ifPresent(masks::optMinComponentArea);
        InferenceConfig.Kafka kafka = config.kafka();
        return new PipelineSettings(kafka.bootstrapServers(), kafka.groupId(), kafka.properties(),
                kafka.maxPollRecords(), kafka.pollTimeout(), kafka.commitInterval(), config.batch().maxSize(),
                config.batch().maxWait(), config.pipeline().workers(), config.pipeline().decodeThreads(),
                config.pipeline().maxInFlight(), config.pipeline().queueCapacity(), masks.build(),
                config.shadow().fraction());
    }

    /**
     * After the pipeline stopped on an error nothing more is consumed or committed; the uncommitted samples are
     * replayed by whichever process consumes next, so exiting loses nothing.
     */
    static void pipelineFailed(Throwable error, boolean exitOnFailure, ServiceExit exit) {
        if (exitOnFailure) {
            LOG.error("the pipeline stopped ({}): exiting with status {} so that the supervisor restarts the service; "
                    + "it resumes from the last committed offset (inference.pipeline.exit-on-failure=true)",
                    error.toString(), EXIT_PIPELINE_FAILED);
            exit.exit(EXIT_PIPELINE_FAILED);
        } else {
            LOG.error("the pipeline stopped ({}): liveness is DOWN and nothing is consumed until the service is "
                    + "restarted (inference.pipeline.exit-on-failure=false)", error.toString());
        }
    }
}
