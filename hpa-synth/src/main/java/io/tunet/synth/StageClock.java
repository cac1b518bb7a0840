package io.tunet.synth;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Adds the current thread's CPU time since the previous lap to a stage's total (CPU time, because on a
 * shared machine wall time mostly measures the other processes); {@link #OFF} does nothing, so untimed
 * generation pays one branch per stage.
 */
final class StageClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static final StageClock OFF = new StageClock(null);

    private final long[] nanos;
    private long last;

    private StageClock(long[] nanos) {
        this.nanos = nanos;
        this.last = nanos == null ? 0 : THREADS.getCurrentThreadCpuTime();
    }

    /** A running clock that adds to {@code nanos[stage.ordinal()]}. */
    static StageClock into(long[] nanos) {
        return new StageClock(nanos);
    }

    /** Charges the time since the previous lap (or the start) to {@code stage}. */
    void lap(HpaSynth.Stage stage) {
        if (nanos == null) {
            return;
        }
        long now = THREADS.getCurrentThreadCpuTime();
        nanos[stage.ordinal()] += now - last;
        last = now;
    }
}
