package io.tunet.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

/**
 * The scale-out description (docker-compose.yml, the services' Dockerfiles, docs/deployment.md) checked
 * without a Docker engine: what would otherwise only fail on someone's first {@code docker compose up}
 * (a misspelt variable the service silently ignores, a blob store mounted where the service does not look,
 * an undocumented setting) fails here. Where the {@code docker compose} plugin exists, Compose itself
 * validates the file too.
 */
class ComposeDescriptionTest {

    private static final List<String> QUARKUS_SERVICES =
            List.of("ingest-service", "inference-service", "training-service", "results-sink", "microscope-gateway");
    private static final String BLOB_STORE_VARIABLE = "TUNET_BLOB_STORE";

    /**
     * Quarkus' own properties a deployment may set, per service; no module source names them. The Kafka
     * Streams ones are the extension's security settings, the only way SASL/TLS reaches ingest's clients.
     */
    private static final Map<String, List<String>> FRAMEWORK_PROPERTIES = Map.of(
            "ingest-service", List.of("quarkus.http.port",
                    "quarkus.kafka-streams.security-protocol",
                    "quarkus.kafka-streams.sasl.mechanism", "quarkus.kafka-streams.sasl.jaas-config",
                    "quarkus.kafka-streams.ssl.truststore.location", "quarkus.kafka-streams.ssl.truststore.password",
                    "quarkus.kafka-streams.ssl.truststore.type", "quarkus.kafka-streams.ssl.truststore.certificates",
                    "quarkus.kafka-streams.ssl.keystore.location", "quarkus.kafka-streams.ssl.keystore.password",
                    "quarkus.kafka-streams.ssl.keystore.type", "quarkus.kafka-streams.ssl.key.password",
                    "quarkus.kafka-streams.ssl.endpoint-identification-algorithm"),
            "inference-service", List.of("quarkus.http.port"),
            "training-service", List.of("quarkus.http.port"),
            "microscope-gateway", List.of("quarkus.http.port"),
            // the JDBC URL is also what ResultsSinkMain looks at to decide against the embedded server
            "results-sink", List.of("quarkus.http.port", "quarkus.datasource.jdbc.url", "quarkus.datasource.password",
                    "quarkus.flyway.password"));

    /** Variables read by the process around the application, not by its configuration. */
    private static final Map<String, String> PROCESS_VARIABLES = Map.of(
            "JAVA_OPTS", "the images' entry point puts it on the java command line",
            "DJL_CACHE_DIR", "DJL: where it keeps extracted files",
            "ENGINE_CACHE_DIR", "DJL: where engines' natives are extracted",
            "OMP_WAIT_POLICY", "OpenMP (ONNX Runtime, libtorch): idle threads sleep",
            "GLIBC_TUNABLES", "glibc's allocator");

    private static Path root;
    private static ComposeFile compose;
    private static String deploymentDoc;
    private static Map<String, ServiceConfiguration> configurations;
    private static Map<String, Dockerfile> dockerfiles;

    @BeforeAll
    static void readDescription() throws IOException {
        root = repositoryRoot();
        compose = ComposeFile.read(root.resolve("docker-compose.yml"));
        Path doc = root.resolve("docs/deployment.md");
        assertThat(doc).as("the deployment guide").isRegularFile();
        deploymentDoc = Files.readString(doc);
        configurations = new LinkedHashMap<>();
        dockerfiles = new LinkedHashMap<>();
        for (String service : QUARKUS_SERVICES) {
            configurations.put(service, ServiceConfiguration.read(root.resolve(service), FRAMEWORK_PROPERTIES.get(service)));
            ComposeFile.Build build = compose.service(service).build()
                    .orElseThrow(() -> new AssertionError(service + " must be built from its module"));
            dockerfiles.put(service, Dockerfile.read(root.resolve(build.context()).resolve(build.dockerfile())));
        }
    }

    @Test
    void shouldDescribeTheWholeLine() {
        assertThat(compose.services()).containsKeys("kafka", "postgres", "topics-init",
                "ingest-service", "inference-service", "training-service", "results-sink", "microscope-gateway");
        ComposeFile.Service kafka = compose.service("kafka");
        assertThat(kafka.environment().get("KAFKA_PROCESS_ROLES")).as("a KRaft broker, no ZooKeeper")
                .contains("controller");
        assertThat(compose.services().values()).allSatisfy(service ->
                assertThat(service.environment().keySet()).as(service.name()).doesNotContain("KAFKA_ZOOKEEPER_CONNECT"));
    }

