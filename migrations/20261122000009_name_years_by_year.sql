-- A name search in one report year finds that year's names in the index, the year a key
-- beside the name's trigrams, instead of fetching every name that matches and dropping the
-- other years' (144 of 1,402 candidates for 固定资产 in the benchmark data). A range of years
-- would be a slow partial match here: those searches keep to the trigram index of migration 7
-- and filter the years (store/indicators.rs).
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX indicator_name_years_year_trgm_idx ON indicator_name_years
    USING gin (report_year, name_folded gin_trgm_ops);
