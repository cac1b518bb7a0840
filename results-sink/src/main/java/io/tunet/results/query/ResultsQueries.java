package io.tunet.results.query;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tunet.schemas.HpaClasses;

/**
 * Read side of the results database. Every statement is a fixed SQL text with bind parameters; filters add
 * fixed conditions (see {@link ResultFilter}). "Latest prediction" of a sample means its highest model
 * version, then its latest classification.
 *
 * @throws SQLException from every method when the database fails; the REST layer answers 503
 */
@ApplicationScoped
public class ResultsQueries {

    /** First characters that make a spreadsheet evaluate a cell. */
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private static final String PREDICTION_COLUMNS = "p.sample_id, p.plate, p.well, p.field, p.model_name, "
            + "p.model_version, p.top_class, p.top_probability, p.predicted_labels, p.probabilities, "
            + "p.classified_at, p.inference_latency_ms, p.device, p.qc_flags, p.qc_focus, p.qc_laplacian_variance, "
            + "p.qc_foreground_fraction, p.qc_nuclei, p.qc_saturated_fraction, p.qc_p1, p.qc_p50, p.qc_p99, p.qc_p999";
    private static final List<String> STAINS = List.of("red", "green", "blue", "yellow");
    /** A plate's row of drift_results (alias d), read by {@link #plateDrift}. */
    private static final String PLATE_DRIFT_COLUMNS = "d.score AS drift_score, d.worst AS drift_worst, "
            + "d.alarm AS drift_alarm, d.alarm_reason AS drift_reason, d.model_name AS drift_model_name, "
            + "d.model_version AS drift_model_version, d.fields AS drift_fields";
    private static final String LATEST_PER_SAMPLE = """
            WITH latest AS (
                SELECT DISTINCT ON (p.sample_id) p.sample_id, p.well, p.probabilities, p.predicted_labels, p.qc_flags
                FROM predictions p
                WHERE (CAST(? AS text) IS NULL OR p.plate = ?)
                ORDER BY p.sample_id, p.model_version DESC, p.classified_at DESC)
            """;

    @Inject
    AgroalDataSource dataSource;

