package io.tunet.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line of {@link CreateTopics}. Its run against a real broker (plain and with a command config) is
 * {@code CreateTopicsBrokerTest} in results-sink: the test broker module depends on this one.
 */
class CreateTopicsTest {

    @TempDir
    Path dir;

    @Test
    void shouldPassTheCommandConfigToTheAdminClientWithTheBootstrapFromTheCommandLine() throws IOException {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";
                default.api.timeout.ms=5000
                """);

        CreateTopics.Invocation invocation = CreateTopics.Invocation.parse(
                new String[] {"broker1:9093,broker2:9093", "3", "--command-config", config.toString()});

        assertThat(invocation.replicationFactor()).isEqualTo((short) 3);
        assertThat(invocation.adminProperties())
                .containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "broker1:9093,broker2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"a\" password=\"b\";")
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    }

    @Test
    void shouldTakeTheOptionBeforeThePositionalArgumentsAndDefaultToOneReplica() throws IOException {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\n");

        CreateTopics.Invocation invocation = CreateTopics.Invocation.parse(
                new String[] {"--command-config", config.toString(), "kafka:9092"});

        assertThat(invocation.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(invocation.replicationFactor()).isEqualTo((short) 1);
        assertThat(invocation.adminProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    }

    @Test
    void shouldRefuseACommandConfigThatNamesTheBootstrapServers() throws IOException {
        Path config = Files.writeString(dir.resolve("client.properties"), "bootstrap.servers=elsewhere:9092\n");

        assertThatThrownBy(() -> CreateTopics.Invocation.parse(
                new String[] {"kafka:9092", "--command-config", config.toString()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void shouldExitWithUsageAndTheReasonOnBadArguments() throws InterruptedException {
        assertThat(exit("kafka:9092", "three")).contains("replication factor", "'three'", CreateTopics.USAGE);
        assertThat(exit("kafka:9092", "0")).contains("replication factor", "'0'");
        assertThat(exit("kafka:9092", "--command-config")).contains("--command-config needs a file");
        assertThat(exit("kafka:9092", "--command-config", dir.resolve("missing.properties").toString()))
                .contains("cannot read the command config", "missing.properties");
        assertThat(exit("kafka:9092", "--config", "x")).contains("unknown option --config");
        assertThat(exit("kafka:9092", "3", "extra")).contains("unexpected argument extra");
        assertThat(exit()).contains("bootstrap servers are required");
    }

    @Test
    void shouldExitWithTheClientsComplaintWhenTheCommandConfigIsNotAValidClientConfiguration() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "default.api.timeout.ms=1000\n");

        assertThat(exit("localhost:9092", "--command-config", config.toString()))
                .contains("admin client settings are not valid", "default.api.timeout.ms");
    }

    private static String exit(String... args) throws InterruptedException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CreateTopics.run(args, new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
