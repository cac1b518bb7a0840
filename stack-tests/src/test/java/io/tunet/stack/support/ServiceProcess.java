package io.tunet.stack.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the line run as production runs it: its own JVM from its packaged Quarkus application,
 * configured only through environment variables, its own working directory and log file. Each start appends
 * to the same log, with a banner, so a restarted service's history stays in one place.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final int httpPort;
    private final String heap;
    private final boolean fixedHeap;
    private final Map<String, String> environment;
    private final Path workDir;
    private final Path log;
    private Process process;
    private int starts;

    /**
     * @param module      the Maven module whose {@code target/quarkus-app} is run
     * @param httpPort    the port for REST and health
     * @param heap        the {@code -Xmx} value
     * @param fixedHeap   whether the heap is also its {@code -Xms}, touched at start ({@code -XX:+AlwaysPreTouch}):
     *                    memory then is what it will be, not a climb to {@code -Xmx} (docs/deployment.md)
     * @param environment its configuration
     * @param workDir     its working directory (relative paths in its defaults land here)
     */
    public ServiceProcess(String module, int httpPort, String heap, boolean fixedHeap, Map<String, String> environment,
            Path workDir) {
        this.module = module;
        this.httpPort = httpPort;
        this.heap = heap;
        this.fixedHeap = fixedHeap;
        this.environment = Map.copyOf(environment);
        this.workDir = workDir;
        this.log = workDir.resolve(module + ".log");
    }

    public String module() {
        return module;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    /** Starts the JVM; returns at once (see {@link #awaitReady}). */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(module + " is already running as pid " + process.pid());
        }
        try {
            Files.createDirectories(workDir);
            Files.writeString(log, "\n===== start " + (++starts) + " of " + module + " =====\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-Dai.djl.offline=true"));
            if (fixedHeap) {
                command.addAll(List.of("-Xms" + heap, "-XX:+AlwaysPreTouch"));
            }
            command.addAll(List.of("-jar", RepoPaths.quarkusRunJar(module).toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
            builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            process = builder.start();
            Files.writeString(workDir.resolve(module + ".pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + module, e);
        }
    }

    /**
     * Waits until {@code /q/health/ready} answers 200.
     *
     * @throws IllegalStateException with the log's tail if the process dies or the time runs out
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (ready()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(module + " not ready after " + timeout + ":\n" + logTail());
    }

    /** Whether readiness answers 200 right now. */
    public boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The service's Prometheus metrics ({@code /q/metrics}) as {@code name{labels}} → value, comment lines left out.
     *
     * @throws IOException when the service does not answer 200
     */
    public Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(module + " answered " + response.statusCode() + " for /q/metrics");
        }
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isBlank() || line.startsWith("#") || space < 0) {
                continue;
            }
            try {
                metrics.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                throw new IOException(module + ": unreadable metrics line '" + line + "'", e);
            }
        }
        return metrics;
    }

    /** The operating-system process id of the running JVM. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(module + " was never started");
        }
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a power cut or the OOM killer would: no shutdown hook runs. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
