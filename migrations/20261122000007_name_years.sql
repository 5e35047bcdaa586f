-- Name search, second step. Most names as written occur in one report (a place's own name in
-- front), so the distinct names matching a pattern are many but few of them occur in a given
-- year: keeping each name with the report years it occurs in lets a search with a report year
-- probe only that year's names (144 instead of 1,160 for 固定资产 in the benchmark data).
-- `name_folded` is lower(name), folded once at insert: `name_folded LIKE lower(pattern)` is how
-- PostgreSQL evaluates ILIKE in a multi-byte encoding, without lowering every candidate on every
-- search; pg_trgm folds case itself, so similarity on the folded name is the same.
CREATE TABLE indicator_name_years (
    name        text NOT NULL,
    report_year integer,
    name_folded text GENERATED ALWAYS AS (lower(name)) STORED,
    UNIQUE NULLS NOT DISTINCT (name, report_year)
);
INSERT INTO indicator_name_years (name, report_year)
    SELECT DISTINCT name, report_year FROM indicators;
CREATE INDEX indicator_name_years_trgm_idx ON indicator_name_years USING gin (name_folded gin_trgm_ops);
ANALYZE indicator_name_years;
DROP TABLE indicator_names;
-- The probes compare names byte-wise (COLLATE "C"), cheaper than through the locale; equality
-- is the same under both, so the matches are too. Queries write `i.name COLLATE "C"`.
CREATE INDEX indicators_name_c_year_seq_idx ON indicators ((name COLLATE "C"), report_year, seq);
DROP INDEX indicators_name_year_seq_idx;
