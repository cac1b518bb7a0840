package io.tunet.training.promotion;

/**
 * The promotion gate's rules.
 *
 * @param minMacroF1Gain how much the challenger's macro-F1 must exceed the champion's (or the baseline's)
 * @param maxClassF1Drop the largest drop of any single class's F1 against the champion that is tolerated
 * @param shadow the live gate a challenger that passes these rules must also pass ({@link ShadowSettings#OFF}:
 *     none)
 */
public record GateSettings(double minMacroF1Gain, double maxClassF1Drop, ShadowSettings shadow) {

    public GateSettings {
        if (!(minMacroF1Gain >= 0 && minMacroF1Gain < 1) || !(maxClassF1Drop >= 0 && maxClassF1Drop <= 1)) {
            throw new IllegalArgumentException("gain must be in [0, 1) and drop in [0, 1], got " + minMacroF1Gain
                    + " and " + maxClassF1Drop);
        }
        if (shadow == null) {
            throw new IllegalArgumentException("the live gate's settings must be given (ShadowSettings.OFF: none)");
        }
    }

    /** The offline rules without a live gate. */
    public GateSettings(double minMacroF1Gain, double maxClassF1Drop) {
        this(minMacroF1Gain, maxClassF1Drop, ShadowSettings.OFF);
    }
}
