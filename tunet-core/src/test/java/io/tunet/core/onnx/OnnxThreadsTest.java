package io.tunet.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.Model;
import io.tunet.core.model.NetworkSpec;
import io.tunet.core.model.Networks;
import io.tunet.core.model.TunetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The intra-op thread count asked for is the pool ONNX Runtime builds for the session. Counted from the outside:
 * ONNX Runtime starts its pool's native threads (all but one: the calling thread runs operators too) while the
 * session is created, and on Linux a new native thread inherits the name of the thread that started it, so loading
 * on a thread with a name of its own makes the pool's threads countable in {@code /proc/self/task}.
 */
@EnabledOnOs(OS.LINUX)
class OnnxThreadsTest {

    @TempDir
    static Path dir;

    private static Path file;

    @BeforeAll
    static void export() {
        NetworkSpec spec = NetworkSpec.tunet(new TunetConfig(32, 16, 2, 0.25f, false));
        try (Model model = Networks.newInitializedModel(spec, 3)) {
            file = OnnxExporter.export(model.getBlock(), OnnxModelMetadata.untuned("tunet", "1", 32),
                    dir.resolve("tunet.onnx"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldGiveTheSessionAPoolOfTheIntraOpThreadsAskedFor(int threads) throws Exception {
        assertEquals(threads - 1, poolThreadsStartedBy(() -> OnnxTunet.load(file, Device.cpu(), threads)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldTakeTheThreadCountFromDjlsPropertyWhenNoneIsGiven(int threads) throws Exception {
        String before = System.getProperty(OnnxTunet.THREADS_PROPERTY);
        System.setProperty(OnnxTunet.THREADS_PROPERTY, Integer.toString(threads));
        try {
            assertEquals(threads - 1, poolThreadsStartedBy(() -> OnnxTunet.load(file, Device.cpu())));
        } finally {
            if (before == null) {
                System.clearProperty(OnnxTunet.THREADS_PROPERTY);
            } else {
                System.setProperty(OnnxTunet.THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void shouldRefuseANegativeThreadCount() {
        assertThrows(IllegalArgumentException.class, () -> OnnxTunet.load(file, Device.cpu(), -1));
    }

    private interface Load {
        OnnxTunet load();
    }

    /** Loads on a thread of a unique name and counts the other threads of that name while the model is open. */
    private static int poolThreadsStartedBy(Load load) throws Exception {
        String name = "ort-probe-" + System.nanoTime() % 100_000;
        AtomicInteger started = new AtomicInteger(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            try (OnnxTunet onnx = load.load()) {
                started.set(threadsNamed(name) - 1);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        loader.start();
        loader.join();
        if (failure.get() != null) {
            throw new AssertionError("loading failed", failure.get());
        }
        return started.get();
    }

    private static int threadsNamed(String name) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return (int) tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).strip().equals(name);
                } catch (IOException e) {
                    return false; // the thread ended while we looked
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
