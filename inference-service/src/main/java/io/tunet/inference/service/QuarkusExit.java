package io.tunet.inference.service;

import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link ServiceExit} by {@link Quarkus#asyncExit(int)}: the caller, often a Kafka client thread, returns at once. */
@ApplicationScoped
class QuarkusExit implements ServiceExit {

    @Override
    public void exit(int status) {
        Quarkus.asyncExit(status);
    }
}
