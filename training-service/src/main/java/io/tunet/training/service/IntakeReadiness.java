package io.tunet.training.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the feedback/sample intake is consuming. */
@Readiness
@ApplicationScoped
public class IntakeReadiness implements HealthCheck {

    private final TrainingService service;

    public IntakeReadiness(TrainingService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("training-intake").status(service.consuming()).build();
    }
}
