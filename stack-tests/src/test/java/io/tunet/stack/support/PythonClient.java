package io.tunet.stack.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python client of {@code clients/python}, run as a child process with {@code PYTHONPATH} pointing at it, by
 * the first interpreter that has its Debian packages: {@code $TUNET_PYTHON} when set, else {@code python3}
 * on the path, else {@code /usr/bin/python3} (a pyenv or virtualenv {@code python3} first on the path does
 * not see Debian's packages). Output goes to a file under this module's {@code target/python/}.
 */
public final class PythonClient {

    /** What CI installs ({@code .ci/run}); named in the failure when no interpreter has them. */
    public static final List<String> APT_PACKAGES = List.of("python3-confluent-kafka", "python3-avro",
            "python3-pil", "python3-tifffile", "python3-numpy");
    private static final String IMPORTS = "import avro.schema, confluent_kafka, PIL, tifffile, numpy";
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(1);

    private final String interpreter;
    private final Path home;
    private final Path logs;

    private PythonClient(String interpreter, Path home, Path logs) {
        this.interpreter = interpreter;
        this.home = home;
        this.logs = logs;
    }

    /** What a run printed (stdout and stderr interleaved) and how it ended. */
    public record Result(int exitCode, String output) {
    }

    /**
     * The client with a working interpreter.
     *
     * @throws IllegalStateException naming the interpreters tried, why each failed, and the apt packages
     */
    public static PythonClient find() throws IOException, InterruptedException {
        Path home = RepoPaths.root().resolve("clients/python");
        if (!Files.isDirectory(home.resolve("tunet_client"))) {
            throw new IllegalStateException("no Python client at " + home);
        }
        Path logs = Files.createDirectories(RepoPaths.target("python"));
        String configured = System.getenv("TUNET_PYTHON");
        List<String> candidates = configured != null && !configured.isBlank() ? List.of(configured)
                : List.of("python3", "/usr/bin/python3");
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            PythonClient client = new PythonClient(candidate, home, logs);
            Result probe;
            try {
                probe = client.exec("probe", List.of("-c", IMPORTS), home, PROBE_TIMEOUT);
            } catch (IOException e) {
                tried.add(candidate + " (" + e.getMessage() + ")");
                continue;
            }
            if (probe.exitCode() == 0) {
                return client;
            }
            String[] lines = probe.output().strip().split("\n");
            tried.add(candidate + " (" + lines[lines.length - 1] + ")");
        }
        throw new IllegalStateException("no Python 3 interpreter with the Python client's packages; tried "
                + String.join(", ", tried) + ". Install them: apt-get install -y " + String.join(" ", APT_PACKAGES)
                + " (or set TUNET_PYTHON to an interpreter that has them)");
    }

    public String interpreter() {
        return interpreter;
    }

    /** {@code python3 -m unittest discover} in {@code clients/python}. */
    public Result unitTests(Duration timeout) throws IOException, InterruptedException {
        return exec("unittest", List.of("-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"), home, timeout);
    }

    /** {@code python3 -m tunet_client <arguments>}, from the repository root. */
    public Result cli(List<String> arguments, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-m", "tunet_client"));
        command.addAll(arguments);
        return exec("tunet_client", command, RepoPaths.root(), timeout);
    }

    private Result exec(String name, List<String> arguments, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(interpreter);
        command.addAll(arguments);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONPATH", home.toString());
        // a build leaves no __pycache__ folders in the source tree
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                    + "; its output so far:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
