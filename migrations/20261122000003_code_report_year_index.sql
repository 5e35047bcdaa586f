-- Catalog codes (or a category's codes) within report years: counted from the index alone.
CREATE INDEX indicators_code_report_year_idx ON indicators (canonical_code, report_year, kind);
