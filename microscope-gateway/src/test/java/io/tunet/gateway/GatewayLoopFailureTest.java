package io.tunet.gateway;

import static io.tunet.gateway.StainFiles.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunet.schemas.Stain;
import io.tunet.testkit.TestBroker;
import io.tunet.testkit.WithKafka;

/** An unexpected error of the loop stops it and ends the process, so that a supervisor starts a fresh one. */
@WithKafka
class GatewayLoopFailureTest {

    @TempDir
    Path temp;

    @Test
    void shouldStopTheLoopAndReportItsErrorOnce(TestBroker broker) throws Exception {
        IllegalStateException bug = new IllegalStateException("a bug in the loop");
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        GatewaySettings settings = StainFiles.settings(temp, broker);
        try (HotFolderGateway gateway = HotFolderGateway.start(settings, new FailingRegistry(bug), reported::add)) {
            String id = "doomed-" + UUID.randomUUID().toString().substring(0, 8);
            java.nio.file.Files.write(settings.watchDir().resolve(StainFiles.name(id, Stain.RED_MICROTUBULES)),
                    StainFiles.png(id, Stain.RED_MICROTUBULES, 16));

            await(() -> !reported.isEmpty(), Duration.ofSeconds(20), "the error reported", () -> reported);
            assertThat(reported).containsExactly(bug);
            assertThat(gateway.running()).isFalse();
            assertThat(gateway.failure()).contains(bug);
        }
    }

    @Test
    void shouldExitWithStatusOneWhenTheLoopFailsUnlessTold() {
        List<Integer> exits = new ArrayList<>();
        GatewayService.loopFailed(new IllegalStateException("x"), true, exits::add);
        GatewayService.loopFailed(new IllegalStateException("y"), false, exits::add);

        assertThat(exits).containsExactly(GatewayService.EXIT_LOOP_FAILED);
        assertThat(GatewayService.EXIT_LOOP_FAILED).isEqualTo(1);
    }

    /** A registry whose "files seen" counter throws: stands in for any bug on the loop thread. */
    private static final class FailingRegistry extends SimpleMeterRegistry {

        private final RuntimeException error;

        FailingRegistry(RuntimeException error) {
            this.error = error;
        }

        @Override
        protected Counter newCounter(Meter.Id id) {
            Counter counter = super.newCounter(id);
            if (!id.getName().equals("gateway.files.seen")) {
                return counter;
            }
            return new Counter() {
                @Override
                public void increment(double amount) {
                    throw error;
                }

                @Override
                public double count() {
                    return counter.count();
                }

                @Override
                public Meter.Id getId() {
                    return counter.getId();
                }
            };
        }
    }
}
