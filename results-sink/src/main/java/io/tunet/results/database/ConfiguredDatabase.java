package io.tunet.results.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The start-up check for a server named by {@code quarkus.datasource.jdbc.url}: two roles, each with a
 * password, so that the service's queries never run as the schema's owner and nothing falls back to a
 * default password.
 */
public final class ConfiguredDatabase {

    static final String RUNTIME_USER = "quarkus.datasource.username";
    static final String RUNTIME_PASSWORD = "quarkus.datasource.password";
    static final String OWNER_USER = "quarkus.flyway.username";
    static final String OWNER_PASSWORD = "quarkus.flyway.password";

    private ConfiguredDatabase() {
    }

    /**
     * @param setting the configuration, by property name (empty when unset)
     * @throws IllegalStateException naming every missing or clashing setting, and its environment variable
     */
    public static void check(Function<String, Optional<String>> setting) {
        List<String> problems = new ArrayList<>();
        Optional<String> runtimeUser = present(setting, RUNTIME_USER, problems);
        present(setting, RUNTIME_PASSWORD, problems);
        Optional<String> ownerUser = present(setting, OWNER_USER, problems);
        present(setting, OWNER_PASSWORD, problems);
        if (runtimeUser.isPresent() && runtimeUser.equals(ownerUser)) {
            problems.add(RUNTIME_USER + " and " + OWNER_USER + " are both " + runtimeUser.get()
                    + ": the service's queries must not run as the role that owns the schema");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("quarkus.datasource.jdbc.url names a PostgreSQL server, but: "
                    + String.join("; ", problems) + ". See results-sink/README.md, \"Database roles\".");
        }
    }

    private static Optional<String> present(Function<String, Optional<String>> setting, String name,
            List<String> problems) {
        Optional<String> value = setting.apply(name).map(String::strip).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            problems.add(name + " (" + name.toUpperCase().replaceAll("[^A-Z0-9]", "_") + ") is not set");
        }
        return value;
    }
}
