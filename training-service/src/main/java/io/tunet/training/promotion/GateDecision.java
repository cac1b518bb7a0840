package io.tunet.training.promotion;

import java.util.List;

/**
 * The gate's verdict.
 *
 * @param promoted whether the challenger may serve
 * @param reasons  why: for a rejection every failed rule, for a promotion the comparison that passed
 */
public record GateDecision(boolean promoted, List<String> reasons) {

    public GateDecision {
        reasons = List.copyOf(reasons);
    }

    /** The reasons as one line for {@code ModelVersion.statusReason}. */
    public String summary() {
        return String.join("; ", reasons);
    }
}