    @Test
    void shouldBuildEachServiceFromItsOwnPackagedModule() throws IOException {
        String dockerignore = Files.readString(root.resolve(".dockerignore"));
        for (String service : QUARKUS_SERVICES) {
            ComposeFile.Build build = compose.service(service).build().orElseThrow();
            assertThat(root.resolve(build.context()).normalize()).as(service + " build context").isEqualTo(root);
            assertThat(build.dockerfile()).as(service + " Dockerfile, the Quarkus convention")
                    .isEqualTo(service + "/src/main/docker/Dockerfile.jvm");
            assertThat(dockerfiles.get(service).copySources()).as(service + " copies only its own application")
                    .allSatisfy(source -> assertThat(source).satisfiesAnyOf(
                            s -> assertThat(s).startsWith(service + "/target/quarkus-app/"),
                            s -> assertThat(s).startsWith("docker/")));
            assertThat(dockerignore).as(".dockerignore lets " + service + "'s application into the build context")
                    .contains("!" + service + "/target/quarkus-app/");
        }
        for (ComposeFile.Service service : compose.services().values()) {
            service.build().ifPresent(build -> {
                Path context = root.resolve(build.context());
                assertThat(context).as(service.name() + " build context").isDirectory();
                assertThat(context.resolve(build.dockerfile())).as(service.name() + " Dockerfile").isRegularFile();
            });
            for (String source : dockerfilesOf(service)) {
                if (source.startsWith("docker/")) {
                    assertThat(root.resolve(source)).as(service.name() + " copies " + source).exists();
                }
            }
        }
    }

    @Test
    void shouldDependOnlyOnDefinedServicesThatCanSignalReadiness() {
        for (ComposeFile.Service service : compose.services().values()) {
            service.dependsOn().forEach((dependency, condition) -> {
                assertThat(compose.services()).as(service.name() + " depends on").containsKey(dependency);
                if (condition.equals("service_healthy")) {
                    assertThat(compose.service(dependency).healthcheck())
                            .as(service.name() + " waits for " + dependency + " to be healthy: it needs a health check")
                            .isNotEmpty();
                }
            });
        }
    }

    @Test
    void shouldDeclareEveryNamedVolume() {
        for (ComposeFile.Service service : compose.services().values()) {
            service.mounts().stream().filter(ComposeFile.Mount::named).forEach(mount ->
                    assertThat(compose.declaredVolumes()).as(service.name() + " mounts volume " + mount.source())
                            .contains(mount.source()));
        }
    }

    @Test
    void shouldMountOneBlobStoreWhereEveryServiceLooksForIt() {
        Set<String> volumes = new TreeSet<>();
        for (String name : QUARKUS_SERVICES) {
            ComposeFile.Service service = compose.service(name);
            String path = service.environment().get(BLOB_STORE_VARIABLE);
            assertThat(path).as(name + " sets " + BLOB_STORE_VARIABLE).isNotBlank();
            volumes.add(service.volumeAt(path).orElseThrow(() -> new AssertionError(
                    name + " reads its blob store at " + path + " but mounts no named volume there: " + service.mounts())));
        }
        assertThat(volumes).as("ingest, inference, training, results-sink and the gateway share one blob-store volume")
                .hasSize(1);
    }

    @Test
    void shouldLetEachServiceWriteToItsVolumes() {
        for (String name : QUARKUS_SERVICES) {
            String runs = String.join("\n", dockerfiles.get(name).runCommands());
            compose.service(name).mounts().stream().filter(ComposeFile.Mount::named).forEach(mount ->
                    assertThat(runs).as(name + " image creates " + mount.target() + " owned by its user, so a fresh volume "
                            + mount.source() + " mounted there is writable").contains("chown 185:185").contains(mount.target()));
        }
    }

    @Test
    void shouldSetOnlyVariablesTheServicesRead() {
        Map<String, List<String>> ignored = new TreeMap<>();
        for (String service : QUARKUS_SERVICES) {
            Set<String> names = new LinkedHashSet<>(compose.service(service).environment().keySet());
            names.addAll(dockerfiles.get(service).environment().keySet());
            for (ComposeFile example : documentedComposeExamples()) {
                if (example.services().containsKey(service)) {
                    names.addAll(example.service(service).environment().keySet());
                }
            }
            List<String> unread = names.stream().filter(n -> !reads(service, n)).toList();
            if (!unread.isEmpty()) {
                ignored.put(service, unread);
            }
        }
        assertThat(ignored).as("variables no service reads (a misspelt name is silently ignored at run time)").isEmpty();
    }

