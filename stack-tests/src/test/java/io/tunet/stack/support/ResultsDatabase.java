package io.tunet.stack.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the results sink stored, read straight from its PostgreSQL tables: the ground truth of the e2e tests. */
public final class ResultsDatabase {

    private final LocalPostgres postgres;

    public ResultsDatabase(LocalPostgres postgres) {
        this.postgres = postgres;
    }

    /** One stored prediction: how many predicted labels it has and how many mask rows were stored for it. */
    public record StoredResult(String sampleId, int rows, int predictedLabels, int masks) {
    }

    /** Per sample id among {@code ids}: its prediction rows (over all model versions), labels and masks. */
    public Map<String, StoredResult> results(Collection<String> ids) throws SQLException {
        String sql = """
                SELECT p.sample_id, count(*) OVER (PARTITION BY p.sample_id) AS rows,
                       cardinality(p.predicted_labels) AS labels,
                       (SELECT count(*) FROM masks m WHERE m.sample_id = p.sample_id AND m.model_name = p.model_name
                                                        AND m.model_version = p.model_version) AS masks
                FROM predictions p WHERE p.sample_id = ANY (?)""";
        Map<String, StoredResult> results = new HashMap<>();
        try (Connection connection = postgres.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    results.put(rows.getString(1), new StoredResult(rows.getString(1), rows.getInt(2), rows.getInt(3),
                            rows.getInt(4)));
                }
            }
        }
        return results;
    }

    /**
     * Polls until every id has a stored prediction, tolerating the database being briefly away.
     *
     * @return the ids still missing when the time ran out (empty when all arrived)
     */
    public List<String> awaitStored(Collection<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = new ArrayList<>(ids);
        while (true) {
            try {
                Map<String, StoredResult> stored = results(missing);
                missing.removeIf(stored::containsKey);
            } catch (SQLException e) {
                // the test may have stopped PostgreSQL itself; keep polling
            }
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(500);
        }
    }

    /**
     * When one field passed each stage, in milliseconds after its last stain was acquired (= published by the
     * simulator): assembled by ingest, classified by inference, stored by the sink.
     */
    public record Timing(double assembledMillis, double classifiedMillis, double storedMillis, long storedAtMillis) {
    }

    private static final String TIMINGS = """
            SELECT extract(epoch FROM (sample_assembled_at - last_acquired_at)) * 1000,
                   extract(epoch FROM (classified_at - last_acquired_at)) * 1000,
                   extract(epoch FROM (stored_at - last_acquired_at)) * 1000,
                   extract(epoch FROM stored_at) * 1000
            FROM predictions""";

    /** The stage timings of each of {@code ids} that is stored. */
    public List<Timing> timings(Collection<String> ids) throws SQLException {
        try (Connection connection = postgres.connect();
                PreparedStatement statement = connection.prepareStatement(TIMINGS + " WHERE sample_id = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            return timings(statement);
        }
    }

    /** The stage timings of every prediction stored in [{@code from}, {@code to}). */
    public List<Timing> timingsStoredBetween(Instant from, Instant to) throws SQLException {
        try (Connection connection = postgres.connect();
                PreparedStatement statement = connection.prepareStatement(TIMINGS + " WHERE stored_at >= ? AND stored_at < ?")) {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(to));
            return timings(statement);
        }
    }

    /** How many samples have at least one stored prediction. */
    public long storedSamples() throws SQLException {
        try (Connection connection = postgres.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(DISTINCT sample_id) FROM predictions");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<Timing> timings(PreparedStatement statement) throws SQLException {
        List<Timing> timings = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                timings.add(new Timing(rows.getDouble(1), rows.getDouble(2), rows.getDouble(3), (long) rows.getDouble(4)));
            }
        }
        return timings;
    }
}
