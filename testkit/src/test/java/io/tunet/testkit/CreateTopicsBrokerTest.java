package io.tunet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.schemas.topics.CreateTopics;
import io.tunet.schemas.topics.Topics;

/**
 * {@code topics-init}'s command ({@link CreateTopics}) against the testkit broker, with a {@code --command-config}
 * file as an operator gives it for a secured cluster. Lives with the test broker because {@code schemas}, where
 * the command is, cannot depend on it.
 */
@WithKafka
class CreateTopicsBrokerTest {

    @TempDir
    Path dir;

    @Test
    void shouldReportEveryCatalogueTopicUsingTheCommandConfig(TestBroker broker) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                client.id=topics-init-test
                default.api.timeout.ms=20000
                request.timeout.ms=10000
                """);

        Run run = run(broker.bootstrapServers(), "1", "--command-config", config.toString());

        assertThat(run.code()).isZero();
        assertThat(run.out().lines()).hasSize(Topics.all().size());
        Topics.all().forEach(topic -> assertThat(run.out()).contains(topic.name()));
    }

    @Test
    void shouldFailWithTheClustersAnswerWhenTheCommandConfigDoesNotMatchTheListener(TestBroker broker)
            throws Exception {
        // TLS against the plaintext test listener: only a client that applied the file fails, and within its timeout
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SSL
                default.api.timeout.ms=3000
                request.timeout.ms=1000
                """);

        Run run = run(broker.bootstrapServers(), "--command-config", config.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("could not create topics on " + broker.bootstrapServers());
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CreateTopics.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
