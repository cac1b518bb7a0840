-- Shadow models on live traffic (issue #19 §3; README, "Shadow models"): a CANDIDATE version's verdict on a live sample
-- beside the champion's, from the classifications-shadow topic. Never served: predictions, masks and the plate map
-- come from classifications alone; this table feeds the shadow statistics, the sample view's side-by-side and the
-- label-next queue's disagreement term. Keyed as the record says it is identified, so a replay changes nothing.
-- The runtime role gets its rights on this table from V3's default privileges.
CREATE TABLE shadow_results (
    sample_id          text             NOT NULL,
    shadow_version     bigint           NOT NULL,
    model_name         text             NOT NULL,
    champion_version   bigint           NOT NULL,
    plate              text             NOT NULL,
    well               text             NOT NULL,
    field              integer          NOT NULL,
    -- the shadow's 28 probabilities and thresholds, and the classes that reached them (ascending)
    probabilities      real[]           NOT NULL,
    predicted_labels   integer[]        NOT NULL,
    thresholds         real[]           NOT NULL,
    -- the champion's predicted labels on the same sample, as in its Classification
    champion_labels    integer[]        NOT NULL,
    -- each model's time on the sample's batch divided by the batch size (the model only)
    shadow_ms          double precision NOT NULL,
    champion_ms        double precision NOT NULL,
    classified_at      timestamptz      NOT NULL,
    stored_at          timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (sample_id, shadow_version)
);
-- The statistics read one version's rows.
CREATE INDEX shadow_results_version ON shadow_results (shadow_version);
