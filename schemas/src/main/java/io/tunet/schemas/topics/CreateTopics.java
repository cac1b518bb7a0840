package io.tunet.schemas.topics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Command line: creates the catalogue's missing topics on a broker.
 * {@code java -cp … io.tunet.schemas.topics.CreateTopics <bootstrap-servers> [replication-factor]}
 */
public final class CreateTopics {

    private CreateTopics() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CreateTopics <bootstrap-servers> [replication-factor]");
            System.exit(2);
        }
        short replication = args.length == 2 ? Short.parseShort(args[1]) : 1;
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> created = Topics.createMissing(admin, replication);
            for (Topic<?, ?> topic : Topics.all()) {
                System.out.printf("%-20s %2d partitions%s%s%n", topic.name(), topic.partitions(),
                        topic.compacted() ? ", compacted" : "", created.contains(topic.name()) ? "  (created)" : "");
            }
        } catch (ExecutionException e) {
            System.err.println("could not create topics on " + args[0] + ": " + e.getCause().getMessage());
            System.exit(1);
        }
    }
}
