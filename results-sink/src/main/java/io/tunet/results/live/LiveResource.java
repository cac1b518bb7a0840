package io.tunet.results.live;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.smallrye.mutiny.Multi;

/**
 * Server-Sent Events of new results. Browsers open it with {@code ?ticket=} from {@code POST /api/live/tickets}
 * (an {@code EventSource} cannot send the token); other clients may send the token in the header.
 */
@Path("/api/stream")
@Tag(name = "live")
public class LiveResource {

    @Inject
    LiveEvents events;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "One JSON event per stored change (prediction, masks, sample, model, incident, feedback)")
    public Multi<LiveEvent> stream() {
        return events.subscribe();
    }
}