    @Test
    void shouldRejectAMisspeltVariableAndAcceptRealOnes() {
        ServiceConfiguration inference = configurations.get("inference-service");
        assertThat(inference.reads("INFERENCE_BATCH_MAX_SIZE")).isTrue();
        assertThat(inference.reads("INFERENCE_KAFKA_PROPERTIES_SECURITY_PROTOCOL")).as("a Map member takes any key").isTrue();
        assertThat(inference.reads("INFERENCE_BATCH_MAX_SIZ")).isFalse();
        assertThat(inference.reads("INFERENCE_KAFKA_PROPERTIES")).as("a Map member needs a key").isFalse();
        assertThat(configurations.get("training-service").reads("TUNET_TRAINING_DATA"))
                .as("a name application.properties refers to").isTrue();
        assertThat(configurations.get("results-sink").reads("KAFKA_BOOTSTRAP_SERVERS"))
                .as("a name a @WithDefault expression refers to").isTrue();
        assertThat(configurations.get("results-sink").reads("RESULTS_AUTH_VIEWER_TOKENS")).isFalse();
        assertThat(configurations.get("training-service").reads("TRAINING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                .as("every Java service takes Kafka client properties the same way").isTrue();
        assertThat(configurations.get("results-sink").reads("RESULTS_KAFKA_PROPERTIES_SECURITY_PROTOCOL")).isTrue();
        assertThat(inference.reads("INFERENCE_PIPELINE_EXIT_ON_FAILURE")).isTrue();
        assertThat(configurations.get("ingest-service").reads("KAFKA_STREAMS_NUM_STREAM_THREADS"))
                .as("a kafka-streams.* name application.properties holds").isTrue();
        assertThat(configurations.get("ingest-service").reads("KAFKA_STREAMS_REPLICATION_FACTOR")).isTrue();
        assertThat(configurations.get("ingest-service").reads("KAFKA_STREAMS_COMMIT_INTERVAL_MS")).isTrue();
        assertThat(configurations.get("ingest-service").reads("KAFKA_STREAMS_POLL_MS"))
                .as("a kafka-streams.* name it does not hold is ignored at run time").isFalse();
    }

    @Test
    void shouldDocumentEveryVariableADeploymentSets() {
        Set<String> variables = new TreeSet<>(compose.interpolatedVariables());
        for (String service : QUARKUS_SERVICES) {
            variables.addAll(compose.service(service).environment().keySet());
            variables.addAll(dockerfiles.get(service).environment().keySet());
        }
        List<String> undocumented = variables.stream().filter(v -> !deploymentDoc.contains("`" + v + "`")).toList();
        assertThat(undocumented).as("variables missing from docs/deployment.md").isEmpty();
    }

    @Test
    void shouldCheckReadinessOnThePortEachServiceListensOn() {
        for (String name : QUARKUS_SERVICES) {
            ComposeFile.Service service = compose.service(name);
            String port = service.environment().get("QUARKUS_HTTP_PORT");
            assertThat(port).as(name + " sets its HTTP port").isNotBlank();
            assertThat(service.healthcheck()).as(name + " health check").containsExactly("CMD", "tunet-ready", port);
            assertThat(dockerfiles.get(name).exposedPorts()).as(name + " image exposes").containsExactly(Integer.parseInt(port));
        }
    }

    @Test
    void shouldShipNoDatabasePasswordAndQueryAsARoleThatOwnsNothing() throws IOException {
        Map<String, String> postgres = compose.service("postgres").environment();
        Map<String, String> sink = compose.service("results-sink").environment();
        for (String password : List.of(postgres.get("POSTGRES_PASSWORD"), postgres.get("RESULTS_DB_PASSWORD"),
                sink.get("QUARKUS_DATASOURCE_PASSWORD"), sink.get("QUARKUS_FLYWAY_PASSWORD"))) {
            assertThat(password).as("a password the operator must set: ${VAR:?message}, no default").matches("\\$\\{[A-Z_]+:\\?[^}]+}");
        }
        assertThat(sink.get("QUARKUS_FLYWAY_USERNAME")).as("migrations run as the owner").isEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(sink.get("QUARKUS_DATASOURCE_USERNAME")).as("queries run as another role")
                .isNotEqualTo(postgres.get("POSTGRES_USER"));
        assertThat(sink.get("QUARKUS_DATASOURCE_PASSWORD")).as("the runtime role has its own password")
                .isNotEqualTo(sink.get("QUARKUS_FLYWAY_PASSWORD")).isEqualTo(postgres.get("RESULTS_DB_PASSWORD"));
        ComposeFile.Mount init = compose.service("postgres").mounts().stream()
                .filter(m -> m.target().equals("/docker-entrypoint-initdb.d")).findFirst()
                .orElseThrow(() -> new AssertionError("postgres mounts no init script folder"));
        Path scripts = root.resolve(init.source());
        String script;
        try (var files = Files.list(scripts)) {
            script = String.join("\n", files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).toList());
        }
        assertThat(script).as("the init script creates the runtime role with its password")
                .contains("CREATE ROLE " + sink.get("QUARKUS_DATASOURCE_USERNAME")).contains("RESULTS_DB_PASSWORD");
    }

    @Test
    void shouldLetTheBrokerCarryTheLargestRecordAndNeverInventTopics() {
        Map<String, String> broker = compose.service("kafka").environment();
        assertThat(Integer.parseInt(broker.get("KAFKA_MESSAGE_MAX_BYTES"))).as("message.max.bytes")
                .isGreaterThanOrEqualTo(Topics.largestMessageBytes());
        assertThat(broker.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
        assertThat(compose.service("topics-init").dependsOn()).containsEntry("kafka", "service_healthy");
        for (String service : QUARKUS_SERVICES) {
            assertThat(compose.service(service).dependsOn()).as(service + " starts once the topics exist")
                    .containsEntry("topics-init", "service_completed_successfully");
        }
    }

    @Test
    void shouldListTheCatalogueTopicsAsCreateTopicsCreatesThem() {
        Pattern row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| (\\d+) \\| (\\d+) \\| (\\w+) \\|");
        Map<String, String> documented = new TreeMap<>();
        Matcher m = row.matcher(deploymentDoc);
        while (m.find()) {
            documented.put(m.group(1), m.group(2) + " partitions, " + m.group(3) + " bytes, " + m.group(4));
        }
        Map<String, String> catalogue = new TreeMap<>();
        for (Topic<?, ?> topic : Topics.all()) {
            catalogue.put(topic.name(), topic.partitions() + " partitions, " + topic.maxMessageBytes() + " bytes, "
                    + (topic.compacted() ? "compact" : "delete"));
        }
        assertThat(documented).as("the topic table of docs/deployment.md").isEqualTo(catalogue);
    }

    @Test
    void shouldTuneTheTrainingAllocatorAsTheBuildDoes() throws IOException {
        Matcher pom = Pattern.compile("<tunet.glibc.tunables>([^<]+)</tunet.glibc.tunables>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        assertThat(pom.find()).as("the parent pom defines tunet.glibc.tunables").isTrue();
        assertThat(dockerfiles.get("training-service").environment()).containsEntry("GLIBC_TUNABLES", pom.group(1));
    }

    @Test
    void shouldPassDockerComposeOwnValidationWhereThePluginExists() throws IOException, InterruptedException {
        assumeTrue(run(List.of("docker", "compose", "version")).exitCode() == 0,
                "skipped: no `docker compose` plugin on this machine; the checks above stand in for `docker compose config`");
        Result config = run(List.of("docker", "compose", "--file", "docker-compose.yml", "config", "--quiet"));
        assertThat(config.exitCode()).as("docker compose config: " + config.output()).isZero();
    }

    private static boolean reads(String service, String variable) {
        return PROCESS_VARIABLES.containsKey(variable) || configurations.get(service).reads(variable);
    }

    private static List<String> dockerfilesOf(ComposeFile.Service service) {
        return service.build().map(build -> {
            try {
                return Dockerfile.read(root.resolve(build.context()).resolve(build.dockerfile())).copySources();
            } catch (IOException e) {
                throw new AssertionError("cannot read the Dockerfile of " + service.name(), e);
            }
        }).orElse(List.of());
    }

    /** The compose fragments docs/deployment.md shows (```yaml blocks with services:), e.g. SASL settings. */
    private static List<ComposeFile> documentedComposeExamples() {
        List<ComposeFile> examples = new ArrayList<>();
        Matcher block = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(deploymentDoc);
        while (block.find()) {
            if (block.group(1).contains("services:")) {
                examples.add(ComposeFile.parse(block.group(1), "docs/deployment.md example " + (examples.size() + 1)));
            }
        }
        return examples;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        } catch (IOException noDocker) {
            return new Result(-1, noDocker.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /** The repository root: {@code tunet.repo.root}, else the parent of this module (Surefire runs in it). */
    private static Path repositoryRoot() {
        String configured = System.getProperty("tunet.repo.root");
        Path candidate = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        assertThat(candidate.resolve("stack-tests")).as("repository root " + candidate).isDirectory();
        assertThat(candidate.resolve("docker-compose.yml")).as("the compose file").isRegularFile();
        return candidate.toAbsolutePath().normalize();
    }
}
