package io.tunet.training.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /training-runs} starts a run (202, or 409 while one runs); {@code GET /training-runs/current}
 * shows the running run's progress (epoch, step, loss, ETA) or 204 when none runs; {@code GET /training-runs}
 * lists finished runs, newest first.
 */
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingRunsResource {

    private final TrainingService service;

    public TrainingRunsResource(TrainingService service) {
        this.service = service;
    }

    @POST
    public Response start() {
        return service.requestRun("request (POST /training-runs)")
                .map(id -> Response.accepted(Map.of("runId", id)).build())
                .orElseGet(() -> Response.status(Response.Status.CONFLICT)
                        .entity(Map.of("error", "a training run is in progress: "
                                + service.current().map(s -> s.runId()).orElse("finishing")))
                        .build());
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
