-- A page's provenance (report title, published date, parser version) is read with its rows:
-- copied from the report at insert, like issuer and report_year (reports are immutable), it
-- needs no probe into reports per returned row.
ALTER TABLE indicators
    ADD COLUMN report_title text,
    ADD COLUMN report_published date,
    ADD COLUMN report_parser_version text;
UPDATE indicators i
    SET report_title = r.title, report_published = r.published, report_parser_version = r.parser_version
    FROM reports r WHERE r.id = i.report_id;
ALTER TABLE indicators
    ALTER COLUMN report_title SET NOT NULL,
    ALTER COLUMN report_parser_version SET NOT NULL;
