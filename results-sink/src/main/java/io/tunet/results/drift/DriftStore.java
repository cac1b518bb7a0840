package io.tunet.results.drift;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tunet.results.drift.DriftAssessor.Assessment;
import io.tunet.results.drift.DriftAssessor.Psi;
import io.tunet.results.live.LiveEvent;
import io.tunet.results.query.Views;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.topics.Topics;

/**
 * The drift monitor's SQL: which plates changed, which model version to compare a scope with, the fields to
 * compare, and the results and incidents it writes (upserts on natural keys). Methods take the caller's connection.
 */
final class DriftStore {

    /** The incident kind of a drift alarm. */
    static final String INCIDENT_KIND = "DRIFT";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QC_COLUMNS = "p.qc_focus, p.qc_laplacian_variance, p.qc_foreground_fraction, "
            + "p.qc_nuclei, p.qc_saturated_fraction, p.qc_p1, p.qc_p50, p.qc_p99, p.qc_p999";
    /** The per-stain array columns, in {@link FieldObservation#STAIN_FIGURES} order. */
    private static final List<String> STAIN_COLUMNS = List.of("qc_saturated_fraction", "qc_p1", "qc_p50", "qc_p99",
            "qc_p999");

    private DriftStore() {
    }

    /** A model version and its reference. */
    record Version(String modelName, long version, ReferenceProfile reference) {
    }

    /** The fields to compare, newest first, and when the newest was classified. */
    record Fields(List<FieldObservation> observations, Instant lastClassifiedAt) {
    }

    /** One statistic of a stored result (the statistic {@value DriftAssessor#PREDICTION} for the predictions). */
    record StoredPsi(String statistic, double psi, double limit) {
    }

