package io.tunet.results.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tunet.schemas.HpaClasses;

/**
 * The samples a curator's label would teach the model most: each sample's latest prediction (highest model
 * version, then latest classification) that no curator has labelled yet, ranked by
 * <pre>
 * score = uncertainty + RARITY_WEIGHT × rarity + (ABSTAIN_BONUS when no probability reaches its threshold)
 *                     + (DISAGREEMENT_BONUS when a shadowed version's labels differ from the champion's)
 * uncertainty = max over classes of 1 − |p − t| / max(t, 1 − t)      (1 on a threshold, 0 at 0 or 1 far from it)
 * rarity      = max over predicted classes of max(0, 1 − share / RARE_SHARE)
 * </pre>
 * where {@code t} is the threshold stored with the prediction and {@code share} is the fraction of samples
 * (latest prediction each, every plate) that predict the class. Both bonuses together stay below 1, so a sample
 * on a threshold always ranks above a confident one (the disagreement bonus included: 0.95 in all). Uncertainty and abstention are stored with each prediction
 * when it is written (generated columns, {@code V4__label_queue.sql}); one statement picks each sample's latest,
 * scores and ranks them; only the returned rows travel.
 */
@ApplicationScoped
public class LabelQueue {

    /** A predicted class carried by fewer than this fraction of samples counts as rare. */
    public static final double RARE_SHARE = 0.05;
    /** Weight of the rarity term (0..1 before weighting). */
    public static final double RARITY_WEIGHT = 0.5;
    /** Added when the model predicts nothing: no probability reaches its threshold. */
    public static final double ABSTAIN_BONUS = 0.25;
    /**
     * Added when a shadowed version's label set on the sample differs from the champion's beside it: one of the two is
     * wrong there, and the curator's label says which. With the two other bonuses it stays under 1 (0.95).
     */
    public static final double DISAGREEMENT_BONUS = 0.2;

    // Only the narrow columns are sorted and scored (uncertainty and abstention are stored with each row, see
    // V4__label_queue.sql); the arrays are read for the returned rows alone. Rarity is looked up among the few
    // classes under RARE_SHARE.
    private static final String QUEUE = """
            WITH latest AS (
                SELECT DISTINCT ON (p.sample_id) p.sample_id, p.model_name, p.model_version, p.plate,
                    p.predicted_labels, p.queue_uncertainty, p.queue_abstains
                FROM predictions p
                ORDER BY p.sample_id, p.model_version DESC, p.classified_at DESC)
            , rare AS MATERIALIZED (
                SELECT label, count(*)::float8 / (SELECT count(*) FROM latest) AS share
                FROM latest CROSS JOIN LATERAL unnest(latest.predicted_labels) AS label GROUP BY label)
            , disagreements AS (
                SELECT DISTINCT ON (d.sample_id) d.sample_id, d.shadow_version, d.champion_version,
                    d.predicted_labels AS shadow_labels, d.champion_labels
                FROM shadow_results d
                WHERE NOT (d.predicted_labels @> d.champion_labels AND d.predicted_labels <@ d.champion_labels)
                    -- a dispute the registry has settled (the shadow promoted, rejected or retired) teaches nothing
                    AND NOT EXISTS (SELECT 1 FROM model_versions m WHERE m.model_name = d.model_name
                        AND m.version = d.shadow_version AND m.status <> 'CANDIDATE')
                ORDER BY d.sample_id, d.shadow_version DESC)
            , scored AS (
                SELECT l.sample_id, l.model_name, l.model_version, l.queue_uncertainty AS uncertainty,
                    l.queue_abstains AS abstains, r.label AS rare_class, r.share AS rare_share,
                    COALESCE(1 - r.share / ?, 0) AS rarity, d.sample_id IS NOT NULL AS disagrees, d.shadow_version,
                    d.champion_version, d.shadow_labels, d.champion_labels
                FROM latest l
                LEFT JOIN disagreements d ON d.sample_id = l.sample_id
                LEFT JOIN LATERAL (
                    SELECT rare.label, rare.share FROM rare
                    WHERE rare.share < ? AND rare.label = ANY (l.predicted_labels)
                    ORDER BY rare.share, rare.label LIMIT 1) r ON TRUE
                WHERE (CAST(? AS text) IS NULL OR l.plate = ?)
                    AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.sample_id = l.sample_id))
            , top AS (
                SELECT scored.*, uncertainty + ? * rarity + CASE WHEN abstains THEN ? ELSE 0 END
                    + CASE WHEN disagrees THEN ? ELSE 0 END AS score
                FROM scored ORDER BY score DESC NULLS LAST, sample_id LIMIT ?)
            SELECT t.*, p.plate, p.well, p.field, p.probabilities, p.thresholds
            FROM top t JOIN predictions p USING (sample_id, model_name, model_version)
            ORDER BY t.score DESC NULLS LAST, t.sample_id""";

