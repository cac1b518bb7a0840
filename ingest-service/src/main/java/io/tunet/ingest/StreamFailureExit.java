package io.tunet.ingest;

import java.util.function.IntConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;

/**
 * What happens when a stream thread dies of an exception the topology did not handle (a full disk under the
 * state store, a broker that refuses the transactional producer for good): the Kafka Streams client shuts down
 * and the process exits with status 1, so that a supervisor (Docker's {@code restart: unless-stopped},
 * systemd, {@code bin/tunet-stream}'s user) starts a fresh one, which resumes from the last committed
 * transaction. Without it the process stayed up with no stream thread and only its readiness said so. The
 * Quarkus Kafka Streams extension installs every bean of this type on the client it builds.
 */
@ApplicationScoped
public class StreamFailureExit implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(StreamFailureExit.class);

    private final IntConsumer exit;

    /** Exits through Quarkus, which runs the application's shutdown first. */
    @Inject
    public StreamFailureExit() {
        this(Quarkus::asyncExit);
    }

    /** Exits through {@code exit} (tests). */
    StreamFailureExit(IntConsumer exit) {
        this.exit = exit;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable error) {
        LOG.errorf(error, "a Kafka Streams thread died; ingest exits so that it is restarted and resumes from "
                + "its last committed transaction");
        exit.accept(1);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
