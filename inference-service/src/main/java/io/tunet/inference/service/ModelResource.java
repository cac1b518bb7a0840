package io.tunet.inference.service;

import io.tunet.inference.model.Placement;
import io.tunet.inference.model.ServingModel;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** {@code GET /model}: the model serving now and the pipeline's fill level. */
@Path("/model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    /**
     * The serving model.
     *
     * @param name model name
     * @param version model version
     * @param inputSize side S of the input and of the masks
     * @param device the device its ONNX Runtime session runs on
     * @param requestedDevice the device asked for ({@code inference.device})
     * @param deviceFallback whether a GPU was wanted and it runs on the CPU
     * @param nodesPerProvider nodes each ONNX Runtime execution provider ran in a profiled inference
     * @param thresholds the 28 per-class thresholds
     * @param inFlight samples polled and not yet acknowledged
     * @param queued decoded samples waiting for a batch
     */
    public record ModelView(String name, long version, int inputSize, String device, String requestedDevice,
            boolean deviceFallback, Map<String, Integer> nodesPerProvider, List<Float> thresholds, int inFlight,
            int queued) {
    }

    private final InferenceService service;

    ModelResource(InferenceService service) {
        this.service = service;
    }

    /** The model serving now; 503 before the first. */
    @GET
    public Response current() {
        if (service.registry() == null || service.registry().current().isEmpty()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(new Problem("no model serving yet"))
                    .build();
        }
        ServingModel model = service.registry().current().get();
        float[] thresholds = model.thresholds();
        List<Float> list = new java.util.ArrayList<>(thresholds.length);
        for (float t : thresholds) {
            list.add(t);
        }
        int inFlight = service.pipeline().map(p -> p.inFlight()).orElse(0);
        int queued = service.pipeline().map(p -> p.queued()).orElse(0);
        Placement placement = model.placement();
        return Response.ok(new ModelView(model.name(), model.version(), model.inputSize(), model.device(),
                placement.requested().toString(), placement.fallback(), placement.nodesPerProvider(), list, inFlight,
                queued)).build();
    }

    /**
     * An error body.
     *
     * @param error what is wrong
     */
    public record Problem(String error) {
    }
}
