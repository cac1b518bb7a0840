package io.tunet.results.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.StartupEvent;

/** What the start-up line says about the tokens, and where a generated token goes instead of the log. */
class AccessTokensTest {

    private static final String VIEWER = "configured-viewer-token-0001";
    private static final String CURATOR = "configured-curator-token-0001";

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] parameters = record.getParameters();
            logged.add(parameters == null ? message : message + " " + List.of(parameters));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger(AccessTokens.class.getName()).addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger(AccessTokens.class.getName()).removeHandler(capture);
    }

    @Test
    void shouldLogOnlyFingerprintsOfConfiguredTokensAndWriteNoFile() {
        Path file = dir.resolve("tokens");
        AccessTokens tokens = new AccessTokens(Optional.of(VIEWER), Optional.of(CURATOR), file);

        tokens.announce(new StartupEvent(), 8084);

        assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(VIEWER) || line.contains(CURATOR));
        assertThat(String.join("\n", logged))
                .contains(AccessTokens.fingerprint(VIEWER)).contains(AccessTokens.fingerprint(CURATOR));
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldWriteGeneratedTokensToAnOwnerOnlyFileAndLogItsPathNotTheTokens() throws Exception {
        Path file = dir.resolve("state").resolve("results-sink-tokens");
        AccessTokens tokens = new AccessTokens(Optional.empty(), Optional.empty(), file);

        tokens.announce(new StartupEvent(), 8084);

        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Properties written = read(file);
        String viewer = written.getProperty("VIEWER");
        String curator = written.getProperty("CURATOR");
        assertThat(tokens.roleOf(viewer)).contains(Role.VIEWER);
        assertThat(tokens.roleOf(curator)).contains(Role.CURATOR);
        assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(viewer) || line.contains(curator));
        assertThat(String.join("\n", logged)).contains(file.toAbsolutePath().toString())
                .contains(AccessTokens.fingerprint(viewer)).contains(AccessTokens.fingerprint(curator));
    }

    @Test
    void shouldNeverWriteAConfiguredTokenBesideAGeneratedOne() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "VIEWER=left-from-an-earlier-run\n");
        AccessTokens tokens = new AccessTokens(Optional.of(VIEWER), Optional.empty(), file);

        tokens.announce(new StartupEvent(), 8084);

        Properties written = read(file);
        assertThat(written.stringPropertyNames()).containsExactly("CURATOR");
        assertThat(tokens.roleOf(written.getProperty("CURATOR"))).contains(Role.CURATOR);
        assertThat(Files.readString(file)).doesNotContain(VIEWER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void shouldFingerprintAsTheFirstEightHexDigitsOfSha256() {
        // printf %s abc | sha256sum
        assertThat(AccessTokens.fingerprint("abc")).isEqualTo("ba7816bf");
    }

    private static Properties read(Path file) throws Exception {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