    static Instant now(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT now()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** Plates with a prediction stored after {@code since}. */
    static List<String> platesStoredSince(Connection c, Instant since) throws SQLException {
        List<String> plates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT plate FROM predictions WHERE stored_at > ? ORDER BY plate")) {
            s.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plates.add(rs.getString(1));
                }
            }
        }
        return plates;
    }

    /** The instruments or cell lines (those given) of the samples on some plates. */
    static List<String> keysOnPlates(Connection c, DriftScope scope, List<String> plates) throws SQLException {
        String column = scope == DriftScope.INSTRUMENT ? "instrument_id" : "cell_line";
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT " + column + " FROM samples WHERE plate = ANY (?) AND "
                + column + " IS NOT NULL ORDER BY 1")) {
            s.setArray(1, c.createArrayOf("text", plates.toArray(new String[0])));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    /**
     * The newest model version (by creation time) that has a reference and a prediction in the scope: on the plate,
     * or on the instrument or cell line classified at or after {@code windowStart} (ignored for a plate).
     */
    static Optional<Version> newestVersionWithReference(Connection c, DriftScope scope, String key, Instant windowStart)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT v.model_name, v.version, v.reference::text FROM model_versions v
                WHERE v.reference IS NOT NULL AND EXISTS (
                    SELECT 1 FROM predictions p JOIN samples s ON s.sample_id = p.sample_id
                    WHERE p.model_name = v.model_name AND p.model_version = v.version AND %s = ?
                        AND (CAST(? AS timestamptz) IS NULL OR p.classified_at >= ?))
                ORDER BY v.created_at DESC, v.version DESC, v.model_name LIMIT 1""".formatted(scope.column()))) {
            bindScope(s, 1, scope, key, windowStart);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Version(rs.getString(1), rs.getLong(2), References.fromJson(rs.getString(3))));
            }
        }
    }

    /** The scope's most recently classified predictions by one version, at most {@code limit}. */
    static Fields fields(Connection c, DriftScope scope, String key, Instant windowStart, Version version, int limit)
            throws SQLException {
        List<FieldObservation> fields = new ArrayList<>();
        Instant last = null;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT %s, p.predicted_labels, p.classified_at
                FROM predictions p JOIN samples s ON s.sample_id = p.sample_id
                WHERE %s = ? AND (CAST(? AS timestamptz) IS NULL OR p.classified_at >= ?)
                    AND p.model_name = ? AND p.model_version = ?
                ORDER BY p.classified_at DESC, p.sample_id LIMIT ?""".formatted(QC_COLUMNS, scope.column()))) {
            bindScope(s, 1, scope, key, windowStart);
            s.setString(4, version.modelName());
            s.setLong(5, version.version());
            s.setInt(6, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    fields.add(new FieldObservation(qc(rs), Arrays.stream((Integer[]) rs.getArray("predicted_labels")
                            .getArray()).mapToInt(Integer::intValue).toArray()));
                    last = last == null ? rs.getTimestamp("classified_at").toInstant() : last;
                }
            }
        }
        return new Fields(fields, last);
    }

    private static void bindScope(PreparedStatement s, int index, DriftScope scope, String key, Instant windowStart)
            throws SQLException {
        Timestamp from = scope == DriftScope.PLATE ? null : Timestamp.from(windowStart);
        s.setString(index, key);
        s.setTimestamp(index + 1, from);
        s.setTimestamp(index + 2, from);
    }

    private static double[] qc(ResultSet rs) throws SQLException {
        double[] qc = new double[FieldObservation.STATISTICS.size()];
        Arrays.fill(qc, Double.NaN);
        qc[0] = number(rs, "qc_focus");
        qc[1] = number(rs, "qc_laplacian_variance");
        qc[2] = number(rs, "qc_foreground_fraction");
        qc[3] = number(rs, "qc_nuclei");
        for (int figure = 0; figure < STAIN_COLUMNS.size(); figure++) {
            Array array = rs.getArray(STAIN_COLUMNS.get(figure));
            if (array == null) {
                continue;
            }
            Double[] perStain = (Double[]) array.getArray();
            for (int stain = 0; stain < Math.min(perStain.length, FieldObservation.STAINS.size()); stain++) {
                String name = FieldObservation.STAINS.get(stain) + "." + FieldObservation.STAIN_FIGURES.get(figure);
                qc[FieldObservation.index(name)] = perStain[stain] == null ? Double.NaN : perStain[stain];
            }
        }
        return qc;
    }

    private static double number(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : value;
    }

    /**
     * Keeps a scope's latest result.
     *
     * @return whether the row changed (a pass over the same predictions writes nothing)
     */
    static boolean save(Connection c, DriftScope scope, String key, Version version, Assessment a,
                        Instant lastClassifiedAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO drift_results (scope, scope_key, model_name, model_version, fields, predictions, qc_psi,
                    prediction_psi, prediction_limit, score, worst, alarm, alarm_reason, last_classified_at)
                VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope, scope_key) DO UPDATE SET model_name = EXCLUDED.model_name,
                    model_version = EXCLUDED.model_version, fields = EXCLUDED.fields,
                    predictions = EXCLUDED.predictions, qc_psi = EXCLUDED.qc_psi,
                    prediction_psi = EXCLUDED.prediction_psi, prediction_limit = EXCLUDED.prediction_limit,
                    score = EXCLUDED.score, worst = EXCLUDED.worst, alarm = EXCLUDED.alarm,
                    alarm_reason = EXCLUDED.alarm_reason, last_classified_at = EXCLUDED.last_classified_at,
                    computed_at = now()
                WHERE (drift_results.model_name, drift_results.model_version, drift_results.fields,
                        drift_results.predictions, drift_results.qc_psi, drift_results.prediction_psi,
                        drift_results.prediction_limit, drift_results.score, drift_results.worst, drift_results.alarm,
                        drift_results.alarm_reason, drift_results.last_classified_at)
                    IS DISTINCT FROM (EXCLUDED.model_name, EXCLUDED.model_version, EXCLUDED.fields,
                        EXCLUDED.predictions, EXCLUDED.qc_psi, EXCLUDED.prediction_psi, EXCLUDED.prediction_limit,
                        EXCLUDED.score, EXCLUDED.worst, EXCLUDED.alarm, EXCLUDED.alarm_reason,
                        EXCLUDED.last_classified_at)
                RETURNING scope""")) {
            s.setString(1, scope.key());
            s.setString(2, key);
            s.setString(3, version.modelName());
            s.setLong(4, version.version());
            s.setInt(5, a.fields());
            s.setInt(6, a.predictions());
            s.setString(7, qcJson(a.qc()));
            s.setDouble(8, a.prediction().psi());
            s.setDouble(9, a.prediction().limit());
            s.setDouble(10, a.score());
            s.setString(11, a.worst());
            s.setBoolean(12, a.alarm());
            s.setString(13, a.reason());
            s.setTimestamp(14, Timestamp.from(lastClassifiedAt));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Raises a drift alarm as an incident, once per plate (or instrument, or cell line) and model version; an
     * instrument's or cell line's incident has no plate and names its subject and {@code window} in the detail.
     *
     * @return the live event of the new incident, or empty when it was raised before
     */
    static Optional<LiveEvent> raise(Connection c, DriftScope scope, String key, Version version, Assessment a,
            Duration window) throws SQLException {
        String detail = describe(scope, key, version, a, window);
        String plate = scope == DriftScope.PLATE ? key : null;
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO incidents (incident_key, kind, plate, reason, detail, source_topic, service, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, 'results-sink', now())
                ON CONFLICT (incident_key) DO NOTHING
                RETURNING incident_key""")) {
            s.setString(1, "drift:" + scope.key() + ":" + key + ":" + version.modelName() + ":" + version.version());
            s.setString(2, INCIDENT_KIND);
            s.setString(3, plate);
            s.setString(4, a.reason());
            s.setString(5, detail);
            s.setString(6, Topics.CLASSIFICATIONS.name());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new LiveEvent("incident", null, plate, null,
                Map.of("kind", INCIDENT_KIND, "reason", a.reason(), "detail", detail)));
    }

    /** The incident's detail: what drifted, by how much, against what. */
    static String describe(DriftScope scope, String key, Version version, Assessment a, Duration window) {
        String qc = a.qc().entrySet().stream()
                .map(e -> e.getKey() + " " + format(e.getValue().psi()) + (e.getValue().alarm() ? " (alarm above "
                        + format(e.getValue().limit()) + ")" : ""))
                .collect(Collectors.joining(", "));
        String subject = scope == DriftScope.PLATE ? "plate " + key
                : scope.key().replace('_', ' ') + " " + key + " over the last "
                        + window.toString().substring(2).toLowerCase(Locale.ROOT);
        return subject + " against the reference of model " + version.modelName() + " version "
                + version.version() + ", " + a.fields() + " fields with QC: worst " + a.worst() + " at PSI "
                + format(a.score()) + "; QC PSI " + (qc.isEmpty() ? "none profiled" : qc) + "; prediction PSI "
                + format(a.prediction().psi()) + (a.prediction().alarm() ? " (alarm above "
                + format(a.prediction().limit()) + ")" : "");
    }

    /** Plates in alarm whose latest compared prediction is at or after {@code since}. */
    static long platesInAlarm(Connection c, Instant since) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM drift_results WHERE scope = 'plate' AND alarm AND last_classified_at >= ?")) {
            s.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Each instrument's score, for those with a compared prediction at or after {@code since}. */
    static Map<String, Double> instrumentScores(Connection c, Instant since) throws SQLException {
        Map<String, Double> scores = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT scope_key, score FROM drift_results WHERE scope = 'instrument' AND last_classified_at >= ?
                ORDER BY scope_key""")) {
            s.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    scores.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return scores;
    }

    /** Every stored result of a scope, alarms first, then by score. */
    static List<Views.Drift> results(Connection c, DriftScope scope) throws SQLException {
        List<Views.Drift> results = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT scope_key, model_name, model_version, fields, predictions, qc_psi::text, prediction_psi,
                    prediction_limit, score, worst, alarm, alarm_reason, last_classified_at, computed_at
                FROM drift_results WHERE scope = ? ORDER BY alarm DESC, score DESC, scope_key LIMIT 1000""")) {
            s.setString(1, scope.key());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Views.DriftStatistic> qc = readQc(rs.getString(6)).stream()
                            .map(p -> new Views.DriftStatistic(p.statistic(), p.psi(), p.limit(), p.psi() > p.limit()))
                            .toList();
                    double predictionPsi = rs.getDouble(7);
                    double predictionLimit = rs.getDouble(8);
                    results.add(new Views.Drift(scope.key(), rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getInt(4), rs.getInt(5), rs.getDouble(9), rs.getString(10), rs.getBoolean(11),
                            rs.getString(12), qc, new Views.DriftStatistic(DriftAssessor.PREDICTION, predictionPsi,
                            predictionLimit, predictionPsi > predictionLimit),
                            rs.getTimestamp(13).toInstant(), rs.getTimestamp(14).toInstant()));
                }
            }
        }
        return results;
    }

    private static String qcJson(Map<String, Psi> qc) {
        List<StoredPsi> rows = qc.entrySet().stream()
                .map(e -> new StoredPsi(e.getKey(), e.getValue().psi(), e.getValue().limit())).toList();
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("drift figures do not serialise", e);
        }
    }

    private static List<StoredPsi> readQc(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<StoredPsi>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored drift figures do not parse: " + e.getMessage(), e);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
