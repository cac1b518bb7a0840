package io.tunet.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the loop runs, the watched folder can be listed and written (files are moved out of it), and the Kafka
 * cluster answers. Liveness: the loop has not stopped on an error.
 */
public final class GatewayHealthChecks {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);

    private GatewayHealthChecks() {
    }

    /** Ready when files can be picked up and published. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        private final GatewayService service;
        private Admin admin;

        Ready(GatewayService service) {
            this.service = service;
        }

        @Override
        public HealthCheckResponse call() {
            return check(service.gateway());
        }

        /** The readiness of a gateway (or of none, before startup). */
        HealthCheckResponse check(Optional<HotFolderGateway> gateway) {
            boolean running = gateway.map(HotFolderGateway::running).orElse(false);
            boolean folder = gateway.map(HotFolderGateway::folderAccessible).orElse(false);
            String kafka = gateway.map(g -> kafka(g.kafkaClient())).orElse("not started");
            return HealthCheckResponse.named("microscope-gateway")
                    .status(running && folder && kafka.equals("reachable"))
                    .withData("loop", running ? "running" : "stopped")
                    .withData("folder", gateway.map(g -> g.settings().watchDir().toAbsolutePath().toString()).orElse("")
                            + (folder ? "" : " (cannot be listed or written)"))
                    .withData("kafka", kafka)
                    .withData("incompleteFiles", gateway.map(HotFolderGateway::incompleteFiles).orElse(0))
                    .build();
        }

        private synchronized String kafka(Map<String, Object> client) {
            try {
                if (admin == null) {
                    Map<String, Object> props = new HashMap<>(client);
                    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "microscope-gateway-health");
                    admin = Admin.create(props);
                }
                int nodes = admin.describeCluster(new DescribeClusterOptions()
                                .timeoutMs((int) KAFKA_TIMEOUT.toMillis()))
                        .nodes().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
                return nodes > 0 ? "reachable" : "no brokers";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (Exception e) {
                return "unreachable: " + e;
            }
        }

        @PreDestroy
        synchronized void close() {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    /** Down once the loop stopped on an error (the process normally exits then). */
    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {

        private final GatewayService service;

        Alive(GatewayService service) {
            this.service = service;
        }

        @Override
        public HealthCheckResponse call() {
            var failure = service.gateway().flatMap(HotFolderGateway::failure);
            return HealthCheckResponse.named("microscope-gateway-loop")
                    .status(failure.isEmpty())
                    .withData("error", failure.map(Throwable::toString).orElse("none"))
                    .build();
        }
    }
}
