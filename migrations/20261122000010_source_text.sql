-- The source is kept: each report's decoded text (the one every span points into, in code
-- points), the content type it came with, and the hints the caller gave, so the current
-- engine can re-read it (ReparseReports) without the caller sending it again. Rows stored
-- before this migration have no text (NULL): Report.source_kept is false for them, and a
-- re-parse skips them. lz4 (this PostgreSQL 15 is built --with-lz4) compresses and, above
-- all, decompresses several times faster than the default pglz at a similar ratio on text.
ALTER TABLE reports
    ADD COLUMN text             text,
    ADD COLUMN content_type     text NOT NULL DEFAULT '',
    ADD COLUMN hint_issuer      text,
    ADD COLUMN hint_report_year integer;
ALTER TABLE reports ALTER COLUMN text SET COMPRESSION lz4;
