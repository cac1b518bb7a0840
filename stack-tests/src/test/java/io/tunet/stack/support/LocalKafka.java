package io.tunet.stack.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tunet.testkit.FreePorts;

/**
 * A real single-node KRaft broker in its own process, run by {@code bin/kafka-local} exactly as the local stack
 * runs it (so the script is tested too), on free ports and with its data under {@code target/}. The script gets
 * this JVM's class path (which holds kafka_2.13 and the topic catalogue) so that it never runs Maven.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path home;
    private final Map<String, String> environment;
    private final int port;

    public LocalKafka(Path home) {
        this.home = home;
        this.port = FreePorts.next();
        this.environment = Map.of(
                "KAFKA_PORT", Integer.toString(port),
                "KAFKA_CONTROLLER_PORT", Integer.toString(FreePorts.next()),
                "KAFKA_LOCAL_HOME", home.toString(),
                "KAFKA_LOCAL_CLASSPATH", System.getProperty("java.class.path"),
                "KAFKA_HEAP", "768m");
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The broker's log directory ({@code log.dirs} of {@code bin/kafka-local}): every topic's partitions. */
    public Path dataDir() {
        return home.resolve("data");
    }

    /** Starts the broker (formatting its log directory the first time) and creates the catalogue's topics. */
    public void start() throws InterruptedException {
        script("start");
    }

    /** The broker's process id, from the script's PID file. */
    public long pid() {
        Path pidFile = home.resolve("broker.pid");
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no broker PID file " + pidFile, e);
        }
    }

    /** SIGKILL of the broker process: what a crashed machine leaves behind. */
    public void kill() throws InterruptedException {
        long pid = pid();
        try {
            ProcessHandle broker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no broker " + pid));
            broker.destroyForcibly();
            broker.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not die", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        script("stop");
    }

    private void script(String command) throws InterruptedException {
        Path script = RepoPaths.root().resolve("bin/kafka-local");
        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString(), command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(home);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("bin/kafka-local " + command + " failed:\n" + output + "\nbroker log: "
                        + home.resolve("broker.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + script, e);
        }
    }
}
