package io.tunet.results.shadow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/**
 * Reads {@code shadow_results} with each sample's latest curator label (the latest {@code feedback} row of the sample,
 * as everywhere in the sink) and the version's status from {@code model_versions}, and computes the statistics in
 * Java ({@link ShadowStatistics}): one pass over the version's rows, 28 classes each.
 */
@ApplicationScoped
public class ShadowStore {

    private static final String ROWS = """
            SELECT s.shadow_version, s.model_name, s.champion_version, s.predicted_labels, s.champion_labels,
                s.shadow_ms, s.champion_ms, s.classified_at, f.labels AS truth, m.status
            FROM shadow_results s
            LEFT JOIN LATERAL (
                SELECT labels FROM feedback WHERE feedback.sample_id = s.sample_id
                ORDER BY labelled_at DESC, feedback_id LIMIT 1) f ON TRUE
            LEFT JOIN model_versions m ON m.model_name = s.model_name AND m.version = s.shadow_version
            WHERE (CAST(? AS bigint) IS NULL OR s.shadow_version = ?)
            ORDER BY s.shadow_version DESC, s.classified_at""";

    @Inject
    AgroalDataSource dataSource;

    /** Every shadowed version with its summary (no per-class rows), newest version first. */
    public List<ShadowVersion> versions() throws SQLException {
        return read(null).stream().map(v -> summary(v, false)).toList();
    }

    /** One version with its per-class table; empty when no verdict of it is stored. */
    public Optional<ShadowVersion> version(long version) throws SQLException {
        return read(version).stream().findFirst().map(v -> summary(v, true));
    }

    private List<Rows> read(Long version) throws SQLException {
        Map<Long, Rows> byVersion = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ROWS)) {
            if (version == null) {
                s.setNull(1, Types.BIGINT);
                s.setNull(2, Types.BIGINT);
            } else {
                s.setLong(1, version);
                s.setLong(2, version);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Rows rows = byVersion.computeIfAbsent(rs.getLong("shadow_version"), Rows::new);
                    // rows come oldest first: the last one names the model and its status
                    rows.modelName = rs.getString("model_name");
                    rows.status = rs.getString("status");
                    rows.championVersions.add(rs.getLong("champion_version"));
                    Instant at = rs.getTimestamp("classified_at").toInstant();
                    rows.first = rows.first == null ? at : rows.first;
                    rows.last = at;
                    Array truth = rs.getArray("truth");
                    rows.observations.add(new ShadowStatistics.Observation(mask(rs.getArray("predicted_labels")),
                            mask(rs.getArray("champion_labels")), truth == null ? null : mask(truth),
                            rs.getDouble("shadow_ms"), rs.getDouble("champion_ms")));
                }
            }
        }
        return new ArrayList<>(byVersion.values());
    }

    private static ShadowVersion summary(Rows rows, boolean withClasses) {
        ShadowStatistics.Result r = ShadowStatistics.of(rows.observations);
        return new ShadowVersion(rows.modelName, rows.version, rows.status, List.copyOf(rows.championVersions),
                r.samples(), r.agreedSamples(), r.exactAgreement(), r.labelled(), r.classesPresent(),
                r.macroF1Shadow(), r.macroF1Champion(), r.latency(), rows.first, rows.last,
                withClasses ? r.classes() : List.of());
    }

    private static int mask(Array array) throws SQLException {
        return ShadowStatistics.Observation.mask(Arrays.asList((Integer[]) array.getArray()));
    }

    /** The rows of one version as they are read. */
    private static final class Rows {
        final long version;
        final TreeSet<Long> championVersions = new TreeSet<>();
        final List<ShadowStatistics.Observation> observations = new ArrayList<>();
        String modelName;
        String status;
        Instant first;
        Instant last;

        Rows(long version) {
            this.version = version;
        }
    }
}