    /** Samples, newest first, each with its latest prediction. */
    public Page<Views.SampleSummary> samples(ResultFilter filter, int page, int size) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        filter.appendSampleConditions(where, params);
        String select = "SELECT s.sample_id AS s_id, s.plate AS s_plate, s.well AS s_well, s.field AS s_field,"
                + " s.first_seen_at, s.assembled_at, s.thumbnail IS NOT NULL AS has_thumbnail, " + PREDICTION_COLUMNS
                + " FROM samples s LEFT JOIN LATERAL (SELECT * FROM predictions q WHERE q.sample_id = s.sample_id"
                + " ORDER BY q.model_version DESC, q.classified_at DESC LIMIT 1) p ON TRUE" + where
                + " ORDER BY COALESCE(p.classified_at, s.first_seen_at) DESC, s.sample_id LIMIT ? OFFSET ?";
        try (Connection c = dataSource.getConnection()) {
            long total = count(c, "SELECT count(*) FROM samples s" + where, params);
            List<Views.SampleSummary> items = new ArrayList<>();
            try (PreparedStatement s = prepare(c, select, params, size, (long) page * size);
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    items.add(sampleSummary(rs));
                }
            }
            return new Page<>(page, size, total, items);
        }
    }

    /** One sample with all its predictions and labels. */
    public Optional<Views.SampleDetail> sample(String sampleId) throws SQLException {
        ResultFilter filter = ResultFilter.ofSample(sampleId);
        Page<Views.SampleSummary> found = samples(filter, 0, 1);
        if (found.items().isEmpty()) {
            return Optional.empty();
        }
        List<Views.Prediction> predictions = predictions(filter, 0, 1000).items();
        List<Views.Feedback> feedback = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = prepare(c, """
                     SELECT feedback_id, labels, labelled_by, source, comment, labelled_at FROM feedback
                     WHERE sample_id = ? ORDER BY labelled_at DESC, feedback_id""", List.of(sampleId));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                feedback.add(new Views.Feedback(rs.getString(1), ints(rs, 2), rs.getString(3), rs.getString(4),
                        rs.getString(5), instant(rs, 6)));
            }
        }
        return Optional.of(new Views.SampleDetail(found.items().get(0), predictions, feedback, shadows(sampleId)));
    }

    /** The shadowed versions' verdicts on a sample, newest version first; never part of its served result. */
    private List<Views.ShadowVerdict> shadows(String sampleId) throws SQLException {
        List<Views.ShadowVerdict> shadows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = prepare(c, """
                     SELECT model_name, shadow_version, champion_version, probabilities, predicted_labels, thresholds,
                         champion_labels, shadow_ms, champion_ms, classified_at
                     FROM shadow_results WHERE sample_id = ? ORDER BY shadow_version DESC""", List.of(sampleId));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                List<Integer> shadow = ints(rs, "predicted_labels");
                List<Integer> champion = ints(rs, "champion_labels");
                TreeSet<Integer> differing = new TreeSet<>(shadow);
                differing.addAll(champion);
                differing.removeIf(i -> shadow.contains(i) == champion.contains(i));
                shadows.add(new Views.ShadowVerdict(rs.getString("model_name"), rs.getLong("shadow_version"),
                        rs.getLong("champion_version"), List.of((Float[]) rs.getArray("probabilities").getArray()),
                        shadow, List.of((Float[]) rs.getArray("thresholds").getArray()), champion,
                        List.copyOf(differing), rs.getDouble("shadow_ms"), rs.getDouble("champion_ms"),
                        instant(rs, "classified_at")));
            }
        }
        return shadows;
    }

    /** The composite thumbnail (PNG), when the sample's images have arrived. */
    public Optional<byte[]> thumbnail(String sampleId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = prepare(c, "SELECT thumbnail FROM samples WHERE sample_id = ? AND thumbnail IS NOT NULL",
                     List.of(sampleId));
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    /** The masks of the given model version, or of the sample's latest prediction when none is given. */
    public Optional<Views.MaskSet> masks(String sampleId, Long modelVersion) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String modelName;
            long version;
            try (PreparedStatement s = prepare(c, """
                    SELECT model_name, model_version FROM (
                        SELECT model_name, model_version, classified_at FROM predictions WHERE sample_id = ?
                        UNION ALL
                        SELECT model_name, model_version, created_at FROM masks WHERE sample_id = ?) v
                    WHERE (CAST(? AS bigint) IS NULL OR model_version = ?)
                    ORDER BY model_version DESC, classified_at DESC LIMIT 1""",
                    Arrays.asList(sampleId, sampleId, modelVersion, modelVersion));
                 ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                modelName = rs.getString(1);
                version = rs.getLong(2);
            }
            List<Views.Mask> masks = new ArrayList<>();
            int width = 0;
            int height = 0;
            try (PreparedStatement s = prepare(c, """
                    SELECT class_index, area, runs, width, height FROM masks
                    WHERE sample_id = ? AND model_name = ? AND model_version = ? ORDER BY class_index""",
                    List.of(sampleId, modelName, version));
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    masks.add(new Views.Mask(rs.getInt(1), HpaClasses.name(rs.getInt(1)), rs.getInt(2), ints(rs, 3)));
                    width = rs.getInt(4);
                    height = rs.getInt(5);
                }
            }
            return Optional.of(new Views.MaskSet(sampleId, modelName, version, width, height, masks));
        }
    }

    /** Predictions, newest first. */
    public Page<Views.Prediction> predictions(ResultFilter filter, int page, int size) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        filter.appendPredictionConditions(where, params);
        try (Connection c = dataSource.getConnection()) {
            long total = count(c, "SELECT count(*) FROM predictions p" + where, params);
            List<Views.Prediction> items = new ArrayList<>();
            try (PreparedStatement s = prepare(c, "SELECT " + PREDICTION_COLUMNS + " FROM predictions p" + where
                    + " ORDER BY p.classified_at DESC, p.sample_id, p.model_version DESC LIMIT ? OFFSET ?",
                    params, size, (long) page * size);
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    items.add(prediction(rs));
                }
            }
            return new Page<>(page, size, total, items);
        }
    }

    /** How many predictions a CSV export of this filter would write. */
    public long countPredictions(ResultFilter filter) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        filter.appendPredictionConditions(where, params);
        try (Connection c = dataSource.getConnection()) {
            return count(c, "SELECT count(*) FROM predictions p" + where, params);
        }
    }

    /**
     * Writes predictions as CSV (oldest first, at most {@code limit} rows): identifiers, the top class, the
     * predicted labels separated by {@code ;}, one probability column per class named after it, then the field QC
     * flags separated by {@code ;} (empty when the field passed, {@code n/a} when it has no QC).
     */
    public void exportCsv(ResultFilter filter, int limit, Writer out) throws SQLException, IOException {
        StringBuilder where = new StringBuilder(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        filter.appendPredictionConditions(where, params);
        out.write("sample_id,plate,well,field,model_name,model_version,classified_at,top_class,top_probability,"
                + "predicted_labels");
        for (String name : HpaClasses.names()) {
            out.write(',');
            out.write(csv(name));
        }
        // last, so that the columns before keep their places for readers of earlier exports
        out.write(",qc_flags\n");
        try (Connection c = dataSource.getConnection()) {
            // a cursor instead of the whole result in memory: needs a transaction on PostgreSQL
            c.setAutoCommit(false);
            try (PreparedStatement s = prepare(c, "SELECT " + PREDICTION_COLUMNS + " FROM predictions p" + where
                    + " ORDER BY p.classified_at, p.sample_id, p.model_version LIMIT ?", params, limit)) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Views.Prediction p = prediction(rs);
                        StringBuilder line = new StringBuilder();
                        line.append(csv(p.sampleId())).append(',').append(csv(p.plate())).append(',')
                                .append(csv(p.well())).append(',').append(p.field()).append(',')
                                .append(csv(p.modelName())).append(',').append(p.modelVersion()).append(',')
                                .append(p.classifiedAt()).append(',').append(csv(p.topClassName())).append(',')
                                .append(p.topProbability()).append(',');
                        for (int i = 0; i < p.predictedLabels().size(); i++) {
                            line.append(i == 0 ? "" : ";").append(p.predictedLabels().get(i));
                        }
                        for (Float probability : p.probabilities()) {
                            line.append(',').append(probability);
                        }
                        // flag names come from records any producer may write: one neutralised cell
                        line.append(',').append(p.qc() == null ? "n/a" : csv(String.join(";", p.qc().flags())));
                        out.write(line.append('\n').toString());
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** Plates with predictions, most recently active first. */
    public List<Views.Plate> plates() throws SQLException {
        List<Views.Plate> plates = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     WITH plates AS (
                         SELECT plate, count(DISTINCT sample_id) AS samples, count(DISTINCT well) AS wells,
                             max(classified_at) AS last_classified_at
                         FROM predictions GROUP BY plate ORDER BY max(classified_at) DESC, plate LIMIT 500)
                     SELECT p.plate, p.samples, p.wells, p.last_classified_at, %s
                     FROM plates p LEFT JOIN drift_results d ON d.scope = 'plate' AND d.scope_key = p.plate
                     ORDER BY p.last_classified_at DESC, p.plate""".formatted(PLATE_DRIFT_COLUMNS));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                plates.add(new Views.Plate(rs.getString(1), rs.getLong(2), rs.getLong(3), instant(rs, 4),
                        plateDrift(rs)));
            }
        }
        return plates;
    }

    /** Per-well summary of one plate from each sample's latest prediction. */
    public Views.PlateSummary plate(String plate) throws SQLException {
        List<Views.Well> wells = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = prepare(c, LATEST_PER_SAMPLE + """
                     , per_class AS (
                         SELECT l.well, c.ord - 1 AS class_index, avg(c.prob) AS mean_probability, count(*) AS samples
                         FROM latest l CROSS JOIN LATERAL unnest(l.probabilities) WITH ORDINALITY AS c(prob, ord)
                         GROUP BY l.well, c.ord)
                     , flags AS (
                         SELECT l.well, array_agg(DISTINCT f ORDER BY f) AS qc_flags
                         FROM latest l CROSS JOIN LATERAL unnest(l.qc_flags) AS f GROUP BY l.well)
                     , flagged AS (
                         SELECT well, count(*) FILTER (WHERE cardinality(qc_flags) > 0) AS samples FROM latest
                         GROUP BY well)
                     SELECT DISTINCT ON (pc.well) pc.well, pc.samples, pc.class_index, pc.mean_probability,
                         fl.qc_flags, fd.samples
                     FROM per_class pc LEFT JOIN flags fl ON fl.well = pc.well LEFT JOIN flagged fd ON fd.well = pc.well
                     ORDER BY pc.well, pc.mean_probability DESC, pc.class_index""", List.of(plate, plate));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                int dominant = rs.getInt(3);
                java.sql.Array flags = rs.getArray(5);
                wells.add(new Views.Well(rs.getString(1), rs.getLong(2), dominant, HpaClasses.name(dominant),
                        rs.getDouble(4), flags == null ? List.of() : List.of((String[]) flags.getArray()),
                        rs.getLong(6)));
            }
        }
        Views.PlateDrift drift = null;
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + PLATE_DRIFT_COLUMNS
                     + " FROM drift_results d WHERE d.scope = 'plate' AND d.scope_key = ?")) {
            s.setString(1, plate);
            try (ResultSet rs = s.executeQuery()) {
                drift = rs.next() ? plateDrift(rs) : null;
            }
        }
        return new Views.PlateSummary(plate, wells, drift);
    }

    /** A plate's drift in brief: null when the plate has no drift result (the LEFT JOIN found none). */
    private static Views.PlateDrift plateDrift(ResultSet rs) throws SQLException {
        if (rs.getString("drift_worst") == null) {
            return null;
        }
        return new Views.PlateDrift(rs.getDouble("drift_score"), rs.getString("drift_worst"),
                rs.getBoolean("drift_alarm"), rs.getString("drift_reason"), rs.getString("drift_model_name"),
                rs.getLong("drift_model_version"), rs.getInt("drift_fields"));
    }

    /** For each class, how many samples' latest prediction carries it (on one plate, or all when null). */
    public List<Views.ClassCount> classFrequency(String plate) throws SQLException {
        long[] counts = new long[HpaClasses.COUNT];
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = prepare(c, LATEST_PER_SAMPLE + """
                     SELECT label, count(*) FROM latest CROSS JOIN LATERAL unnest(latest.predicted_labels) AS label
                     GROUP BY label""", Arrays.asList(plate, plate));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts[rs.getInt(1)] = rs.getLong(2);
            }
        }
        List<Views.ClassCount> frequency = new ArrayList<>();
        for (int i = 0; i < HpaClasses.COUNT; i++) {
            frequency.add(new Views.ClassCount(i, HpaClasses.name(i), counts[i]));
        }
        return frequency;
    }

    /** Model versions (of one model, or all when null), newest first, with their status history. */
    public List<Views.ModelVersion> models(String modelName) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, List<Views.StatusChange>> history = new HashMap<>();
            try (PreparedStatement s = prepare(c, """
                    SELECT model_name, version, status, reason, recorded_at FROM model_status_history
                    WHERE (CAST(? AS text) IS NULL OR model_name = ?)
                    ORDER BY recorded_at, array_position(ARRAY['CANDIDATE', 'PROMOTED', 'REJECTED', 'RETIRED'], status)""",
                    Arrays.asList(modelName, modelName));
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    history.computeIfAbsent(rs.getString(1) + "#" + rs.getLong(2), k -> new ArrayList<>())
                            .add(new Views.StatusChange(rs.getString(3), rs.getString(4), instant(rs, 5)));
                }
            }
            List<Views.ModelVersion> versions = new ArrayList<>();
            try (PreparedStatement s = prepare(c, """
                    SELECT model_name, version, status, status_reason, architecture, input_size, macro_f1, micro_f1,
                        precision_score, recall, per_class_f1, dice, validation_size, training_set_size, snapshot_id,
                        parent_version, created_at
                    FROM model_versions WHERE (CAST(? AS text) IS NULL OR model_name = ?)
                    ORDER BY model_name, version DESC""", Arrays.asList(modelName, modelName));
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    long version = rs.getLong(2);
                    versions.add(new Views.ModelVersion(name, version, rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), score(rs.getDouble(7)), score(rs.getDouble(8)),
                            score(rs.getDouble(9)), score(rs.getDouble(10)),
                            Arrays.stream((Double[]) rs.getArray(11).getArray()).map(ResultsQueries::score).toList(),
                            rs.getObject(12, Double.class), rs.getInt(13), rs.getInt(14), rs.getString(15),
                            rs.getObject(16, Long.class), instant(rs, 17),
                            history.getOrDefault(name + "#" + version, List.of())));
                }
            }
            return versions;
        }
    }

    /** A stored score, or null where it is undefined (NaN: a class absent from the validation samples). */
    private static Double score(Double value) {
        return value == null || value.isNaN() ? null : value;
    }

    /** Incidents (of one kind, or all when null), newest first. */
    public Page<Views.Incident> incidents(String kind, int page, int size) throws SQLException {
        List<Object> params = Arrays.asList(kind, kind);
        try (Connection c = dataSource.getConnection()) {
            long total = count(c, "SELECT count(*) FROM incidents WHERE (CAST(? AS text) IS NULL OR kind = ?)", params);
            List<Views.Incident> items = new ArrayList<>();
            try (PreparedStatement s = prepare(c, """
                    SELECT kind, sample_id, plate, well, reason, detail, source_topic, service, occurred_at
                    FROM incidents WHERE (CAST(? AS text) IS NULL OR kind = ?)
                    ORDER BY occurred_at DESC, incident_key LIMIT ? OFFSET ?""", params, size, (long) page * size);
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    items.add(new Views.Incident(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), instant(rs, 9)));
                }
            }
            return new Page<>(page, size, total, items);
        }
    }

    private static Views.SampleSummary sampleSummary(ResultSet rs) throws SQLException {
        Views.Prediction latest = rs.getString("sample_id") == null ? null : prediction(rs);
        return new Views.SampleSummary(rs.getString("s_id"), rs.getString("s_plate"), rs.getString("s_well"),
                rs.getInt("s_field"), instant(rs, "first_seen_at"), instant(rs, "assembled_at"),
                rs.getBoolean("has_thumbnail"), latest);
    }

    private static Views.Prediction prediction(ResultSet rs) throws SQLException {
        int top = rs.getInt("top_class");
        return new Views.Prediction(rs.getString("sample_id"), rs.getString("plate"), rs.getString("well"),
                rs.getInt("field"), rs.getString("model_name"), rs.getLong("model_version"), top,
                HpaClasses.name(top), rs.getFloat("top_probability"), ints(rs, "predicted_labels"),
                List.of((Float[]) rs.getArray("probabilities").getArray()), instant(rs, "classified_at"),
                rs.getDouble("inference_latency_ms"), rs.getString("device"), qc(rs));
    }

    /** The prediction's field QC; null when it has none (its flags column is NULL). */
    private static Views.Qc qc(ResultSet rs) throws SQLException {
        java.sql.Array flags = rs.getArray("qc_flags");
        if (flags == null) {
            return null;
        }
        Double[][] perStain = {doubles(rs, "qc_saturated_fraction"), doubles(rs, "qc_p1"), doubles(rs, "qc_p50"),
                doubles(rs, "qc_p99"), doubles(rs, "qc_p999")};
        List<Views.StainQc> stains = new ArrayList<>(STAINS.size());
        for (int i = 0; i < STAINS.size(); i++) {
            stains.add(new Views.StainQc(STAINS.get(i), at(perStain[0], i), at(perStain[1], i), at(perStain[2], i),
                    at(perStain[3], i), at(perStain[4], i)));
        }
        return new Views.Qc(List.of((String[]) flags.getArray()), finite(rs.getObject("qc_focus", Double.class)),
                finite(rs.getObject("qc_laplacian_variance", Double.class)),
                finite(rs.getObject("qc_foreground_fraction", Double.class)), rs.getObject("qc_nuclei", Integer.class),
                stains);
    }

    private static Double[] doubles(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? new Double[0] : (Double[]) array.getArray();
    }

    private static Double at(Double[] values, int index) {
        return index < values.length ? finite(values[index]) : null;
    }

    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }

    private static long count(Connection c, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> params, Object... more)
            throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        int index = 1;
        for (Object value : params) {
            s.setObject(index++, value);
        }
        for (Object value : more) {
            s.setObject(index++, value);
        }
        return s;
    }

    private static List<Integer> ints(ResultSet rs, int column) throws SQLException {
        return List.of((Integer[]) rs.getArray(column).getArray());
    }

    private static List<Integer> ints(ResultSet rs, String column) throws SQLException {
        return List.of((Integer[]) rs.getArray(column).getArray());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /**
     * One CSV cell: quoted where it holds a separator, a quote or a line break, and prefixed with {@code '}
     * where it starts with a character that makes a spreadsheet read it as a formula ({@code = + - @}, tab,
     * carriage return; OWASP's advice on CSV injection). The strings come from records any producer on the
     * line may write, and the export is meant to be opened in a spreadsheet.
     */
    static String csv(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String cell = FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
