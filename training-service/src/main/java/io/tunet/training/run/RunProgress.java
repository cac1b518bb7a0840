package io.tunet.training.run;

import io.tunet.core.training.TrainingListener;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The progress of the current run, as a listener the trainer reports to and a snapshot the REST endpoint
 * reads. The ETA is tunet-core's: the mean step time (validation included) over the remaining epoch budget, so
 * early stopping can only make it shorter. Thread-safe.
 */
public final class RunProgress implements TrainingListener {

    private static final Logger LOG = Logger.getLogger(RunProgress.class);

    /**
     * A snapshot.
     *
     * @param runId the run
     * @param trigger what started it
     * @param phase current phase
     * @param epoch current epoch (1-based; 0 before training)
     * @param epochs epoch budget
     * @param step step within the epoch
     * @param stepsPerEpoch steps per epoch
     * @param loss last step's loss (NaN before the first)
     * @param etaSeconds estimated seconds until training ends (NaN until known)
     * @param startedAt when the run started
     */
    public record Status(String runId, String trigger, String phase, int epoch, int epochs, int step, int stepsPerEpoch,
            double loss, double etaSeconds, Instant startedAt) {
    }

    private final String runId;
    private final String trigger;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Status status;
    private int logEvery = 1;

    public RunProgress(String runId, String trigger, Clock clock) {
        this.runId = runId;
        this.trigger = trigger;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.status = new Status(runId, trigger, "starting", 0, 0, 0, 0, Double.NaN, Double.NaN, startedAt);
    }

    /** The latest snapshot. */
    public Status status() {
        return status;
    }

    @Override
    public synchronized void phase(String phase) {
        Status s = status;
        status = new Status(runId, trigger, phase, s.epoch(), s.epochs(), s.step(), s.stepsPerEpoch(), s.loss(),
                s.etaSeconds(), startedAt);
        LOG.infof("run %s: %s", runId, phase);
    }

    @Override
    public synchronized void started(int epochs, int stepsPerEpoch) {
        logEvery = Math.max(1, stepsPerEpoch / 4);
        status = new Status(runId, trigger, status.phase(), 1, epochs, 0, stepsPerEpoch, Double.NaN, Double.NaN, startedAt);
    }

    @Override
    public synchronized void step(StepProgress p) {
        status = new Status(runId, trigger, status.phase(), p.epoch(), p.epochs(), p.step(), p.stepsPerEpoch(), p.loss(),
                p.etaSeconds(), startedAt);
        if (p.step() % logEvery == 0 || p.step() == p.stepsPerEpoch()) {
            LOG.infof("run %s: epoch %d/%d, step %d/%d, loss %.4f, ETA %.0f s", runId, p.epoch(), p.epochs(), p.step(),
                    p.stepsPerEpoch(), p.loss(), p.etaSeconds());
        }
    }

    /** Seconds since the run started. */
    public double elapsedSeconds() {
        return (clock.millis() - startedAt.toEpochMilli()) / 1e3;
    }
}
