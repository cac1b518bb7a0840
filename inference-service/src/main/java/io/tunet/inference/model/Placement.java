package io.tunet.inference.model;

import ai.djl.Device;
import io.tunet.core.onnx.OnnxTunet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where ONNX Runtime runs a loaded model, read back after loading rather than assumed from the request.
 *
 * @param requested the device the selection asked for
 * @param device the device ONNX Runtime's session was created for ({@link OnnxTunet#device()}); outputs carry it
 * @param fallback whether a GPU was wanted and the model runs on the CPU
 * @param nodesPerProvider graph nodes each ONNX Runtime execution provider ran in a profiled inference, most first
 *     ({@link OnnxTunet#nodesPerProvider()})
 */
public record Placement(Device requested, Device device, boolean fallback, Map<String, Integer> nodesPerProvider) {

    /** Copies the counts, keeping their order. */
    public Placement {
        nodesPerProvider = Collections.unmodifiableMap(new LinkedHashMap<>(nodesPerProvider));
    }

    /** The execution providers that ran nodes, most nodes first, comma-separated. */
    public String providers() {
        return String.join(",", nodesPerProvider.keySet());
    }
}
