package io.tunet.inference.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: a model serves and the pipeline consumes. Liveness: the pipeline has not stopped on an error. */
public final class ModelHealthChecks {

    private ModelHealthChecks() {
    }

    /** Ready once a model serves and the samples consumer has joined its group. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final InferenceService service;

        Ready(InferenceService service) {
            this.service = service;
        }

        @Override
        public HealthCheckResponse call() {
            boolean model = service.registry() != null && service.registry().current().isPresent();
            boolean consuming = service.pipeline().map(p -> p.ready()).orElse(false);
            return HealthCheckResponse.named("inference")
                    .status(model && consuming)
                    .withData("model", model ? service.registry().current().get().toString() : "none")
                    .withData("consuming", consuming)
                    .build();
        }
    }

    /** Down when the pipeline stopped on an error (a failed publish or inference): restart to resume. */
    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        private final InferenceService service;

        Alive(InferenceService service) {
            this.service = service;
        }

        @Override
        public HealthCheckResponse call() {
            var failure = service.pipeline().flatMap(p -> p.failure());
            return HealthCheckResponse.named("inference-pipeline")
                    .status(failure.isEmpty())
                    .withData("error", failure.map(Throwable::toString).orElse("none"))
                    .build();
        }
    }
}
