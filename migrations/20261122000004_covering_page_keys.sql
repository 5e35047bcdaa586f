-- Page keys from the indexes alone: the rows of one code (or a category's codes) are spread
-- over the whole heap (one per report), so sorting their matches for a page of 50 used to
-- read one heap page per match (thousands). With the filtered and sorted columns in the
-- index, the page's keys (seq) come from an index-only scan and only the page's rows are
-- fetched from the heap.

-- One code over periods: series, period and value order, cross-sections (latest per
-- issuer with a value, by value). Replaces (canonical_code, period_key, seq), a prefix.
CREATE INDEX indicators_code_period_cover_idx ON indicators (canonical_code, period_key, seq)
    INCLUDE (kind, value, value_key, issuer, report_year);
DROP INDEX indicators_code_period_idx;
-- Period filters are period_key ranges since 20261122000002: no query reads this one.
DROP INDEX indicators_code_year_value_idx;

-- Codes (a category's) within report years and a kind, in storage order. Replaces
-- (canonical_code, report_year, kind), a prefix.
CREATE INDEX indicators_code_report_year_kind_seq_idx ON indicators (canonical_code, report_year, kind, seq);
DROP INDEX indicators_code_report_year_idx;
