package io.tunet.results.ingest;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.tunet.results.drift.References;
import io.tunet.results.live.LiveEvent;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.ShadowClassification;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.StainQuality;
import io.tunet.schemas.serde.RecordDecodingException;
import io.tunet.schemas.topics.Topic;
import io.tunet.schemas.topics.Topics;

/**
 * Writes records from the line's topics into the results database. Every write is an upsert on the
 * record's natural key (sample id and model version, feedback id, model name and version, …), so storing a
 * record twice leaves the database as storing it once did. A record that cannot be decoded or is invalid
 * becomes an incident row naming the problem instead of stopping the sink.
 * <p>
 * Methods take the caller's connection: the caller owns the transaction and commits Kafka offsets only
 * after it. One consumer thread calls it.
 * <p>
 * A sample's thumbnail comes with its Classification, made by inference from the stains it decoded. The stains of a
 * {@code samples} record are decoded here ({@link Thumbnails}) only for writers that send none: when the sample's
 * classification already came without one, or when it has not come yet and the last classification stored came
 * without one (an inference from before {@code Classification.thumbnail}; also every sample until the first
 * classification after a start).
 */
public final class ResultsStore {

    /** The topics this store understands, and so the topics the sink subscribes to. */
    public static final List<Topic<String, ?>> TOPICS = List.of(Topics.CLASSIFICATIONS, Topics.MASKS,
            Topics.MODELS, Topics.SAMPLES_INCOMPLETE, Topics.ACQUISITIONS_DLQ, Topics.SAMPLES_DLQ,
            Topics.FEEDBACK_DLQ, Topics.RESULTS_DLQ, Topics.SAMPLES, Topics.FEEDBACK, Topics.CLASSIFICATIONS_SHADOW);

    /** The live event of a shadow verdict stored for the first time; the consumer counts them once committed. */
    public static final String SHADOW_EVENT = "shadow";

    private static final Map<String, Topic<String, ?>> BY_NAME = TOPICS.stream()
            .collect(Collectors.toUnmodifiableMap(Topic::name, Function.identity()));

    private final Thumbnails thumbnails;
    /** Whether the last classification stored carried a thumbnail: then a sample's thumbnail is left to its own. */
    private boolean classificationsCarryThumbnails;

    public ResultsStore(Thumbnails thumbnails) {
        this.thumbnails = thumbnails;
    }

    /**
     * Stores one record within the caller's transaction.
     *
     * @return the live events for rows this call created (none when the record was already stored)
     * @throws SQLException when the database refuses a statement; the caller rolls back
     */
    public List<LiveEvent> store(Connection connection, ConsumerRecord<String, byte[]> record) throws SQLException {
        Topic<String, ?> topic = BY_NAME.get(record.topic());
        if (topic == null) {
            throw new IllegalArgumentException("results store does not handle topic '" + record.topic() + "'");
        }
        Object value;
        try {
            value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            return incident(connection, "undecodable:" + coordinates(record), "UNDECODABLE", record.key(),
                    null, null, e.reason().name(), e.getMessage(), record.topic(), null, now());
        }
        if (value == null) {
            return incident(connection, "undecodable:" + coordinates(record), "UNDECODABLE", record.key(),
                    null, null, "EMPTY", "record has no value", record.topic(), null, now());
        }
        try {
            if (value instanceof Classification c) {
                return storeClassification(connection, c);
            } else if (value instanceof SegmentationMask m) {
                return storeMasks(connection, m);
            } else if (value instanceof ModelVersion v) {
                return storeModelVersion(connection, v);
            } else if (value instanceof IncompleteSample s) {
                return storeIncomplete(connection, record.topic(), s);
            } else if (value instanceof DeadLetter d) {
                return storeDeadLetter(connection, record, d);
            } else if (value instanceof Sample s) {
                return storeSample(connection, s);
            } else if (value instanceof LabelFeedback f) {
                return storeFeedback(connection, f);
            } else if (value instanceof ShadowClassification sh) {
                return storeShadow(connection, sh);
            }
            throw new IllegalStateException("no store for " + value.getClass().getName());
        } catch (InvalidRecordException e) {
            return incident(connection, "invalid:" + coordinates(record), "INVALID_RECORD", record.key(),
                    null, null, "INVALID_FIELD", e.getMessage(), record.topic(), null, now());
        }
    }

