package io.tunet.schemas.topics;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Command line: creates the catalogue's missing topics on a broker.
 *
 * <pre>
 * java -cp … io.tunet.schemas.topics.CreateTopics &lt;bootstrap-servers&gt; [replication-factor] \
 *     [--command-config &lt;file&gt;]
 * </pre>
 *
 * <p>{@code --command-config} names a Java properties file of admin client settings, as Kafka's own tools take
 * it: security settings for a SASL/TLS cluster, timeouts. The bootstrap servers come from the command line
 * only. Exit codes: 0 when every catalogue topic exists afterwards, 1 when the cluster refused or could not be
 * reached, 2 for bad arguments.
 */
public final class CreateTopics {

    static final String USAGE =
            "usage: CreateTopics <bootstrap-servers> [replication-factor] [--command-config <file>]";
    private static final String COMMAND_CONFIG = "--command-config";

    private CreateTopics() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Creates the missing topics and prints one line per catalogue topic; {@link #main} without the exit, for
     * callers in a running JVM.
     *
     * @return the process exit code (0 done, 1 the cluster failed, 2 bad arguments)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Admin admin;
        try {
            admin = Admin.create(invocation.adminProperties());
        } catch (KafkaException e) {
            err.println("the admin client settings are not valid: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            return 2;
        }
        try (admin) {
            Set<String> created = Topics.createMissing(admin, invocation.replicationFactor());
            for (Topic<?, ?> topic : Topics.all()) {
                out.printf("%-20s %2d partitions%s%s%n", topic.name(), topic.partitions(),
                        topic.compacted() ? ", compacted" : "", created.contains(topic.name()) ? "  (created)" : "");
            }
            return 0;
        } catch (ExecutionException e) {
            err.println("could not create topics on " + invocation.bootstrapServers() + ": "
                    + e.getCause().getMessage());
            return 1;
        }
    }

    /**
     * The parsed command line.
     *
     * @param bootstrapServers where the cluster is
     * @param replicationFactor replicas of each created topic
     * @param clientProperties the command-config file's settings (empty without one)
     */
    record Invocation(String bootstrapServers, short replicationFactor, Map<String, String> clientProperties) {

        static Invocation parse(String[] args) {
            String bootstrap = null;
            Short replication = null;
            Optional<Path> commandConfig = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals(COMMAND_CONFIG)) {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(COMMAND_CONFIG + " needs a file");
                    }
                    commandConfig = Optional.of(Path.of(args[++i]));
                } else if (arg.startsWith("--")) {
                    throw new IllegalArgumentException("unknown option " + arg);
                } else if (bootstrap == null) {
                    bootstrap = arg;
                } else if (replication == null) {
                    replication = replicationFactor(arg);
                } else {
                    throw new IllegalArgumentException("unexpected argument " + arg);
                }
            }
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required");
            }
            Map<String, String> properties = commandConfig.map(Invocation::load).orElse(Map.of());
            return new Invocation(bootstrap, replication == null ? 1 : replication, properties);
        }

        /** The admin client's settings: the file's, then ours; the file may not name the bootstrap servers. */
        Map<String, Object> adminProperties() {
            Map<String, Object> props = new HashMap<>();
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
            props.putAll(clientProperties);
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return props;
        }

        private static short replicationFactor(String arg) {
            String problem = "replication factor must be a whole number from 1 to " + Short.MAX_VALUE + ", was '"
                    + arg + "'";
            short factor;
            try {
                factor = Short.parseShort(arg);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(problem, e);
            }
            if (factor < 1) {
                throw new IllegalArgumentException(problem);
            }
            return factor;
        }

        private static Map<String, String> load(Path file) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the command config " + file + ": " + e);
            }
            if (properties.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("the command config " + file + " sets "
                        + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG
                        + ": give the bootstrap servers as the first argument");
            }
            Map<String, String> settings = new HashMap<>();
            properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
            return Map.copyOf(settings);
        }
    }
}
