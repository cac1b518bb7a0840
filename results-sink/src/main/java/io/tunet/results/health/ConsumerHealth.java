package io.tunet.results.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.tunet.results.ingest.ResultsIngestion;

/** Health of the consumer loop: live while it runs; ready while it is not paused for a database outage. */
public final class ConsumerHealth {

    private ConsumerHealth() {
    }

    /** Live while the consumer thread runs. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        @Inject
        ResultsIngestion ingestion;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("results-consumer").status(ingestion.running()).build();
        }
    }

    /** Ready when the consumer runs and is storing (not paused waiting for the database). */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        @Inject
        ResultsIngestion ingestion;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("results-consumer")
                    .status(ingestion.running() && !ingestion.paused())
                    .withData("pausedForDatabase", ingestion.paused())
                    .build();
        }
    }
}
