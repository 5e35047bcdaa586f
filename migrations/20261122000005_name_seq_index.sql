-- A name search's count and page come from one pass over its matches (store/indicators.rs):
-- with seq beside the name, a broad substring search scans this index alone (names are
-- checked on its tuples) instead of the heap. Replaces (name), a prefix (re-link join).
CREATE INDEX indicators_name_seq_idx ON indicators (name, seq);
DROP INDEX indicators_name_idx;
