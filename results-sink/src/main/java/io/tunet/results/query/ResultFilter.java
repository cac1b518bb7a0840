package io.tunet.results.query;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.tunet.imaging.qc.QcFlag;
import io.tunet.schemas.HpaClasses;

/**
 * Validated filters for the results queries; each present filter adds one fixed SQL condition whose value is
 * always a bind parameter.
 *
 * @param plate        exact plate id
 * @param well         exact well name (A01 … P24)
 * @param sampleId     exact sample id
 * @param classIndex   predictions whose predicted labels include this class
 * @param modelName    exact model name
 * @param modelVersion exact model version
 * @param from         classified at or after (inclusive)
 * @param to           classified before (exclusive)
 * @param flag         predictions whose field QC raised this flag (a {@link QcFlag} name)
 */
public record ResultFilter(String plate, String well, String sampleId, Integer classIndex, String modelName,
                           Long modelVersion, Instant from, Instant to, String flag) {

    private static final Pattern WELL = Pattern.compile("[A-Z]{1,2}[0-9]{1,2}");
    private static final int MAX_TEXT = 200;

    public ResultFilter {
        requireText("plate", plate);
        requireText("sampleId", sampleId);
        requireText("modelName", modelName);
        if (well != null && !WELL.matcher(well).matches()) {
            throw new InvalidQueryException("well must look like B07, was '" + well + "'");
        }
        if (classIndex != null && !HpaClasses.isValid(classIndex)) {
            throw new InvalidQueryException("class must be 0.." + (HpaClasses.COUNT - 1) + ", was " + classIndex);
        }
        if (modelVersion != null && modelVersion < 0) {
            throw new InvalidQueryException("modelVersion must not be negative, was " + modelVersion);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidQueryException("from (" + from + ") must be before to (" + to + ")");
        }
        if (flag != null && Arrays.stream(QcFlag.values()).noneMatch(f -> f.name().equals(flag))) {
            throw new InvalidQueryException("flag must be one of " + Arrays.toString(QcFlag.values())
                    + ", was '" + (flag.length() > MAX_TEXT ? flag.substring(0, MAX_TEXT) + "…" : flag) + "'");
        }
    }

    /** The filter of the samples list, which has no prediction filters. */
    public static ResultFilter ofSamples(String plate, String well, String from, String to) {
        return of(plate, well, null, null, null, null, from, to, null);
    }

    /** One sample's predictions. */
    public static ResultFilter ofSample(String sampleId) {
        return new ResultFilter(null, null, sampleId, null, null, null, null, null, null);
    }

    /** Parses the REST parameters; bad values raise {@link InvalidQueryException}. */
    public static ResultFilter of(String plate, String well, String sampleId, Integer classIndex, String modelName,
                                  Long modelVersion, String from, String to, String flag) {
        return new ResultFilter(blankToNull(plate), blankToNull(well), blankToNull(sampleId), classIndex,
                blankToNull(modelName), modelVersion, instant("from", from), instant("to", to), blankToNull(flag));
    }

    /**
     * A plate id as a path or query parameter, checked like the {@code plate} filter.
     *
     * @throws InvalidQueryException when it is too long
     */
    public static String requirePlate(String plate) {
        requireText("plate", plate);
        return plate;
    }

    /**
     * Appends {@code AND …} conditions on the predictions alias {@code p} and adds their values to
     * {@code params} in order.
     */
    void appendPredictionConditions(StringBuilder sql, List<Object> params) {
        condition(sql, params, plate, " AND p.plate = ?");
        condition(sql, params, well, " AND p.well = ?");
        condition(sql, params, sampleId, " AND p.sample_id = ?");
        condition(sql, params, classIndex, " AND p.predicted_labels @> ARRAY[?]::integer[]");
        condition(sql, params, modelName, " AND p.model_name = ?");
        condition(sql, params, modelVersion, " AND p.model_version = ?");
        condition(sql, params, from == null ? null : Timestamp.from(from), " AND p.classified_at >= ?");
        condition(sql, params, to == null ? null : Timestamp.from(to), " AND p.classified_at < ?");
        condition(sql, params, flag, " AND p.qc_flags @> ARRAY[?]::text[]");
    }

    /** Conditions for the samples query: plate, well, sample on {@code s}; time on the first sighting. */
    void appendSampleConditions(StringBuilder sql, List<Object> params) {
        condition(sql, params, plate, " AND s.plate = ?");
        condition(sql, params, well, " AND s.well = ?");
        condition(sql, params, sampleId, " AND s.sample_id = ?");
        condition(sql, params, from == null ? null : Timestamp.from(from), " AND s.first_seen_at >= ?");
        condition(sql, params, to == null ? null : Timestamp.from(to), " AND s.first_seen_at < ?");
    }

    private static void condition(StringBuilder sql, List<Object> params, Object value, String fragment) {
        if (value != null) {
            sql.append(fragment);
            params.add(value);
        }
    }

    private static void requireText(String name, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw new InvalidQueryException(name + " is longer than " + MAX_TEXT + " characters");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, was '"
                    + value + "'");
        }
    }
}
