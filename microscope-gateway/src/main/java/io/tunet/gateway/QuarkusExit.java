package io.tunet.gateway;

import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link ServiceExit} by {@link Quarkus#asyncExit(int)}: the caller, the gateway's loop thread, returns at once. */
@ApplicationScoped
class QuarkusExit implements ServiceExit {

    @Override
    public void exit(int status) {
        Quarkus.asyncExit(status);
    }
}
