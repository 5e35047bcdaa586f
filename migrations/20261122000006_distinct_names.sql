-- Name searches (substring, trigram) look among the distinct names (a tenth of the rows or less),
-- then read the rows of the names found through (name, report_year, seq), index-only for a
-- name and a year; the million-row table needs no trigram index. A name stays after its last
-- report is deleted (it then matches no rows), so concurrent writers never race to remove it.
CREATE TABLE indicator_names (name text PRIMARY KEY);
INSERT INTO indicator_names SELECT DISTINCT name FROM indicators;
CREATE INDEX indicator_names_trgm_idx ON indicator_names USING gin (name gin_trgm_ops);
ANALYZE indicator_names;
-- Replaces (name, seq): still the re-link join's prefix.
CREATE INDEX indicators_name_year_seq_idx ON indicators (name, report_year, seq);
DROP INDEX indicators_name_seq_idx;
DROP INDEX indicators_name_trgm_idx;
