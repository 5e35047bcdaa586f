-- Reports, their sections and their indicators. A report is written with all its rows in
-- one transaction; deleting a report deletes its rows.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE reports (
    id              uuid PRIMARY KEY,
    -- Insertion order: the keyset for paging.
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    sha256          text NOT NULL,
    source_uri      text NOT NULL DEFAULT '',
    title           text NOT NULL,
    issuer          text NOT NULL,
    index_no        text NOT NULL,
    published       date,
    report_year     integer,
    parser_version  text NOT NULL,
    text_length     integer NOT NULL,
    indicator_count integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The same text from the same source is stored once.
    CONSTRAINT reports_text_source_unique UNIQUE (sha256, source_uri)
);

CREATE INDEX reports_issuer_year_idx ON reports (issuer, report_year);

CREATE TABLE sections (
    report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    ord        integer NOT NULL,
    title      text NOT NULL,
    marker     text NOT NULL,
    level      smallint NOT NULL,
    kind       text NOT NULL,
    span_start integer NOT NULL,
    span_end   integer NOT NULL,
    PRIMARY KEY (report_id, ord)
);

CREATE TABLE indicators (
    id                uuid PRIMARY KEY,
    -- Insertion order (document order within a report): the keyset for paging.
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    report_id         uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    ord               integer NOT NULL,
    name              text NOT NULL,
    value             double precision,
    unit              text NOT NULL,
    value_text        text NOT NULL,
    approx            text NOT NULL,
    period_year       integer,
    from_month        smallint NOT NULL,
    to_month          smallint NOT NULL,
    kind              text NOT NULL,
    change_pct        double precision,
    change_approx     text,
    change_unit       text,
    rank_position     integer,
    rank_scope        text,
    completion_pct    double precision,
    completion_approx text NOT NULL,
    span_start        integer NOT NULL,
    span_end          integer NOT NULL,
    sentence          text NOT NULL,
    section_path      text[] NOT NULL,
    rule              text NOT NULL,
    UNIQUE (report_id, ord)
);

CREATE INDEX indicators_kind_seq_idx ON indicators (kind, seq);
CREATE INDEX indicators_name_trgm_idx ON indicators USING gin (name gin_trgm_ops);
