-- A report's consistency checks (the engine's `checks::check`), stored with it as JSON, and on
-- each indicator whether it takes part in a failing one (QueryIndicators' failed_checks_only).
-- Both are constant defaults: no table rewrite. Reports stored before have no checks.
ALTER TABLE reports ADD COLUMN checks jsonb NOT NULL DEFAULT '[]';
ALTER TABLE indicators ADD COLUMN failed_check boolean NOT NULL DEFAULT false;
-- Few rows fail a check: a small partial index in storage order serves the filter.
CREATE INDEX indicators_failed_check_idx ON indicators (seq) WHERE failed_check;
