-- The indicator catalog in SQL, canonical links on indicators, and the columns and
-- indexes QueryIndicators filters, orders and pages on at a million rows.

-- The embedded catalog's definitions, refreshed by every re-link (so SQL can join
-- categories and units), and the fingerprint of the catalog that linked the rows.
CREATE TABLE indicator_definitions (
    code          text PRIMARY KEY,
    ord           integer NOT NULL,
    name          text NOT NULL,
    unit          text NOT NULL,
    category      text NOT NULL,
    category_name text NOT NULL,
    additive      boolean NOT NULL
);
CREATE INDEX indicator_definitions_category_idx ON indicator_definitions (category);

CREATE TABLE catalog_state (
    -- One row.
    singleton   boolean PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    fingerprint text NOT NULL,
    linked_at   timestamptz NOT NULL DEFAULT now()
);

-- The canonical code a name links to (NULL: unlinked); issuer and report year copied
-- from the report (reports are immutable), so filters and orderings need no join;
-- sort keys as stored columns so keyset paging has plain indexes to walk.
ALTER TABLE indicators
    ADD COLUMN canonical_code text,
    ADD COLUMN issuer text NOT NULL DEFAULT '',
    ADD COLUMN report_year integer,
    ADD COLUMN period_key integer GENERATED ALWAYS AS (COALESCE(period_year, 0) * 100 + to_month) STORED,
    ADD COLUMN value_key double precision GENERATED ALWAYS AS (COALESCE(value, '-Infinity'::float8)) STORED;

UPDATE indicators i SET issuer = r.issuer, report_year = r.report_year
FROM reports r WHERE r.id = i.report_id;

ALTER TABLE indicators ALTER COLUMN issuer DROP DEFAULT;

-- Issuer pages (default order) and latest_only per issuer.
CREATE INDEX indicators_issuer_seq_idx ON indicators (issuer, seq);
-- One indicator over time (series, period order) and cross-sections (one period, by value).
CREATE INDEX indicators_code_period_idx ON indicators (canonical_code, period_key, seq);
CREATE INDEX indicators_code_year_value_idx ON indicators (canonical_code, period_year, value_key);
-- Whole-table orderings.
CREATE INDEX indicators_period_seq_idx ON indicators (period_key, seq);
CREATE INDEX indicators_value_seq_idx ON indicators (value_key, seq);
CREATE INDEX indicators_report_year_seq_idx ON indicators (report_year, seq);
-- Re-linking joins distinct names.
CREATE INDEX indicators_name_idx ON indicators (name);
CREATE INDEX reports_issuer_trgm_idx ON reports USING gin (issuer gin_trgm_ops);
