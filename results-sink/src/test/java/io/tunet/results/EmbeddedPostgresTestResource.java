package io.tunet.results;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunet.results.database.EmbeddedDatabase;
import io.tunet.testkit.TestDirectories;

/**
 * A fresh embedded PostgreSQL (data under {@code target/}) for the application under test, plus the test
 * tokens. Tests stop and restart it through {@link #stopDatabase()} / {@link #restartDatabase()} to show
 * that nothing is lost while the database is away.
 */
public final class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String VIEWER_TOKEN = "viewer-token-for-tests-0001";
    public static final String CURATOR_TOKEN = "curator-token-for-tests-0001";

    private static final Path DATA_DIR = Path.of("target", "postgres-test");
    private static EmbeddedDatabase database;
    private static int port;

    @Override
    public Map<String, String> start() {
        TestDirectories.deleteRecursively(DATA_DIR);
        database = EmbeddedDatabase.start(DATA_DIR, 0);
        port = database.port();
        // the same roles ResultsSinkMain hands the packaged service
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.RUNTIME,
                "quarkus.datasource.password", database.runtimePassword(),
                "quarkus.flyway.username", EmbeddedDatabase.OWNER,
                "quarkus.flyway.password", database.ownerPassword(),
                "results.auth.viewer-token", VIEWER_TOKEN,
                "results.auth.curator-token", CURATOR_TOKEN,
                "results.blob-store-dir", Path.of("target", "blobs-test").toString(),
                "results.kafka.database-retry-interval", "PT0.5S");
    }

    @Override
    public void stop() {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** The server the application under test uses. */
    public static synchronized EmbeddedDatabase database() {
        return database;
    }

    /** Stops the server as an outage would (its data stays). */
    public static synchronized void stopDatabase() {
        database.close();
    }

    /** Starts the server again on the same port and data. */
    public static synchronized void restartDatabase() {
        database = EmbeddedDatabase.start(DATA_DIR, port);
    }
}
