package io.tunet.training.run;

/** Where a run's weights start. */
public enum WarmStart {
    /** Always from fresh weights. */
    OFF,
    /**
     * From the champion's published checkpoint when it can be had and is of the configured network; otherwise
     * from scratch, with a warning that says why.
     */
    PREFERRED,
    /**
     * From the champion's published checkpoint; when it cannot be had (no checkpoint in the record, blob missing
     * or corrupt) the run fails and publishes nothing. A champion of another network (a deliberate change of
     * the configured network) or no champion at all still starts from scratch.
     */
    REQUIRED
}
