package io.tunet.results.live;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.tunet.results.security.LiveTickets;

/** Tickets for the live stream, for callers holding the viewer or curator token. */
@Path("/api/live/tickets")
@Tag(name = "live")
public class LiveTicketsResource {

    @Inject
    LiveTickets tickets;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A one-use ticket for GET /api/stream?ticket=… (an EventSource cannot send the token), "
            + "valid for results.auth.live-ticket-validity, with viewer rights on the stream only")
    public Response issue() {
        return Response.ok(tickets.issue()).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
