package io.tunet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A JVM that holds the in-JVM broker exits with the status it asked for, whatever order the shutdown hooks run
 * in: the broker's files are removed only after the broker has stopped. Before this held, Kafka's test-kit
 * deleted the broker's directory from a hook of its own while the broker still ran, the broker halted the JVM
 * with status 1, and Surefire failed forks whose tests had all passed.
 */
class TestBrokerExitTest {

    @Test
    void shouldExitWithStatusZeroAndRemoveTheBrokerDataWhenTheJvmStopsSlowly() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerExitChild.class.getName(), "7000")
                .redirectErrorStream(true).start();
        String output;
        boolean exited;
        try {
            output = readAll(child);
            exited = child.waitFor(120, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }

        assertThat(exited).isTrue();
        assertThat(output).contains("EXITING").doesNotContain("The in-JVM Kafka broker halted");
        assertThat(child.exitValue()).as("exit status; child output:%n%s", output).isZero();
        String data = output.lines().filter(l -> l.startsWith("DATA ")).findFirst().orElseThrow().substring(5);
        assertThat(Path.of(data)).doesNotExist();
    }

    private static String readAll(Process child) throws IOException {
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
