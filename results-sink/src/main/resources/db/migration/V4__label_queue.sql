-- The label-next queue (GET /api/queue) ranks every unlabelled sample by how close a probability is to its
-- threshold. Computed per row at every request, that unnests 28 pairs of every stored prediction (2.5 s over
-- 100,000 samples); stored with the row, it is computed once, when the prediction is written.

-- max over classes of 1 - |p - t| / max(t, 1 - t): 1 when a probability sits on its threshold.
CREATE FUNCTION queue_uncertainty(probabilities real[], thresholds real[]) RETURNS real
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT max(1 - abs(x.p - x.t) / greatest(x.t, 1 - x.t))::real FROM unnest(probabilities, thresholds) AS x(p, t)
    $$;

-- true when no probability reaches its threshold: the model predicts nothing for the field.
CREATE FUNCTION queue_abstains(probabilities real[], thresholds real[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(bool_and(x.p < x.t), true) FROM unnest(probabilities, thresholds) AS x(p, t)
    $$;

ALTER TABLE predictions
    ADD COLUMN queue_uncertainty real GENERATED ALWAYS AS (queue_uncertainty(probabilities, thresholds)) STORED,
    ADD COLUMN queue_abstains boolean GENERATED ALWAYS AS (queue_abstains(probabilities, thresholds)) STORED;
