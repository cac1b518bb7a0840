-- Results of the screening line. Every table has a natural key so that replaying a topic changes nothing.

-- One row per field; plate/well/field come from the first classification or sample record that names it.
CREATE TABLE samples (
    sample_id      text PRIMARY KEY,
    plate          text        NOT NULL,
    well           text        NOT NULL,
    field          integer     NOT NULL,
    instrument_id  text,
    cell_line      text,
    assembled_at   timestamptz,
    thumbnail      bytea,
    first_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX samples_plate_well ON samples (plate, well);

-- One row per sample and model version.
CREATE TABLE predictions (
    sample_id              text             NOT NULL,
    model_name             text             NOT NULL,
    model_version          bigint           NOT NULL,
    plate                  text             NOT NULL,
    well                   text             NOT NULL,
    field                  integer          NOT NULL,
    probabilities          real[]           NOT NULL,
    predicted_labels       integer[]        NOT NULL,
    thresholds             real[]           NOT NULL,
    top_class              integer          NOT NULL,
    top_probability        real             NOT NULL,
    inference_latency_ms   double precision NOT NULL,
    device                 text             NOT NULL,
    sample_assembled_at    timestamptz      NOT NULL,
    last_acquired_at       timestamptz      NOT NULL,
    classified_at          timestamptz      NOT NULL,
    stored_at              timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (sample_id, model_name, model_version)
);
CREATE INDEX predictions_plate_well ON predictions (plate, well);
CREATE INDEX predictions_classified_at ON predictions (classified_at);
CREATE INDEX predictions_model ON predictions (model_name, model_version);
CREATE INDEX predictions_labels ON predictions USING gin (predicted_labels);

-- Run-length encoded masks, one row per predicted class.
CREATE TABLE masks (
    sample_id      text        NOT NULL,
    model_name     text        NOT NULL,
    model_version  bigint      NOT NULL,
    class_index    integer     NOT NULL,
    width          integer     NOT NULL,
    height         integer     NOT NULL,
    area           integer     NOT NULL,
    runs           integer[]   NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (sample_id, model_name, model_version, class_index)
);

-- The registry's versions as last seen (status only moves forward), and every status each went through.
CREATE TABLE model_versions (
    model_name         text             NOT NULL,
    version            bigint           NOT NULL,
    status             text             NOT NULL,
    status_reason      text,
    architecture       text             NOT NULL,
    onnx_uri           text             NOT NULL,
    onnx_sha256        text             NOT NULL,
    input_size         integer          NOT NULL,
    thresholds         real[]           NOT NULL,
    macro_f1           double precision NOT NULL,
    micro_f1           double precision NOT NULL,
    precision_score    double precision NOT NULL,
    recall             double precision NOT NULL,
    per_class_f1       double precision[] NOT NULL,
    dice               double precision,
    validation_size    integer          NOT NULL,
    training_set_size  integer          NOT NULL,
    snapshot_id        text             NOT NULL,
    parent_version     bigint,
    created_at         timestamptz      NOT NULL,
    PRIMARY KEY (model_name, version)
);

CREATE TABLE model_status_history (
    model_name   text        NOT NULL,
    version      bigint      NOT NULL,
    status       text        NOT NULL,
    reason       text,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model_name, version, status)
);

-- Curators' labels as they went out on the feedback topic.
CREATE TABLE feedback (
    feedback_id  text        PRIMARY KEY,
    sample_id    text        NOT NULL,
    labels       integer[]   NOT NULL,
    labelled_by  text        NOT NULL,
    source       text        NOT NULL,
    comment      text,
    labelled_at  timestamptz NOT NULL
);
CREATE INDEX feedback_sample ON feedback (sample_id);

-- Incomplete samples, dead letters, and records this sink could not use.
CREATE TABLE incidents (
    incident_key  text        PRIMARY KEY,
    kind          text        NOT NULL,
    sample_id     text,
    plate         text,
    well          text,
    reason        text        NOT NULL,
    detail        text        NOT NULL,
    source_topic  text        NOT NULL,
    service       text,
    occurred_at   timestamptz NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_occurred_at ON incidents (occurred_at);