    private List<LiveEvent> storeClassification(Connection c, Classification r)
            throws SQLException {
        requireClassVector("probabilities", r.getProbabilities().size());
        requireClassVector("thresholds", r.getThresholds().size());
        r.getPredictedLabels().forEach(ResultsStore::requireClassIndex);
        int top = 0;
        for (int i = 1; i < HpaClasses.COUNT; i++) {
            if (r.getProbabilities().get(i) > r.getProbabilities().get(top)) {
                top = i;
            }
        }
        insertSampleStub(c, r.getSampleId(), r.getPlate(), r.getWell(), r.getField());
        List<LiveEvent> events = new ArrayList<>(storeThumbnail(c, r));
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO predictions (sample_id, model_name, model_version, plate, well, field, probabilities,
                    predicted_labels, thresholds, top_class, top_probability, inference_latency_ms, device,
                    sample_assembled_at, last_acquired_at, classified_at, qc_flags, qc_focus, qc_laplacian_variance,
                    qc_foreground_fraction, qc_nuclei, qc_saturated_fraction, qc_p1, qc_p50, qc_p99, qc_p999)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sample_id, model_name, model_version) DO NOTHING
                RETURNING sample_id""")) {
            s.setString(1, r.getSampleId());
            s.setString(2, r.getModelName());
            s.setLong(3, r.getModelVersion());
            s.setString(4, r.getPlate());
            s.setString(5, r.getWell());
            s.setInt(6, r.getField());
            s.setArray(7, c.createArrayOf("float4", r.getProbabilities().toArray(new Float[0])));
            s.setArray(8, c.createArrayOf("int4", r.getPredictedLabels().toArray(new Integer[0])));
            s.setArray(9, c.createArrayOf("float4", r.getThresholds().toArray(new Float[0])));
            s.setInt(10, top);
            s.setFloat(11, r.getProbabilities().get(top));
            s.setDouble(12, r.getInferenceLatencyMillis());
            s.setString(13, r.getDevice());
            s.setTimestamp(14, new Timestamp(r.getSampleAssembledAt().toEpochMilli()));
            s.setTimestamp(15, new Timestamp(r.getLastAcquiredAt().toEpochMilli()));
            s.setTimestamp(16, new Timestamp(r.getClassifiedAt().toEpochMilli()));
            setQc(c, s, 17, r.getQc());
            if (!inserted(s)) {
                return events;
            }
        }
        Map<String, Object> data = new HashMap<>();
        data.put("field", r.getField());
        data.put("modelName", r.getModelName());
        data.put("modelVersion", r.getModelVersion());
        data.put("topClass", top);
        data.put("topProbability", r.getProbabilities().get(top));
        data.put("predictedLabels", List.copyOf(r.getPredictedLabels()));
        if (r.getQc() != null) {
            data.put("qcFlags", List.copyOf(r.getQc().getFlags()));
        }
        events.add(new LiveEvent("prediction", r.getSampleId(), r.getPlate(), r.getWell(), data));
        return events;
    }

    /**
     * A shadowed version's verdict beside the champion's. Only {@code shadow_results}: no sample row, no prediction,
     * so that nothing of the shadow is ever served as the sample's result.
     */
    private List<LiveEvent> storeShadow(Connection c, ShadowClassification r) throws SQLException {
        requireClassVector("probabilities", r.getProbabilities().size());
        requireClassVector("thresholds", r.getThresholds().size());
        r.getPredictedLabels().forEach(ResultsStore::requireClassIndex);
        r.getChampionLabels().forEach(ResultsStore::requireClassIndex);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO shadow_results (sample_id, shadow_version, model_name, champion_version, plate, well, field,
                    probabilities, predicted_labels, thresholds, champion_labels, shadow_ms, champion_ms, classified_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sample_id, shadow_version) DO NOTHING
                RETURNING sample_id""")) {
            s.setString(1, r.getSampleId());
            s.setLong(2, r.getShadowVersion());
            s.setString(3, r.getModelName());
            s.setLong(4, r.getChampionVersion());
            s.setString(5, r.getPlate());
            s.setString(6, r.getWell());
            s.setInt(7, r.getField());
            s.setArray(8, c.createArrayOf("float4", r.getProbabilities().toArray(new Float[0])));
            s.setArray(9, c.createArrayOf("int4", r.getPredictedLabels().toArray(new Integer[0])));
            s.setArray(10, c.createArrayOf("float4", r.getThresholds().toArray(new Float[0])));
            s.setArray(11, c.createArrayOf("int4", r.getChampionLabels().toArray(new Integer[0])));
            s.setDouble(12, r.getShadowMillis());
            s.setDouble(13, r.getChampionMillis());
            s.setTimestamp(14, new Timestamp(r.getClassifiedAt().toEpochMilli()));
            if (!inserted(s)) {
                return List.of();
            }
        }
        return List.of(new LiveEvent(SHADOW_EVENT, r.getSampleId(), r.getPlate(), r.getWell(),
                Map.of("modelName", r.getModelName(), "shadowVersion", r.getShadowVersion(),
                        "championVersion", r.getChampionVersion())));
    }

    /**
     * Keeps the classification's thumbnail for its sample unless the sample has one. A classification without one
     * whose sample was stored without one (its stains passed over, expecting a thumbnail) leaves the sample without
     * it: an incident says so.
     */
    private List<LiveEvent> storeThumbnail(Connection c, Classification r) throws SQLException {
        classificationsCarryThumbnails = r.getThumbnail() != null;
        if (r.getThumbnail() != null) {
            ByteBuffer png = r.getThumbnail().getPng().duplicate();
            byte[] bytes = new byte[png.remaining()];
            png.get(bytes);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE samples SET thumbnail = ? WHERE sample_id = ? AND thumbnail IS NULL")) {
                s.setBytes(1, bytes);
                s.setString(2, r.getSampleId());
                s.executeUpdate();
            }
            return List.of();
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT assembled_at IS NOT NULL AND thumbnail IS NULL FROM samples WHERE sample_id = ?")) {
            s.setString(1, r.getSampleId());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return List.of();
                }
            }
        }
        return incident(c, "thumbnail:" + r.getSampleId(), "THUMBNAIL_UNAVAILABLE", r.getSampleId(), r.getPlate(),
                r.getWell(), "NOT_SENT", "classified by model version " + r.getModelVersion() + " without a thumbnail "
                        + "after the sample's stains were passed over, a thumbnail from inference expected",
                Topics.CLASSIFICATIONS.name(), "results-sink", now());
    }

    /** The ten QC columns from {@code index} on: all NULL when the classification carries no QC. */
    private static void setQc(Connection c, PreparedStatement s, int index, FieldQuality qc) throws SQLException {
        if (qc == null) {
            s.setNull(index, Types.ARRAY);
            for (int i = 1; i <= 3; i++) {
                s.setNull(index + i, Types.DOUBLE);
            }
            s.setNull(index + 4, Types.INTEGER);
            for (int i = 5; i <= 9; i++) {
                s.setNull(index + i, Types.ARRAY);
            }
            return;
        }
        List<StainQuality> stains = List.of(qc.getRed(), qc.getGreen(), qc.getBlue(), qc.getYellow());
        s.setArray(index, c.createArrayOf("text", qc.getFlags().toArray(new String[0])));
        s.setDouble(index + 1, qc.getFocus());
        s.setDouble(index + 2, qc.getLaplacianVariance());
        s.setDouble(index + 3, qc.getForegroundFraction());
        s.setInt(index + 4, qc.getNuclei());
        s.setArray(index + 5, perStain(c, stains, StainQuality::getSaturatedFraction));
        s.setArray(index + 6, perStain(c, stains, StainQuality::getP1));
        s.setArray(index + 7, perStain(c, stains, StainQuality::getP50));
        s.setArray(index + 8, perStain(c, stains, StainQuality::getP99));
        s.setArray(index + 9, perStain(c, stains, StainQuality::getP999));
    }

    private static java.sql.Array perStain(Connection c, List<StainQuality> stains,
            Function<StainQuality, Double> figure) throws SQLException {
        return c.createArrayOf("float8", stains.stream().map(figure).toArray(Double[]::new));
    }

    private List<LiveEvent> storeMasks(Connection c, SegmentationMask r) throws SQLException {
        if (r.getWidth() <= 0 || r.getHeight() <= 0) {
            throw new InvalidRecordException("mask size " + r.getWidth() + "x" + r.getHeight() + " is not positive");
        }
        long pixels = (long) r.getWidth() * r.getHeight();
        for (ClassMask mask : r.getMasks()) {
            requireClassIndex(mask.getClassIndex());
            long total = 0;
            for (int run : mask.getRuns()) {
                if (run < 0) {
                    throw new InvalidRecordException("mask of class " + mask.getClassIndex() + " has a negative run");
                }
                total += run;
            }
            if (total != pixels) {
                throw new InvalidRecordException("mask of class " + mask.getClassIndex() + " has runs covering "
                        + total + " pixels, the mask has " + pixels);
            }
        }
        int created = 0;
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO masks (sample_id, model_name, model_version, class_index, width, height, area, runs, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sample_id, model_name, model_version, class_index) DO NOTHING
                RETURNING sample_id""")) {
            for (ClassMask mask : r.getMasks()) {
                s.setString(1, r.getSampleId());
                s.setString(2, r.getModelName());
                s.setLong(3, r.getModelVersion());
                s.setInt(4, mask.getClassIndex());
                s.setInt(5, r.getWidth());
                s.setInt(6, r.getHeight());
                s.setInt(7, mask.getArea());
                s.setArray(8, c.createArrayOf("int4", mask.getRuns().toArray(new Integer[0])));
                s.setTimestamp(9, new Timestamp(r.getCreatedAt().toEpochMilli()));
                created += inserted(s) ? 1 : 0;
            }
        }
        if (created == 0) {
            return List.of();
        }
        return List.of(new LiveEvent("masks", r.getSampleId(), null, null,
                Map.of("modelName", r.getModelName(), "modelVersion", r.getModelVersion(), "classes", created)));
    }

    private List<LiveEvent> storeModelVersion(Connection c, ModelVersion r) throws SQLException {
        requireClassVector("thresholds", r.getThresholds().size());
        ModelMetrics m = r.getMetrics();
        List<LiveEvent> events = new ArrayList<>();
        String reference = null;
        if (r.getReference() != null) {
            Optional<String> problem = References.problem(r.getReference());
            if (problem.isPresent()) {
                // the version itself is usable: keep it, without a reference the monitor could misread
                events.addAll(incident(c, "invalid-reference:" + r.getModelName() + ":" + r.getVersion(),
                        "INVALID_RECORD", null, null, null, "INVALID_REFERENCE", "model " + r.getModelName()
                                + " version " + r.getVersion() + " stored without its drift reference: " + problem.get(),
                        Topics.MODELS.name(), "results-sink", now()));
            } else {
                reference = References.toJson(r.getReference());
            }
        }
        // Status only moves forward (CANDIDATE → PROMOTED/REJECTED → RETIRED), so replaying an old record of a
        // version cannot take it back to an earlier status.
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO model_versions (model_name, version, status, status_reason, architecture, onnx_uri,
                    onnx_sha256, input_size, thresholds, macro_f1, micro_f1, precision_score, recall, per_class_f1,
                    dice, validation_size, training_set_size, snapshot_id, parent_version, created_at, reference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))
                ON CONFLICT (model_name, version) DO UPDATE
                    SET status = EXCLUDED.status, status_reason = EXCLUDED.status_reason
                    WHERE array_position(ARRAY['CANDIDATE', 'PROMOTED', 'REJECTED', 'RETIRED'], EXCLUDED.status)
                        > array_position(ARRAY['CANDIDATE', 'PROMOTED', 'REJECTED', 'RETIRED'], model_versions.status)""")) {
            s.setString(1, r.getModelName());
            s.setLong(2, r.getVersion());
            s.setString(3, r.getStatus().name());
            s.setString(4, r.getStatusReason());
            s.setString(5, r.getArchitecture());
            s.setString(6, r.getOnnx().getUri());
            s.setString(7, r.getOnnx().getSha256());
            s.setInt(8, r.getInputSize());
            s.setArray(9, c.createArrayOf("float4", r.getThresholds().toArray(new Float[0])));
            s.setDouble(10, m.getMacroF1());
            s.setDouble(11, m.getMicroF1());
            s.setDouble(12, m.getPrecision());
            s.setDouble(13, m.getRecall());
            s.setArray(14, c.createArrayOf("float8", m.getPerClassF1().toArray(new Double[0])));
            setNullable(s, 15, m.getDice(), Types.DOUBLE);
            s.setInt(16, m.getValidationSize());
            s.setInt(17, r.getTrainingSetSize());
            s.setString(18, r.getSnapshotId());
            setNullable(s, 19, r.getParentVersion(), Types.BIGINT);
            s.setTimestamp(20, new Timestamp(r.getCreatedAt().toEpochMilli()));
            s.setString(21, reference);
            s.executeUpdate();
        }
        if (reference != null) {
            // a version stored before it had a reference (an older record, or before V5) gets it once
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE model_versions SET reference = CAST(? AS jsonb)
                    WHERE model_name = ? AND version = ? AND reference IS NULL""")) {
                s.setString(1, reference);
                s.setString(2, r.getModelName());
                s.setLong(3, r.getVersion());
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO model_status_history (model_name, version, status, reason) VALUES (?, ?, ?, ?)
                ON CONFLICT (model_name, version, status) DO NOTHING
                RETURNING model_name""")) {
            s.setString(1, r.getModelName());
            s.setLong(2, r.getVersion());
            s.setString(3, r.getStatus().name());
            s.setString(4, r.getStatusReason());
            if (!inserted(s)) {
                return events;
            }
        }
        Map<String, Object> data = new HashMap<>(Map.of("modelName", r.getModelName(), "version", r.getVersion(),
                "status", r.getStatus().name()));
        if (Double.isFinite(m.getMacroF1())) {
            data.put("macroF1", m.getMacroF1()); // undefined (NaN) when no class was present: JSON has no NaN
        }
        events.add(new LiveEvent("model", null, null, null, data));
        return events;
    }

    private List<LiveEvent> storeIncomplete(Connection c, String topic, IncompleteSample r) throws SQLException {
        String detail = "missing " + r.getStainsMissing() + ", arrived " + r.getStainsPresent();
        return incident(c, "incomplete:" + r.getSampleId() + ":" + r.getFirstSeenAt().toEpochMilli(),
                "INCOMPLETE_SAMPLE", r.getSampleId(), r.getPlate(), r.getWell(), r.getReason(), detail, topic,
                "ingest-service", r.getEmittedAt().toEpochMilli());
    }

    private List<LiveEvent> storeDeadLetter(Connection c, ConsumerRecord<String, byte[]> record, DeadLetter r)
            throws SQLException {
        String origin = r.getSourceTopic()
                + (r.getSourcePartition() == null ? "" : "-" + r.getSourcePartition())
                + (r.getSourceOffset() == null ? "" : "@" + r.getSourceOffset());
        // The source coordinates identify a rejected record; without them, its key, reason and time do.
        String key = r.getSourceOffset() != null
                ? "dead-letter:" + origin
                : "dead-letter:" + origin + ":" + r.getOriginalKey() + ":" + r.getReason() + ":" + r.getFailedAt().toEpochMilli();
        return incident(c, key, "DEAD_LETTER", r.getOriginalKey(), null, null, r.getReason().name(),
                r.getDetail() + " (from " + origin + ")", record.topic(), r.getService(), r.getFailedAt().toEpochMilli());
    }

    private List<LiveEvent> storeSample(Connection c, Sample r) throws SQLException {
        boolean hasThumbnail = false;
        boolean classified = false;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT assembled_at IS NOT NULL, thumbnail IS NOT NULL,
                    EXISTS (SELECT 1 FROM predictions p WHERE p.sample_id = samples.sample_id)
                FROM samples WHERE sample_id = ?""")) {
            s.setString(1, r.getSampleId());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        return List.of();
                    }
                    hasThumbnail = rs.getBoolean(2);
                    classified = rs.getBoolean(3);
                }
            }
        }
        List<LiveEvent> events = new ArrayList<>();
        byte[] thumbnail = null;
        // classified without a thumbnail already, or expecting a writer that sends none
        if (!hasThumbnail && (classified || !classificationsCarryThumbnails)) {
            try {
                thumbnail = thumbnails.composite(r);
            } catch (ThumbnailException e) {
                events.addAll(incident(c, "thumbnail:" + r.getSampleId(), "THUMBNAIL_UNAVAILABLE", r.getSampleId(),
                        r.getPlate(), r.getWell(), "UNREADABLE_IMAGE", e.getMessage(), Topics.SAMPLES.name(),
                        "results-sink", now()));
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO samples (sample_id, plate, well, field, instrument_id, cell_line, assembled_at, thumbnail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sample_id) DO UPDATE
                    SET instrument_id = EXCLUDED.instrument_id, cell_line = EXCLUDED.cell_line,
                        assembled_at = EXCLUDED.assembled_at, thumbnail = COALESCE(samples.thumbnail, EXCLUDED.thumbnail)
                    WHERE samples.assembled_at IS NULL""")) {
            s.setString(1, r.getSampleId());
            s.setString(2, r.getPlate());
            s.setString(3, r.getWell());
            s.setInt(4, r.getField());
            s.setString(5, r.getInstrumentId());
            s.setString(6, r.getCellLine());
            s.setTimestamp(7, new Timestamp(r.getAssembledAt().toEpochMilli()));
            s.setBytes(8, thumbnail);
            s.executeUpdate();
        }
        events.add(new LiveEvent("sample", r.getSampleId(), r.getPlate(), r.getWell(),
                Map.of("field", r.getField(), "thumbnail", hasThumbnail || thumbnail != null)));
        return events;
    }

    private List<LiveEvent> storeFeedback(Connection c, LabelFeedback r) throws SQLException {
        r.getLabels().forEach(ResultsStore::requireClassIndex);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO feedback (feedback_id, sample_id, labels, labelled_by, source, comment, labelled_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (feedback_id) DO NOTHING
                RETURNING feedback_id""")) {
            s.setString(1, r.getFeedbackId());
            s.setString(2, r.getSampleId());
            s.setArray(3, c.createArrayOf("int4", r.getLabels().toArray(new Integer[0])));
            s.setString(4, r.getLabelledBy());
            s.setString(5, r.getSource().name());
            s.setString(6, r.getComment());
            s.setTimestamp(7, new Timestamp(r.getLabelledAt().toEpochMilli()));
            if (!inserted(s)) {
                return List.of();
            }
        }
        return List.of(new LiveEvent("feedback", r.getSampleId(), null, null,
                Map.of("labels", List.copyOf(r.getLabels()), "labelledBy", r.getLabelledBy())));
    }

    private static void insertSampleStub(Connection c, String sampleId, String plate, String well, int field)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO samples (sample_id, plate, well, field) VALUES (?, ?, ?, ?)
                ON CONFLICT (sample_id) DO NOTHING""")) {
            s.setString(1, sampleId);
            s.setString(2, plate);
            s.setString(3, well);
            s.setInt(4, field);
            s.executeUpdate();
        }
    }

    private static List<LiveEvent> incident(Connection c, String key, String kind, String sampleId, String plate,
                                            String well, String reason, String detail, String topic, String service,
                                            long occurredAtMillis) throws SQLException {
        key = text(key);
        sampleId = text(sampleId);
        plate = text(plate);
        well = text(well);
        reason = text(reason);
        detail = text(detail);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO incidents (incident_key, kind, sample_id, plate, well, reason, detail, source_topic,
                    service, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (incident_key) DO NOTHING
                RETURNING incident_key""")) {
            s.setString(1, key);
            s.setString(2, kind);
            s.setString(3, sampleId);
            s.setString(4, plate);
            s.setString(5, well);
            s.setString(6, reason);
            s.setString(7, detail);
            s.setString(8, topic);
            s.setString(9, service);
            s.setTimestamp(10, new Timestamp(occurredAtMillis));
            if (!inserted(s)) {
                return List.of();
            }
        }
        Map<String, Object> data = new HashMap<>();
        data.put("kind", kind);
        data.put("reason", reason);
        data.put("detail", detail);
        return List.of(new LiveEvent("incident", sampleId, plate, well, data));
    }

    /**
     * PostgreSQL text cannot hold U+0000, which a Kafka key or an Avro string may: an incident shows it escaped,
     * so that the record that carried it can still be reported (a dead letter of such a record names its key).
     */
    private static String text(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace("\0", "\\u0000");
    }

    private static boolean inserted(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next();
        }
    }

    private static void setNullable(PreparedStatement s, int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            s.setNull(index, sqlType);
        } else {
            s.setObject(index, value, sqlType);
        }
    }

    private static void requireClassVector(String what, int length) {
        if (length != HpaClasses.COUNT) {
            throw new InvalidRecordException(what + " has " + length + " entries, expected " + HpaClasses.COUNT);
        }
    }

    private static void requireClassIndex(int index) {
        if (!HpaClasses.isValid(index)) {
            throw new InvalidRecordException("class index " + index + " is outside 0.." + (HpaClasses.COUNT - 1));
        }
    }

    private static String coordinates(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
