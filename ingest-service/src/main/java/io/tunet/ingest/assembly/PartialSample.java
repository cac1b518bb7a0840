package io.tunet.ingest.assembly;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.tunet.schemas.Acquisition;
import io.tunet.schemas.Stain;

/**
 * The state of one sample whose stains are still arriving: for each stain that arrived, its acquisition (with
 * large images already replaced by blob references) and the SHA-256 of its image content. Immutable.
 *
 * @param firstSeenAt wall-clock time (ms) at which the first stain of this sample arrived
 * @param stains      the stains that arrived, in stain order
 */
public record PartialSample(long firstSeenAt, Map<Stain, StoredStain> stains) {

    /** The four stains a complete sample has, in the order the model reads them. */
    public static final List<Stain> REQUIRED = List.of(Stain.RED_MICROTUBULES, Stain.GREEN_PROTEIN,
            Stain.BLUE_NUCLEUS, Stain.YELLOW_ER);

    /**
     * One arrived stain.
     *
     * @param acquisition   the acquisition as it will be emitted (image inline only below the claim-check threshold)
     * @param contentSha256 SHA-256 of the encoded image bytes, whether they are inline or in the blob store
     * @param arrivedAt     wall-clock time (ms) of arrival
     */
    public record StoredStain(Acquisition acquisition, String contentSha256, long arrivedAt) {
        public StoredStain {
            Objects.requireNonNull(acquisition, "acquisition");
            Objects.requireNonNull(contentSha256, "contentSha256");
        }
    }

    public PartialSample {
        EnumMap<Stain, StoredStain> copy = new EnumMap<>(Stain.class);
        copy.putAll(stains);
        stains = Collections.unmodifiableMap(copy);
    }

    /** A sample whose first stain has just arrived. */
    static PartialSample first(StoredStain stain, long now) {
        return new PartialSample(now, Map.of(stain.acquisition().getStain(), stain));
    }

    /** This sample with {@code stain} added, replacing an earlier acquisition of the same stain. */
    PartialSample with(StoredStain stain) {
        EnumMap<Stain, StoredStain> next = new EnumMap<>(Stain.class);
        next.putAll(stains);
        next.put(stain.acquisition().getStain(), stain);
        return new PartialSample(firstSeenAt, next);
    }

    /** Whether all four stains are present. */
    public boolean complete() {
        return stains.keySet().containsAll(REQUIRED);
    }

    /** The stains still missing, in stain order. */
    public List<Stain> missing() {
        return REQUIRED.stream().filter(s -> !stains.containsKey(s)).toList();
    }

    /** Any one of the arrived acquisitions (they agree on plate, well and field). */
    public Acquisition any() {
        return stains.values().iterator().next().acquisition();
    }

    /** The arrived acquisitions in stain order. */
    public Stream<Acquisition> acquisitions() {
        return stains.values().stream().map(StoredStain::acquisition);
    }
}
