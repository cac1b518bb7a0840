package io.tunet.ingest.api;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /partial-samples?olderThanSeconds=N}: samples of this instance still waiting for stains. */
@Path("/partial-samples")
public class PartialSamplesResource {

    @Inject
    PartialSamples partialSamples;

    /**
     * @return 200 with the partial samples at least {@code olderThanSeconds} old, oldest first; 400 for a
     *         negative age; 503 while the store is not queryable
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("olderThanSeconds") @DefaultValue("0") long olderThanSeconds) {
        if (olderThanSeconds < 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "olderThanSeconds must be 0 or more, got " + olderThanSeconds)).build();
        }
        try {
            List<PartialSamples.View> views = partialSamples.olderThan(olderThanSeconds, System.currentTimeMillis());
            return Response.ok(views).build();
        } catch (PartialSamples.NotQueryable e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Map.of("error", e.getMessage()))
                    .build();
        }
    }
}
