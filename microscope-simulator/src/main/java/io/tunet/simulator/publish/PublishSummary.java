package io.tunet.simulator.publish;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.tunet.simulator.faults.Fault;

/** Counters of one publishing run; thread-safe, read at any time for progress lines and the final summary. */
public final class PublishSummary {

    private final AtomicLong fields = new AtomicLong();
    private final AtomicLong acquisitions = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong inlineImages = new AtomicLong();
    private final AtomicLong blobImages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<Fault, AtomicLong> faults = new EnumMap<>(Fault.class);
    private final long startNanos = System.nanoTime();

    public PublishSummary() {
        for (Fault fault : Fault.values()) {
            faults.put(fault, new AtomicLong());
        }
    }

    void field() {
        fields.incrementAndGet();
    }

    void sent(boolean inline, long size) {
        acquisitions.incrementAndGet();
        (inline ? inlineImages : blobImages).incrementAndGet();
        bytes.addAndGet(size);
    }

    void acknowledged() {
        acknowledged.incrementAndGet();
    }

    void error() {
        errors.incrementAndGet();
    }

    void fault(Fault fault) {
        faults.get(fault).incrementAndGet();
    }

    public long fields() {
        return fields.get();
    }

    public long acquisitions() {
        return acquisitions.get();
    }

    public long acknowledgedAcquisitions() {
        return acknowledged.get();
    }

    public long inlineImages() {
        return inlineImages.get();
    }

    public long blobImages() {
        return blobImages.get();
    }

    public long errors() {
        return errors.get();
    }

    public long faults(Fault fault) {
        return faults.get(fault).get();
    }

    /** Fields per second since the run started. */
    public double fieldRate() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : fields.get() / seconds;
    }

    /** One line for progress output. */
    public String progressLine() {
        return String.format("fields %d, acquisitions %d (acked %d), %.2f fields/s, errors %d",
                fields(), acquisitions(), acknowledgedAcquisitions(), fieldRate(), errors());
    }

    /** The final multi-line summary. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("fields published:        %d%n", fields()));
        out.append(String.format("acquisitions sent:       %d (acknowledged %d, errors %d)%n",
                acquisitions(), acknowledgedAcquisitions(), errors()));
        out.append(String.format("images inline / blob:    %d / %d%n", inlineImages(), blobImages()));
        out.append(String.format("image bytes:             %d%n", bytes.get()));
        out.append(String.format("rate:                    %.2f fields/s%n", fieldRate()));
        for (Fault fault : Fault.values()) {
            out.append(String.format("fault %-18s %d%n", fault.name().toLowerCase() + ":", faults(fault)));
        }
        return out.toString();
    }
}
