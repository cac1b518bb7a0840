package io.tunet.results.live;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * Fans stored results out to every live subscriber. Events are published only after the database
 * transaction that stored them committed, so a subscriber never sees a result a query cannot find.
 * A subscriber that connects late sees only what happens afterwards (the REST API has the history).
 */
@ApplicationScoped
public class LiveEvents {

    static final int SUBSCRIBER_BUFFER = 1024;

    private final BroadcastProcessor<LiveEvent> processor = BroadcastProcessor.create();

    /** Sends events to the current subscribers, in order. */
    public void publish(List<LiveEvent> events) {
        synchronized (processor) {
            events.forEach(processor::onNext);
        }
    }

    /**
     * A stream of every event published from now on. A subscriber that falls more than
     * {@value #SUBSCRIBER_BUFFER} events behind is failed (an SSE client then reconnects) rather than
     * letting its backlog grow without bound.
     */
    public Multi<LiveEvent> subscribe() {
        return processor.onOverflow().buffer(SUBSCRIBER_BUFFER);
    }
}
