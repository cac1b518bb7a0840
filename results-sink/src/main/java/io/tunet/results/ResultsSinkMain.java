package io.tunet.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tunet.results.database.ConfiguredDatabase;
import io.tunet.results.database.EmbeddedDatabase;

/**
 * Entry point of the packaged service. When no PostgreSQL server is configured
 * ({@code quarkus.datasource.jdbc.url} / {@code QUARKUS_DATASOURCE_JDBC_URL} unset), it first starts the
 * embedded real PostgreSQL with its data in {@code results.database.embedded-dir}, so that the datasource,
 * Flyway and the consumers find a server when Quarkus starts; the server stops when the service does. The
 * queries then run as the embedded server's runtime role and Flyway as its owner role. A configured server
 * must name both roles with their passwords, or the service refuses to start ({@link ConfiguredDatabase}).
 */
@QuarkusMain
public final class ResultsSinkMain {

    private static final Logger LOG = Logger.getLogger(ResultsSinkMain.class);
    private static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    public static void main(String... args) {
        SmallRyeConfig config = launchConfig();
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        if (config.getOptionalValue(JDBC_URL, String.class).isEmpty()) {
            ResultsConfig.Database settings = config.getConfigMapping(ResultsConfig.class).database();
            EmbeddedDatabase database = EmbeddedDatabase.start(settings.embeddedDir(), settings.embeddedPort());
            LOG.infof("No %s configured: started embedded PostgreSQL on port %d with data in %s",
                    JDBC_URL, database.port(), database.dataDir());
            System.setProperty(JDBC_URL, database.jdbcUrl());
            System.setProperty("quarkus.datasource.username", EmbeddedDatabase.RUNTIME);
            System.setProperty("quarkus.datasource.password", database.runtimePassword());
            System.setProperty("quarkus.flyway.username", EmbeddedDatabase.OWNER);
            System.setProperty("quarkus.flyway.password", database.ownerPassword());
            embedded = Optional.of(database);
        } else {
            ConfiguredDatabase.check(name -> config.getOptionalValue(name, String.class));
        }
        try {
            Quarkus.run(args);
        } finally {
            embedded.ifPresent(EmbeddedDatabase::close);
        }
    }

    /**
     * The configuration as the application will see it (system properties, environment, then
     * {@code application.properties} for the active profile), read before Quarkus starts.
     */
    private static SmallRyeConfig launchConfig() {
        String profile = Optional.ofNullable(System.getProperty("quarkus.profile"))
                .or(() -> Optional.ofNullable(System.getenv("QUARKUS_PROFILE")))
                .orElse("prod");
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withProfile(profile)
                .withMapping(ResultsConfig.class);
        URL properties = ResultsSinkMain.class.getClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, 250));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + properties, e);
            }
        }
        return builder.build();
    }
}