    @Inject
    AgroalDataSource dataSource;

    /** Whether any prediction is stored for the plate. */
    public boolean plateExists(String plate) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM predictions WHERE plate = ?)")) {
            s.setString(1, plate);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The {@code limit} most informative unlabelled samples (of one plate, or all when null), best first. */
    public List<QueueItem> next(String plate, int limit) throws SQLException {
        List<QueueItem> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(QUEUE)) {
            s.setDouble(1, RARE_SHARE);
            s.setDouble(2, RARE_SHARE);
            s.setString(3, plate);
            s.setString(4, plate);
            s.setDouble(5, RARITY_WEIGHT);
            s.setDouble(6, ABSTAIN_BONUS);
            s.setDouble(7, DISAGREEMENT_BONUS);
            s.setInt(8, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    items.add(item(rs));
                }
            }
        }
        return items;
    }

    private static QueueItem item(ResultSet rs) throws SQLException {
        Float[] probabilities = (Float[]) rs.getArray("probabilities").getArray();
        Float[] thresholds = (Float[]) rs.getArray("thresholds").getArray();
        // the class the uncertainty came from: the same formula as the SQL, first class on a tie
        int closest = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < probabilities.length; i++) {
            double u = uncertainty(probabilities[i], thresholds[i]);
            if (u > best) {
                best = u;
                closest = i;
            }
        }
        QueueItem.Closest near = new QueueItem.Closest(closest, HpaClasses.name(closest), probabilities[closest],
                thresholds[closest]);
        Integer rareIndex = rs.getObject("rare_class", Integer.class);
        double rarity = rs.getDouble("rarity");
        QueueItem.Rare rare = rareIndex == null || rarity <= 0 ? null
                : new QueueItem.Rare(rareIndex, HpaClasses.name(rareIndex), rs.getDouble("rare_share"));
        boolean abstains = rs.getBoolean("abstains");
        QueueItem.Disagreement disagreement = rs.getBoolean("disagrees") ? disagreement(rs.getLong("champion_version"),
                rs.getLong("shadow_version"), List.of((Integer[]) rs.getArray("champion_labels").getArray()),
                List.of((Integer[]) rs.getArray("shadow_labels").getArray())) : null;
        return new QueueItem(rs.getString("sample_id"), rs.getString("plate"), rs.getString("well"),
                rs.getInt("field"), rs.getString("model_name"), rs.getLong("model_version"), rs.getDouble("score"),
                reason(near, rare, abstains, disagreement), rs.getDouble("uncertainty"), near, RARITY_WEIGHT * rarity,
                rare, abstains ? ABSTAIN_BONUS : 0, abstains, disagreement == null ? 0 : DISAGREEMENT_BONUS,
                disagreement);
    }

    /** The classes exactly one of the two label sets carries, ascending. */
    static QueueItem.Disagreement disagreement(long championVersion, long shadowVersion, List<Integer> champion,
                                               List<Integer> shadow) {
        List<QueueItem.DisagreeingClass> classes = new ArrayList<>();
        for (int i = 0; i < HpaClasses.COUNT; i++) {
            boolean byChampion = champion.contains(i);
            boolean byShadow = shadow.contains(i);
            if (byChampion != byShadow) {
                classes.add(new QueueItem.DisagreeingClass(i, HpaClasses.name(i), byChampion, byShadow));
            }
        }
        return new QueueItem.Disagreement(championVersion, shadowVersion, classes);
    }

    static double uncertainty(double p, double t) {
        return 1 - Math.abs(p - t) / Math.max(t, 1 - t);
    }

    /**
     * "Golgi apparatus at 0.31 against threshold 0.33; predicts a rare class: Aggresome (0.4% of fields); champion v3
     * and shadow v4 disagree on Golgi apparatus (shadow only), Cytosol (champion only)".
     */
    static String reason(QueueItem.Closest near, QueueItem.Rare rare, boolean abstains,
                         QueueItem.Disagreement disagreement) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s at %.2f against threshold %.2f",
                near.className(), near.probability(), near.threshold()));
        if (abstains) {
            text.append("; no class reaches its threshold (the model abstains)");
        }
        if (rare != null) {
            text.append(String.format(Locale.ROOT, "; predicts a rare class: %s (%.1f%% of fields)", rare.className(),
                    100 * rare.share()));
        }
        if (disagreement != null) {
            text.append(String.format(Locale.ROOT, "; champion v%d and shadow v%d disagree on ",
                    disagreement.championVersion(), disagreement.shadowVersion()));
            text.append(String.join(", ", disagreement.classes().stream().map(c -> c.className()
                    + (c.shadow() ? " (shadow only)" : " (champion only)")).toList()));
        }
        return text.toString();
    }
}
