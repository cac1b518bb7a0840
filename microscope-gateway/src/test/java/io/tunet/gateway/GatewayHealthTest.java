package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.testkit.FreePorts;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** Readiness follows the folder and the cluster. */
@WithKafka
class GatewayHealthTest {

    @TempDir
    Path temp;

    @Test
    void shouldBeReadyOnlyWhileTheFolderCanBeListedAndKafkaAnswers(TestBroker broker) throws Exception {
        GatewaySettings settings = StainFiles.settings(temp, broker);
        GatewayHealthChecks.Ready readiness = new GatewayHealthChecks.Ready(null);
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { })) {
            await(() -> readiness.check(Optional.of(gateway)).getStatus() == HealthCheckResponse.Status.UP,
                    Duration.ofSeconds(20), "ready", () -> readiness.check(Optional.of(gateway)).getData());

            Path away = temp.resolve("moved-away");
            Files.move(settings.watchDir(), away);
            await(() -> readiness.check(Optional.of(gateway)).getStatus() == HealthCheckResponse.Status.DOWN,
                    Duration.ofSeconds(20), "not ready without its folder", () -> "UP");
            HealthCheckResponse down = readiness.check(Optional.of(gateway));
            assertThat(down.getData().orElseThrow()).containsEntry("kafka", "reachable");
            assertThat((String) down.getData().orElseThrow().get("folder")).contains("cannot be listed or written");

            Files.move(away, settings.watchDir());
            await(() -> readiness.check(Optional.of(gateway)).getStatus() == HealthCheckResponse.Status.UP,
                    Duration.ofSeconds(20), "ready again once the folder is back", () -> "DOWN");
        } finally {
            readiness.close();
        }
    }

    @Test
    void shouldNotBeReadyWhenKafkaDoesNotAnswer() throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(temp.resolve("watch"), temp.resolve("blobs"),
                "127.0.0.1:" + FreePorts.next());
        GatewayHealthChecks.Ready readiness = new GatewayHealthChecks.Ready(null);
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), e -> { })) {
            HealthCheckResponse response = readiness.check(Optional.of(gateway));

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            Map<String, Object> data = response.getData().orElseThrow();
            assertThat((String) data.get("kafka")).startsWith("unreachable");
            assertThat(data.get("loop")).isEqualTo("running");
        } finally {
            readiness.close();
        }
    }

    @Test
    void shouldNotBeReadyBeforeTheGatewayStarted() {
        GatewayHealthChecks.Ready readiness = new GatewayHealthChecks.Ready(null);
        assertThat(readiness.check(Optional.empty()).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
