package io.tunet.inference.service;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunet.inference.fixtures.Broker;
import io.tunet.inference.fixtures.TestModels;
import io.tunet.testkit.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Exports a small TUNet for the application under test to start with ({@code inference.model.path}), gives
 * it a blob store and a consumer group positioned at the end of {@code samples}.
 */
public final class ExportedModelResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("inference-app-test");
            Path model = TestModels.export(dir, 31, TestModels.SIZE, "1");
            return Map.of(
                    "inference.model.path", model.toString(),
                    "inference.blob-store-root", dir.resolve("blobs").toString(),
                    "inference.kafka.group-id", Broker.groupAtEndOfSamples(TestBroker.shared()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the temporary folder holds a few kilobytes and goes with the build's /tmp
    }
}
