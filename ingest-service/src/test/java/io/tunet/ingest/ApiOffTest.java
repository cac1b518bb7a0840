package io.tunet.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tunet.testkit.KafkaBrokerTestResource;

/** Without {@code ingest.api.token} the API is off: 403 with a message naming the setting, whatever is sent. */
@QuarkusTest
@TestProfile(ApiOffTest.NoToken.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class ApiOffTest {

    /** The test configuration with the token removed. */
    public static final class NoToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.api.token", "");
        }
    }

    @Test
    void shouldAnswer403NamingTheSettingWhileNoTokenIsConfigured() {
        given().get("/partial-samples").then().statusCode(403)
                .body(containsString("set ingest.api.token (INGEST_API_TOKEN)"));
        given().auth().oauth2(IngestApplicationTest.TOKEN).get("/partial-samples").then().statusCode(403);
        given().auth().oauth2("").get("/partial-samples").then().statusCode(403);
        given().get("/q/health/live").then().statusCode(200);
    }
}
