-- Drift per plate, instrument and cell line (issue #19 §2; README, "Drift per plate").

-- Each model version's drift reference (ModelVersion.reference as Avro JSON: the QC histograms and the predicted class
-- frequencies of the fields it was made from). NULL for versions published without one, and for every version
-- stored before this migration.
ALTER TABLE model_versions ADD COLUMN reference jsonb;

-- The latest drift result per scope and key: a plate, an instrument or a cell line (the last two over a recent
-- window). A pass writes a row only when a figure changed, so replaying the same predictions changes nothing.
-- The runtime role gets its rights on this table from V3's default privileges.
CREATE TABLE drift_results (
    scope               text             NOT NULL CHECK (scope IN ('plate', 'instrument', 'cell_line')),
    scope_key           text             NOT NULL,
    model_name          text             NOT NULL,
    model_version       bigint           NOT NULL,
    -- fields whose QC was compared; fields whose predicted labels were compared (with or without QC)
    fields              integer          NOT NULL,
    predictions         integer          NOT NULL,
    -- [{"statistic", "psi", "limit"}, ...] in the reference's order; a PSI alarms above its limit (the threshold, or
    -- the chance level of that many fields when higher)
    qc_psi              jsonb            NOT NULL,
    prediction_psi      double precision NOT NULL,
    prediction_limit    double precision NOT NULL,
    -- the largest PSI, and the statistic it came from ("prediction" for the prediction distribution)
    score               double precision NOT NULL,
    worst               text             NOT NULL,
    alarm               boolean          NOT NULL,
    -- QC_DRIFT, PREDICTION_DRIFT, QC_AND_PREDICTION_DRIFT; NULL without alarm
    alarm_reason        text,
    -- newest classification among the compared fields
    last_classified_at  timestamptz      NOT NULL,
    computed_at         timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, scope_key)
);

-- The monitor looks for plates with predictions stored since its last pass.
CREATE INDEX predictions_stored_at ON predictions (stored_at);
