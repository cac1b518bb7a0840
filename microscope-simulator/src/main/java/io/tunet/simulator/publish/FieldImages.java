package io.tunet.simulator.publish;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import io.tunet.schemas.Stain;

/**
 * The four stains of one field, ready to publish, with where the field sits on its plate.
 *
 * @param sampleId the key every stain of the field is published under
 * @param plate    plate barcode
 * @param well     well name such as {@code B07}
 * @param field    field number within the well
 * @param stains   one image per known stain
 * @param labels   the field's true labels when known (synthetic data), else empty
 */
public record FieldImages(String sampleId, String plate, String well, int field, Map<Stain, EncodedImage> stains,
                          int[] labels) {

    public FieldImages {
        Objects.requireNonNull(sampleId, "sampleId");
        stains = new EnumMap<>(stains);
        labels = labels.clone();
    }
}
