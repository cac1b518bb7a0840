package io.tunet.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request trigger without a configured token; with one, {@code TrainingServiceTest} drives it over HTTP. */
class TrainingRunsResourceTest {

    private static TrainingConfig configWithToken(Optional<String> token) {
        TrainingConfig.Trigger trigger = (TrainingConfig.Trigger) Proxy.newProxyInstance(
                TrainingConfig.class.getClassLoader(), new Class<?>[] {TrainingConfig.Trigger.class},
                (proxy, method, args) -> method.getName().equals("token") ? token : null);
        return (TrainingConfig) Proxy.newProxyInstance(TrainingConfig.class.getClassLoader(),
                new Class<?>[] {TrainingConfig.class},
                (proxy, method, args) -> method.getName().equals("trigger") ? trigger : null);
    }

    @Test
    void shouldRefuseToStartRunsWhenNoTokenIsConfiguredWhateverTheRequestCarries() {
        TrainingRunsResource resource = new TrainingRunsResource(null, configWithToken(Optional.empty()));

        Response response = resource.start("Bearer anything");

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getEntity()).isEqualTo(Map.of("error",
                "starting runs by request is off: set training.trigger.token"));
        assertThat(new TrainingRunsResource(null, configWithToken(Optional.of("  "))).start("Bearer   ").getStatus())
                .isEqualTo(403);
    }

    @Test
    void shouldAcceptOnlyTheExactBearerToken() {
        assertThat(TrainingRunsResource.authorized("Bearer s3cret", "s3cret")).isTrue();
        assertThat(TrainingRunsResource.authorized("Bearer s3cre", "s3cret")).isFalse();
        assertThat(TrainingRunsResource.authorized("s3cret", "s3cret")).isFalse();
        assertThat(TrainingRunsResource.authorized("Basic s3cret", "s3cret")).isFalse();
        assertThat(TrainingRunsResource.authorized(null, "s3cret")).isFalse();
    }
}
