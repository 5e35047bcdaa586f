-- When each indicator row was written: QueryIndicators and ExportIndicators take
-- updated_after, so a consumer fetches only what changed since its last run. A re-parse
-- writes a report's rows anew, so they get a new time too. `now()` is stable: existing rows
-- get the time of this migration without a table rewrite, new rows their transaction's
-- start (one time for all rows of a report).
ALTER TABLE indicators ADD COLUMN ingested_at timestamptz NOT NULL DEFAULT now();
-- updated_after in storage order: the rows after a time, read from the index.
CREATE INDEX indicators_ingested_seq_idx ON indicators (ingested_at, seq);
