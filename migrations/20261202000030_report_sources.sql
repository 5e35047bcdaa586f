-- The same text from the same source is stored once: that rule in its own table, keyed by
-- (sha256, source_uri), instead of a unique constraint on reports. On Citus (store/distribute.rs)
-- reports are distributed by id, and a unique constraint must include the distribution column,
-- so the rule cannot stay on reports there; with this table it is the same rule, the same SQL,
-- on one node and on a cluster (where this table is distributed by sha256). A report's row here
-- is written first, in the report's transaction (its key's lock serializes two writers of the
-- same text, as the constraint did), and deleted with the report (store/reports.rs).
CREATE TABLE report_sources (
    sha256     text NOT NULL,
    source_uri text NOT NULL,
    report_id  uuid NOT NULL,
    PRIMARY KEY (sha256, source_uri)
);
INSERT INTO report_sources (sha256, source_uri, report_id)
    SELECT sha256, source_uri, id FROM reports;
ALTER TABLE reports DROP CONSTRAINT reports_text_source_unique;
