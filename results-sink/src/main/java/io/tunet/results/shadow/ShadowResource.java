package io.tunet.results.shadow;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.tunet.results.query.InvalidQueryException;

/** Shadowed model versions against the champion on live traffic (viewer token, like every read). */
@Path("/api/shadow")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "results")
@SecurityRequirement(name = "token")
public class ShadowResource {

    private static final Logger LOG = Logger.getLogger(ShadowResource.class);

    @Inject
    ShadowStore store;

    @GET
    @Operation(summary = "Every model version shadowed on live samples, newest first: its status, samples, exact "
            + "agreement of label sets with the champion, labelled samples, macro-F1 over the classes present in the "
            + "curator labels (shadow and champion), latency p50/p95 of both")
    public List<ShadowVersion> versions() {
        try {
            return store.versions();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @GET
    @Path("/{version}")
    @Operation(summary = "One shadowed version with the per-class table: positives of each model, agreement, and on "
            + "the labelled samples precision / recall / F1 of shadow and champion (F1 null for a class no curator "
            + "label carries)")
    public ShadowVersion version(@PathParam("version") @Parameter(description = "a model version number (1 or more); "
            + "not a number: 400; no shadow verdict of it stored: 404") String version) {
        long wanted = parse(version);
        try {
            return store.version(wanted).orElseThrow(() -> new NotFoundException(Response
                    .status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "no shadow results for model version " + wanted)).build()));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static long parse(String version) {
        String text = version == null ? "" : version.strip();
        if (text.matches("[0-9]{1,18}") && Long.parseLong(text) >= 1) {
            return Long.parseLong(text);
        }
        throw new InvalidQueryException("version must be a model version number (1 or more), was '" + version + "'");
    }

    private static ServiceUnavailableException unavailable(SQLException e) {
        LOG.warnf("shadow query failed: %s", e.getMessage());
        return new ServiceUnavailableException("results database unavailable: " + e.getMessage());
    }
}
