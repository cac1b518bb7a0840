package io.tunet.gateway;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The gateway alone in its own JVM, for tests that kill it: {@code bootstrap watchDir blobRoot batchSize}. Prints
 * {@code STARTED} once the loop runs, then its counters once a second; never exits by itself, except with status 1
 * when the loop fails.
 */
public final class GatewayProcess {

    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(Path.of(args[1]), Path.of(args[2]), args[0])
                .withQuietPeriod(Duration.ofMillis(200)).withRescanInterval(Duration.ofSeconds(1))
                .withBatch(Integer.parseInt(args[3]), 2);
        HotFolderGateway gateway = HotFolderGateway.start(settings, new SimpleMeterRegistry(), error -> {
            error.printStackTrace();
            Runtime.getRuntime().halt(1);
        });
        System.out.println("STARTED");
        GatewayMetrics metrics = gateway.metrics();
        while (true) {
            Thread.sleep(1000);
            System.out.printf("seen %.0f, published %.0f, already published before a restart %.0f%n",
                    metrics.seenCount(), metrics.publishedCount(), metrics.alreadyPublishedCount());
        }
    }
}
