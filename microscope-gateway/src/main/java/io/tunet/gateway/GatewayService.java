package io.tunet.gateway;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.tunet.blob.BlobStoreException;
import io.tunet.gateway.folder.NamingPattern;

/**
 * The running service: builds {@link GatewaySettings} from {@link GatewayConfig} and starts the
 * {@link HotFolderGateway} at startup; closes it at shutdown. When the gateway's loop stops on an error the process
 * exits with status {@value #EXIT_LOOP_FAILED} ({@code gateway.exit-on-failure}), so that a supervisor restarts it.
 */
@ApplicationScoped
public class GatewayService {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

    /** The process exit status after the loop stopped on an error. */
    public static final int EXIT_LOOP_FAILED = 1;

    private final GatewayConfig config;
    private final MeterRegistry meters;
    private final ServiceExit exit;
    private volatile HotFolderGateway gateway;

    GatewayService(GatewayConfig config, MeterRegistry meters, ServiceExit exit) {
        this.config = config;
        this.meters = meters;
        this.exit = exit;
    }

    void start(@Observes StartupEvent event) throws IOException, BlobStoreException {
        gateway = HotFolderGateway.start(settings(config), meters,
                error -> loopFailed(error, config.exitOnFailure(), exit));
    }

    void stop(@Observes ShutdownEvent event) {
        HotFolderGateway running = gateway;
        if (running != null) {
            running.close();
        }
    }

    /** The gateway, once started. */
    public Optional<HotFolderGateway> gateway() {
        return Optional.ofNullable(gateway);
    }

    /**
     * After the loop stopped nothing more is published; files in the folder stay there, and the journal tells the
     * next process what was sent, so exiting loses nothing and doubles nothing.
     */
    static void loopFailed(Throwable error, boolean exitOnFailure, ServiceExit exit) {
        if (exitOnFailure) {
            LOG.error("the gateway's loop stopped ({}): exiting with status {} so that the supervisor restarts it; "
                    + "the journal makes the restart publish every file exactly once (gateway.exit-on-failure=true)",
                    error.toString(), EXIT_LOOP_FAILED);
            exit.exit(EXIT_LOOP_FAILED);
        } else {
            LOG.error("the gateway's loop stopped ({}): liveness is DOWN and nothing is published until the service "
                    + "is restarted (gateway.exit-on-failure=false)", error.toString());
        }
    }

    /**
     * The gateway's settings from the configuration.
     *
     * @throws ConfigurationException naming the property, for a naming pattern or stain mapping that cannot work or
     *                                a reserved Kafka setting
     */
    static GatewaySettings settings(GatewayConfig config) {
        GatewayConfig.Naming naming = config.naming();
        NamingPattern pattern;
        try {
            pattern = NamingPattern.of(naming.pattern(), naming.stains(), naming.omePattern(), naming.plate(),
                    naming.well(), naming.field());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("gateway.naming: " + e.getMessage(),
                    Set.of("gateway.naming.pattern", "gateway.naming.stains",
                            "gateway.naming.ome-pattern"));
        }
        Map<String, Object> client = KafkaClientProperties.of(config.kafka().bootstrapServers(),
                config.kafka().properties());
        return new GatewaySettings(config.watchDir(),
                config.stateDir().orElse(config.watchDir().resolve(GatewaySettings.DEFAULT_STATE_FOLDER)), pattern,
                config.tempSuffixes(), config.quietPeriod(), config.atomicWrites(), config.checkInterval(),
                config.rescanInterval(), config.truncatedGrace(), config.retryBackoff(), config.maxFileBytes(),
                config.batchSize(), config.workers(), config.instrumentId(), config.blobStore().root(),
                config.inlineLimit(), client);
    }
}
