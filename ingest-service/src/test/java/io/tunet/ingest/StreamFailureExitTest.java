package io.tunet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamFailureExitTest {

    @Test
    void shouldShutTheClientDownAndExitWithStatusOneWhenAStreamThreadDies() {
        List<Integer> exits = new ArrayList<>();

        StreamThreadExceptionResponse response = new StreamFailureExit(exits::add)
                .handle(new IllegalStateException("No space left on device"));

        assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(exits).containsExactly(1);
    }
}
