package io.tunet.inference.service;

import io.tunet.inference.model.Placement;
import io.tunet.inference.model.ServingModel;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code GET /model}: the model serving now, the one shadowed beside it, and the pipeline's fill level. */
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
     * @param shadowFraction the fraction of samples a shadow model also runs on ({@code inference.shadow.fraction})
     * @param shadow the version shadowed now, null when none
     */
    public record ModelView(String name, long version, int inputSize, String device, String requestedDevice,
            boolean deviceFallback, Map<String, Integer> nodesPerProvider, List<Float> thresholds, int inFlight,
            int queued, double shadowFraction, ShadowView shadow) {
    }

    /**
     * The version shadowed beside the serving one: its verdicts go to {@code classifications-shadow} only.
     *
     * @param version model version (a CANDIDATE newer than the serving one)
     * @param device the device its ONNX Runtime session runs on
     * @param thresholds its 28 per-class thresholds
     */
    public record ShadowView(long version, String device, List<Float> thresholds) {
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
        ShadowView shadow = service.registry().shadow()
                .map(s -> new ShadowView(s.version(), s.device(), list(s.thresholds()))).orElse(null);
        int inFlight = service.pipeline().map(p -> p.inFlight()).orElse(0);
        int queued = service.pipeline().map(p -> p.queued()).orElse(0);
        Placement placement = model.placement();
        return Response.ok(new ModelView(model.name(), model.version(), model.inputSize(), model.device(),
                placement.requested().toString(), placement.fallback(), placement.nodesPerProvider(),
                list(model.thresholds()), inFlight, queued, service.shadowFraction(), shadow)).build();
    }

    private static List<Float> list(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    /**
     * An error body.
     *
     * @param error what is wrong
     */
    public record Problem(String error) {
    }
}
