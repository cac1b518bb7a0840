package io.tunet.results.drift;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunet.results.ResultsConfig;
import io.tunet.results.drift.DriftAssessor.Assessment;
import io.tunet.results.drift.DriftStore.Fields;
import io.tunet.results.drift.DriftStore.Version;
import io.tunet.results.live.LiveEvent;
import io.tunet.results.live.LiveEvents;

/**
 * Scores drift every {@code results.drift.interval}: each plate with predictions stored since the last pass, and the
 * instruments and cell lines of those plates over {@code results.drift.window}, against the reference of the newest
 * model version that classified there and has one ({@link DriftAssessor} decides). Keeps the latest result per
 * scope and key in {@code drift_results}; an alarm becomes a {@code DRIFT} incident, once per plate, instrument or
 * cell line and model version (the incident names an instrument or cell line in its detail; its plate is empty).
 * Metrics: {@code results_drift_alarms_total}, {@code results_drift_plates_in_alarm},
 * {@code results_drift_instrument_score{instrument}}.
 *
 * <p>A pass that fails (the database is away) is logged and counted ({@code results_drift_passes_failed_total});
 * the next one starts from the same point, so nothing is missed.
 */
@ApplicationScoped
public class DriftMonitor {

    private static final Logger LOG = Logger.getLogger(DriftMonitor.class);
    /**
     * Predictions are stamped {@code stored_at} when their transaction starts and become visible when it commits, up
     * to the consumer's {@code max.poll.interval.ms} (10 min) later: each pass looks back that far before the last
     * one, so a plate whose batch committed late is not missed (scoring a plate again writes nothing new).
     */
    private static final Duration COMMIT_LAG = Duration.ofMinutes(10);

    @Inject
    ResultsConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry metrics;

    @Inject
    LiveEvents live;

    private DriftAssessor assessor;
    private ScheduledExecutorService scheduler;
    private Counter alarms;
    private Counter failedPasses;
    private MultiGauge instrumentScores;
    private final AtomicLong platesInAlarm = new AtomicLong();
    private final Set<String> reportedUnknown = ConcurrentHashMap.newKeySet();
    /** The database time the last successful pass started; null before the first. */
    private Instant lastPass;

    void start(@Observes StartupEvent event) {
        ResultsConfig.Drift drift = config.drift();
        if (drift.interval().isNegative() || drift.interval().isZero()) {
            throw new IllegalArgumentException("results.drift.interval must be positive, was " + drift.interval());
        }
        if (drift.window().isNegative() || drift.window().isZero()) {
            throw new IllegalArgumentException("results.drift.window must be positive, was " + drift.window());
        }
        if (drift.maxFields() < drift.minFields()) {
            throw new IllegalArgumentException("results.drift.max-fields (" + drift.maxFields()
                    + ") must be at least results.drift.min-fields (" + drift.minFields() + ")");
        }
        assessor = new DriftAssessor(drift.minFields(), drift.qcThreshold(), drift.predictionThreshold());
        alarms = Counter.builder("results.drift.alarms")
                .description("drift alarms raised (DRIFT incidents of plates, instruments and cell lines)")
                .register(metrics);
        failedPasses = Counter.builder("results.drift.passes.failed").description("drift passes that failed")
                .register(metrics);
        metrics.gauge("results.drift.plates.in.alarm", platesInAlarm);
        instrumentScores = MultiGauge.builder("results.drift.instrument.score")
                .description("drift score (largest PSI) per instrument over the window").register(metrics);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "drift-monitor"));
        long millis = drift.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduledPass, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void scheduledPass() {
        try {
            pass();
        } catch (SQLException | RuntimeException e) {
            failedPasses.increment();
            LOG.warnf(e, "drift pass failed; the next one starts from the same point");
        }
    }

    /**
     * One pass, as the schedule runs it (tests call it to avoid waiting).
     *
     * @return how many plates were scored
     */
    public synchronized int pass() throws SQLException {
        ResultsConfig.Drift drift = config.drift();
        List<LiveEvent> events = new ArrayList<>();
        int scored = 0;
        try (Connection c = dataSource.getConnection()) {
            Instant started = DriftStore.now(c);
            Instant windowStart = started.minus(drift.window());
            Instant since = lastPass == null ? windowStart : lastPass.minus(COMMIT_LAG);
            List<String> plates = DriftStore.platesStoredSince(c, since);
            c.setAutoCommit(false);
            try {
                for (String plate : plates) {
                    scored += score(c, DriftScope.PLATE, plate, windowStart, events) ? 1 : 0;
                }
                if (!plates.isEmpty()) {
                    for (DriftScope scope : List.of(DriftScope.INSTRUMENT, DriftScope.CELL_LINE)) {
                        for (String key : DriftStore.keysOnPlates(c, scope, plates)) {
                            score(c, scope, key, windowStart, events);
                        }
                    }
                }
                platesInAlarm.set(DriftStore.platesInAlarm(c, windowStart));
                Map<String, Double> scores = DriftStore.instrumentScores(c, windowStart);
                instrumentScores.register(scores.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(Tags.of("instrument", e.getKey()), e.getValue())).toList(), true);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            lastPass = started;
        }
        alarms.increment(events.size());
        live.publish(events);
        return scored;
    }

    /**
     * Scores one scope and key; a new alarm becomes an incident, whose live event joins {@code events} (only
     * incidents go there: the pass counts them as alarms once committed).
     *
     * @return whether the scope was scored (a version with a reference, enough fields)
     */
    private boolean score(Connection c, DriftScope scope, String key, Instant windowStart, List<LiveEvent> events)
            throws SQLException {
        Optional<Version> version = DriftStore.newestVersionWithReference(c, scope, key, windowStart);
        if (version.isEmpty()) {
            return false;
        }
        Fields fields = DriftStore.fields(c, scope, key, windowStart, version.get(), config.drift().maxFields());
        Optional<Assessment> assessment = assessor.assess(version.get().reference(), fields.observations());
        if (assessment.isEmpty()) {
            return false;
        }
        Assessment a = assessment.get();
        for (String unknown : a.skipped()) {
            if (reportedUnknown.add(unknown)) {
                LOG.warnf("drift reference of model %s version %d profiles '%s', which the sink does not store: "
                        + "skipped (reported once)", version.get().modelName(), version.get().version(), unknown);
            }
        }
        DriftStore.save(c, scope, key, version.get(), a, fields.lastClassifiedAt());
        if (a.alarm()) {
            DriftStore.raise(c, scope, key, version.get(), a, config.drift().window()).ifPresent(events::add);
        }
        return true;
    }
}
