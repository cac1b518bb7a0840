package io.tunet.training.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /training-runs} starts a run (202, or 409 while one runs); {@code GET /training-runs/current}
 * shows the running run's progress (epoch, step, loss, ETA) or 204 when none runs; {@code GET /training-runs}
 * lists finished runs, newest first. Starting a run needs {@code Authorization: Bearer <training.trigger.token>}
 * (401 without it or with another; 403 while no token is configured); reading progress does not.
 */
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingRunsResource {

    private final TrainingService service;
    private final Optional<String> token;

    public TrainingRunsResource(TrainingService service, TrainingConfig config) {
        this.service = service;
        this.token = config.trigger().token().filter(t -> !t.isBlank());
    }

    @POST
    public Response start(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token.isEmpty()) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity(Map.of("error", "starting runs by request is off: set training.trigger.token")).build();
        }
        if (!authorized(authorization, token.get())) {
            return Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .entity(Map.of("error", "a bearer token is required (training.trigger.token)")).build();
        }
        return service.requestRun("request (POST /training-runs)")
                .map(id -> Response.accepted(Map.of("runId", id)).build())
                .orElseGet(() -> Response.status(Response.Status.CONFLICT)
                        .entity(Map.of("error", "a training run is in progress: "
                                + service.current().map(s -> s.runId()).orElse("finishing")))
                        .build());
    }

    /** Whether the header carries the token, compared in constant time. */
    static boolean authorized(String authorization, String token) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    @GET
    @Path("current")
    public Response current() {
        return service.current().map(s -> Response.ok(s).build()).orElseGet(() -> Response.noContent().build());
    }

    @GET
    public List<RunSummary> finished() {
        return service.history();
    }
}
