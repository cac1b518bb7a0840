package io.tunet.results.live;

import java.util.Map;

/**
 * One change the sink has just stored, as sent on the Server-Sent Events stream.
 *
 * @param type     {@code prediction}, {@code masks}, {@code sample}, {@code model}, {@code incident}, {@code feedback} or
 *                 {@code shadow} (a shadowed version's verdict, never a served result)
 * @param sampleId the sample it concerns, or null (model versions)
 * @param plate    the plate, where known
 * @param well     the well, where known
 * @param data     type-specific fields (top class and probability, model version, reason, …)
 */
public record LiveEvent(String type, String sampleId, String plate, String well, Map<String, Object> data) {

    public LiveEvent {
        data = Map.copyOf(data);
    }
}
