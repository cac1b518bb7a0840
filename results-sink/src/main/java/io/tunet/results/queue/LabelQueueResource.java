package io.tunet.results.queue;

import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.tunet.results.query.InvalidQueryException;
import io.tunet.results.query.ResultFilter;

/** The label-next queue: unlabelled samples, the most informative first (viewer token, like every read). */
@Path("/api/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "curation")
public class LabelQueueResource {

    static final int MAX_LIMIT = 500;
    private static final Logger LOG = Logger.getLogger(LabelQueueResource.class);

    @Inject
    LabelQueue queue;

    @GET
    @Operation(summary = "Unlabelled samples ranked by how much a curator's label would teach the model: closeness of "
            + "a probability to its threshold, a rare predicted class, no class above threshold; each with the reason")
    public List<QueueItem> next(@QueryParam("limit") @Parameter(description = "1..500, default 20") Integer limit,
                                @QueryParam("plate") @Parameter(description = "only this plate (one with results)") String plate) {
        int wanted = limit == null ? 20 : limit;
        if (wanted < 1 || wanted > MAX_LIMIT) {
            throw new InvalidQueryException("limit must be 1.." + MAX_LIMIT + ", was " + wanted);
        }
        String onPlate = plate == null || plate.isBlank() ? null : ResultFilter.requirePlate(plate.strip());
        try {
            if (onPlate != null && !queue.plateExists(onPlate)) {
                throw new InvalidQueryException("plate '" + onPlate + "' has no stored results");
            }
            return queue.next(onPlate, wanted);
        } catch (SQLException e) {
            LOG.warnf("queue query failed: %s", e.getMessage());
            throw new ServiceUnavailableException("results database unavailable: " + e.getMessage());
        }
    }
}
