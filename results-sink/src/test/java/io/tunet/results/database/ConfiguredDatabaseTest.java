package io.tunet.results.database;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConfiguredDatabaseTest {

    private static Map<String, String> complete() {
        Map<String, String> settings = new HashMap<>();
        settings.put("quarkus.datasource.username", "tunet_app");
        settings.put("quarkus.datasource.password", "runtime-secret");
        settings.put("quarkus.flyway.username", "tunet");
        settings.put("quarkus.flyway.password", "owner-secret");
        return settings;
    }

    private static void check(Map<String, String> settings) {
        ConfiguredDatabase.check(name -> Optional.ofNullable(settings.get(name)));
    }

    @Test
    void shouldAcceptTwoRolesWithTheirPasswords() {
        assertThatCode(() -> check(complete())).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseToStartWithoutARuntimePasswordNamingTheVariable() {
        Map<String, String> settings = complete();
        settings.remove("quarkus.datasource.password");
        assertThatThrownBy(() -> check(settings)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("QUARKUS_DATASOURCE_PASSWORD) is not set");
    }

    @Test
    void shouldRefuseToStartWithABlankOwnerPassword() {
        Map<String, String> settings = complete();
        settings.put("quarkus.flyway.password", "  ");
        assertThatThrownBy(() -> check(settings)).hasMessageContaining("QUARKUS_FLYWAY_PASSWORD) is not set");
    }

    @Test
    void shouldRefuseToRunQueriesAsTheSchemaOwner() {
        Map<String, String> settings = complete();
        settings.put("quarkus.flyway.username", "tunet_app");
        assertThatThrownBy(() -> check(settings)).hasMessageContaining("must not run as the role that owns the schema");
    }
}
