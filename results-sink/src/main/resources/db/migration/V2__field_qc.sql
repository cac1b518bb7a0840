-- Field QC measured at inference (Classification.qc, issue #19), one set per prediction. All columns are NULL for a
-- prediction without QC: written before inference measured it, or QC could not be computed for that sample.
-- qc_flags holds the flag names as the record carried them (EMPTY, OUT_OF_FOCUS, SATURATED, DIM_RED, DIM_GREEN,
-- DIM_BLUE, DIM_YELLOW today; a name added later is stored as it comes); an empty array is a field that passed.
-- Per-stain figures are arrays of four in stain order: red, green, blue, yellow.
ALTER TABLE predictions
    ADD COLUMN qc_flags                text[],
    ADD COLUMN qc_focus                double precision,
    ADD COLUMN qc_laplacian_variance   double precision,
    ADD COLUMN qc_foreground_fraction  double precision,
    ADD COLUMN qc_nuclei               integer,
    ADD COLUMN qc_saturated_fraction   double precision[],
    ADD COLUMN qc_p1                   double precision[],
    ADD COLUMN qc_p50                  double precision[],
    ADD COLUMN qc_p99                  double precision[],
    ADD COLUMN qc_p999                 double precision[];

-- The list endpoint's ?flag= filter: predictions whose flags contain one name.
CREATE INDEX predictions_qc_flags ON predictions USING gin (qc_flags);
