package io.tunet.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

class BatchesTest {

    @Test
    void shouldCloseABatchWhenFull() throws InterruptedException {
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(20);
        for (int i = 0; i < 11; i++) {
            queue.add(i);
        }
        List<Integer> batch = Batches.next(queue, 8, Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(batch).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(queue).containsExactly(8, 9, 10);
    }

    @Test
    void shouldCloseAPartialBatchAfterTheMaximumWait() throws InterruptedException {
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(20);
        queue.add(1);
        queue.add(2);
        long start = System.nanoTime();
        List<Integer> batch = Batches.next(queue, 8, Duration.ofMillis(50), Duration.ofSeconds(1));
        assertThat(batch).containsExactly(1, 2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void shouldTakeItemsThatArriveWhileTheBatchIsOpen() throws InterruptedException {
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(20);
        queue.add(1);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(20);
                queue.put(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.start();
        List<Integer> batch = Batches.next(queue, 2, Duration.ofSeconds(5), Duration.ofSeconds(1));
        late.join();
        assertThat(batch).containsExactly(1, 2);
    }

    @Test
    void shouldReturnNothingWhenIdle() throws InterruptedException {
        assertThat(Batches.next(new ArrayBlockingQueue<Integer>(1), 8, Duration.ofMillis(5), Duration.ofMillis(20)))
                .isEmpty();
    }
}
