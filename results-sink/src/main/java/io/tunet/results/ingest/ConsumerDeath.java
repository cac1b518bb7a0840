package io.tunet.results.ingest;

import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

/**
 * What happens when the results consumer's thread dies of an exception it did not handle: unless the service
 * is stopping anyway, the process exits with status 1, so that a supervisor starts a fresh one that resumes
 * from the last committed offsets. Before, the process stayed up storing nothing, and only readiness said so
 * (Docker's restart policy does not act on "unhealthy").
 */
final class ConsumerDeath implements Thread.UncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(ConsumerDeath.class);

    private final BooleanSupplier stopping;
    private final IntConsumer exit;

    ConsumerDeath(BooleanSupplier stopping, IntConsumer exit) {
        this.stopping = stopping;
        this.exit = exit;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (stopping.getAsBoolean()) {
            LOG.warnf(error, "the results consumer failed while the service was stopping");
            return;
        }
        LOG.errorf(error, "the results consumer died; results-sink exits so that it is restarted and resumes from "
                + "its last committed offsets");
        exit.accept(1);
    }
}
