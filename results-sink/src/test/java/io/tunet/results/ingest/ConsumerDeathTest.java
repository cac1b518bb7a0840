package io.tunet.results.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ConsumerDeathTest {

    @Test
    void shouldExitWithStatusOneWhenTheConsumerThreadDiesWhileTheServiceRuns() throws Exception {
        List<Integer> exits = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            throw new IllegalStateException("the consumer hit something it does not handle");
        });
        consumer.setUncaughtExceptionHandler(new ConsumerDeath(() -> false, exits::add));

        consumer.start();
        consumer.join();

        assertThat(exits).containsExactly(1);
    }

    @Test
    void shouldNotExitWhenTheConsumerFailsWhileTheServiceIsStopping() {
        List<Integer> exits = new ArrayList<>();
        AtomicBoolean stopping = new AtomicBoolean(true);

        new ConsumerDeath(stopping::get, exits::add).uncaughtException(Thread.currentThread(),
                new IllegalStateException("closing failed"));

        assertThat(exits).isEmpty();
    }
}
