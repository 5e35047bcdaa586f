//! Reports: insert (one transaction with all rows), read, list, delete.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::{codes, indicators, page_token, previous_year, Store};
pub use crate::domain::queries::{InsertOutcome, ReportFilter, ReportPage, ReportView};
use crate::domain::records::{ReportRecord, SectionRecord};
use crate::error::{Error, Result};

const REPORT_COLUMNS: &str =
    "r.id, r.seq, r.sha256, r.source_uri, r.title, r.issuer, r.index_no, r.published, \
     r.report_year, r.parser_version, r.text_length, r.indicator_count, r.created_at, \
     r.content_type, r.hint_issuer, r.hint_report_year, (r.text IS NOT NULL) AS source_kept, \
     r.checks::text AS checks";

fn report_from_row(row: &sqlx::postgres::PgRow) -> Result<ReportRecord> {
    Ok(ReportRecord {
        id: Some(row.try_get("id")?),
        title: row.try_get("title")?,
        issuer: row.try_get("issuer")?,
        index_no: row.try_get("index_no")?,
        published: row.try_get("published")?,
        report_year: row.try_get("report_year")?,
        source_uri: row.try_get("source_uri")?,
        sha256: row.try_get("sha256")?,
        parser_version: row.try_get("parser_version")?,
        create_time: Some(row.try_get("created_at")?),
        text_length: row.try_get::<i32, _>("text_length")? as u32,
        indicator_count: row.try_get::<i32, _>("indicator_count")? as u32,
        content_type: row.try_get("content_type")?,
        hint_issuer: row.try_get("hint_issuer")?,
        hint_report_year: row.try_get("hint_report_year")?,
        source_kept: row.try_get("source_kept")?,
        text: None,
        sections: Vec::new(),
        indicators: Vec::new(),
        checks: serde_json::from_str(row.try_get("checks")?)
            .map_err(|e| Error::Internal(format!("stored checks do not read: {e}")))?,
    })
}

/// A report (with its sections and indicators unless `view` is Basic), on `conn` (inside a transaction, it sees its writes).
async fn read_report(
    conn: &mut PgConnection,
    id: Uuid,
    view: ReportView,
) -> Result<Option<ReportRecord>> {
    let text = match view {
        ReportView::Basic | ReportView::Standard => "NULL::text",
        ReportView::Full => "r.text",
    };
    let sql = format!("SELECT {REPORT_COLUMNS}, {text} AS text FROM reports r WHERE r.id = $1");
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut report = report_from_row(&row)?;
    report.text = row.try_get("text")?;
    if view == ReportView::Basic {
        report.checks.clear();
        return Ok(Some(report));
    }
    let rows = sqlx::query(
        "SELECT title, marker, level, kind, span_start, span_end FROM sections WHERE report_id = $1 ORDER BY ord",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        report.sections.push(SectionRecord {
            title: row.try_get("title")?,
            marker: row.try_get("marker")?,
            level: row.try_get::<i16, _>("level")? as u8,
            kind: codes::parse_section_kind(row.try_get("kind")?)?,
            span: (
                row.try_get::<i32, _>("span_start")? as u32,
                row.try_get::<i32, _>("span_end")? as u32,
            ),
        });
    }
    report.indicators = indicators::of_report(conn, id).await?;
    Ok(Some(report))
}

/// Writes a report with its sections and indicators on `conn`, inside the caller's
/// transaction; `Existing` (nothing written) when the same text from the same source is
/// stored already (or earlier in this transaction). `Created` holds the record as written,
/// with the ids and time the database took, so nothing is left to fail after the commit
/// (and no read-back is needed: the rows are these values; the text is kept, not echoed).
/// The caller holds the issuer's lock (`previous_year::lock_issuers`): the report is checked
/// against its year before, and the issuer's reports of the year after against it.
pub(super) async fn write_report(conn: &mut PgConnection, report: &ReportRecord) -> Result<InsertOutcome> {
    let mut checked = report.clone();
    previous_year::check_against_year_before(conn, &mut checked).await?;
    let report = &checked;
    let Some(id) = claim_source(conn, &report.sha256, &report.source_uri).await? else {
        let existing = find_on(conn, &report.sha256, &report.source_uri)
            .await?
            .ok_or_else(|| Error::Internal("report vanished while being stored".into()))?;
        return Ok(InsertOutcome::Existing(existing));
    };
    let insert = sqlx::query(sqlx::AssertSqlSafe(insert_statement()))
        .bind(id)
        .bind(&report.sha256)
        .bind(&report.source_uri)
        .bind(to_i32(report.text_length))
        .bind(report.text.as_deref())
        .bind(&report.content_type)
        .bind(report.hint_issuer.as_deref())
        .bind(report.hint_report_year);
    let created_at: DateTime<Utc> = bind_parsed(insert, report).fetch_one(&mut *conn).await?.try_get("created_at")?;
    let mut stored = checked;
    stored.id = Some(id);
    stored.create_time = Some(created_at);
    stored.indicator_count = stored.indicators.len() as u32;
    stored.source_kept = stored.text.is_some();
    stored.text = None;
    for indicator in &mut stored.indicators {
        indicator.id = Some(Uuid::new_v4());
        // Both columns default to the transaction's now().
        indicator.ingested_at = Some(created_at);
    }
    insert_rows(conn, id, &stored).await?;
    previous_year::recheck_year_after(conn, &stored.issuer, stored.report_year).await?;
    Ok(InsertOutcome::Created(Box::new(stored)))
}

/// A new report id for this text and source, or `None` when a report has them already (or one
/// being written in another transaction, once that commits: the key's lock waits for it).
async fn claim_source(conn: &mut PgConnection, sha256: &str, source_uri: &str) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO report_sources (sha256, source_uri, report_id) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING RETURNING report_id",
    )
    .bind(sha256)
    .bind(source_uri)
    .bind(Uuid::new_v4())
    .fetch_optional(conn)
    .await?)
}

async fn find_on(conn: &mut PgConnection, sha256: &str, source_uri: &str) -> Result<Option<Uuid>> {
    Ok(
        sqlx::query_scalar("SELECT report_id FROM report_sources WHERE sha256 = $1 AND source_uri = $2")
            .bind(sha256)
            .bind(source_uri)
            .fetch_optional(conn)
            .await?,
    )
}

/// The columns a parse sets, as an insert writes them and a re-parse rewrites them (with
/// the cast each parameter takes), bound in this order by `bind_parsed`.
const PARSED_COLUMNS: [(&str, &str); 8] = [
    ("title", ""),
    ("issuer", ""),
    ("index_no", ""),
    ("published", ""),
    ("report_year", ""),
    ("parser_version", ""),
    ("indicator_count", ""),
    ("checks", "::jsonb"),
];

/// Binds `PARSED_COLUMNS` of `report`, after the parameters `q` has.
pub(super) fn bind_parsed<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    report: &ReportRecord,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(report.title.clone())
        .bind(report.issuer.clone())
        .bind(report.index_no.clone())
        .bind(report.published)
        .bind(report.report_year)
        .bind(report.parser_version.clone())
        .bind(to_i32(report.indicators.len() as u32))
        .bind(checks_json(report))
}

/// A new report's row: its own columns, then `PARSED_COLUMNS` (`bind_parsed`).
fn insert_statement() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let own = ["id", "sha256", "source_uri", "text_length", "text", "content_type", "hint_issuer", "hint_report_year"];
        let names = own.iter().chain(PARSED_COLUMNS.iter().map(|c| &c.0));
        let values = (1..=own.len()).map(|n| format!("${n}"));
        let parsed = PARSED_COLUMNS.iter().enumerate().map(|(k, (_, cast))| format!("${}{cast}", own.len() + 1 + k));
        format!(
            "INSERT INTO reports ({}) VALUES ({}) RETURNING created_at",
            names.copied().collect::<Vec<_>>().join(", "),
            values.chain(parsed).collect::<Vec<_>>().join(", "),
        )
    });
    &SQL
}

/// A re-parse's rewrite of report `$1`: `PARSED_COLUMNS` (`bind_parsed`).
pub(super) fn update_statement() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let set = PARSED_COLUMNS.iter().enumerate().map(|(k, (name, cast))| format!("{name} = ${}{cast}", k + 2));
        format!("UPDATE reports SET {} WHERE id = $1", set.collect::<Vec<_>>().join(", "))
    });
    &SQL
}

/// A report's checks as the jsonb the `checks` column holds.
pub(super) fn checks_json(report: &ReportRecord) -> String {
    serde_json::to_string(&report.checks).expect("checks serialize")
}

/// Inserts a report's sections and indicators under report `id`, in the caller's transaction
/// (a new report, or one a re-parse rewrites).
pub(super) async fn insert_rows(conn: &mut PgConnection, id: Uuid, report: &ReportRecord) -> Result<()> {
    insert_sections(conn, id, &report.sections).await?;
    indicators::insert_all(conn, id, report).await
}

/// Inserts a report's sections in one statement, in the caller's transaction.
async fn insert_sections(conn: &mut PgConnection, id: Uuid, s: &[SectionRecord]) -> Result<()> {
    sqlx::query(
        "INSERT INTO sections (report_id, ord, title, marker, level, kind, span_start, span_end) \
         SELECT $1, u.* FROM UNNEST($2::int4[], $3::text[], $4::text[], $5::int2[], $6::text[], $7::int4[], $8::int4[]) \
             AS u(ord, title, marker, level, kind, span_start, span_end)",
    )
    .bind(id)
    .bind((0..s.len() as i32).collect::<Vec<_>>())
    .bind(s.iter().map(|x| x.title.clone()).collect::<Vec<_>>())
    .bind(s.iter().map(|x| x.marker.clone()).collect::<Vec<_>>())
    .bind(s.iter().map(|x| x.level as i16).collect::<Vec<_>>())
    .bind(s.iter().map(|x| codes::section_kind(x.kind)).collect::<Vec<_>>())
    .bind(s.iter().map(|x| to_i32(x.span.0)).collect::<Vec<_>>())
    .bind(s.iter().map(|x| to_i32(x.span.1)).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Store {
    /// The id of the report stored for this text and source, if any.
    pub async fn find_report(&self, sha256: &str, source_uri: &str) -> Result<Option<Uuid>> {
        find_on(&mut *self.pool.acquire().await?, sha256, source_uri).await
    }

    /// Writes a report with its sections and indicators in one transaction.
    pub async fn insert_report(&self, report: &ReportRecord) -> Result<InsertOutcome> {
        let mut tx = self.pool.begin().await?;
        previous_year::lock_issuers(&mut tx, [report.issuer.as_str()]).await?;
        let outcome = write_report(&mut tx, report).await?;
        match outcome {
            InsertOutcome::Created(_) => tx.commit().await?,
            InsertOutcome::Existing(_) => tx.rollback().await?,
        }
        Ok(outcome)
    }

    /// A report, as much of it as `view` asks.
    pub async fn get_report(&self, id: Uuid, view: ReportView) -> Result<Option<ReportRecord>> {
        // One connection for its three statements (see `query_indicators`).
        read_report(&mut *self.pool.acquire().await?, id, view).await
    }

    /// Reports newest first, without sections and indicators.
    pub async fn list_reports(
        &self,
        filter: &ReportFilter,
        page_size: u32,
        token: &str,
    ) -> Result<ReportPage> {
        let fp = page_token::fingerprint("reports", filter);
        let after = page_token::decode(token, &fp)?;
        let push_filters = |qb: &mut QueryBuilder<Postgres>| {
            qb.push(" WHERE TRUE");
            if let Some(issuer) = &filter.issuer {
                qb.push(" AND r.issuer = ").push_bind(issuer.clone());
            }
            if let Some(year) = filter.report_year {
                qb.push(" AND r.report_year = ").push_bind(year);
            }
        };
        // One connection for count and page (see `query_indicators`).
        let mut conn = self.pool.acquire().await?;
        let mut count = QueryBuilder::new("SELECT count(*) FROM reports r");
        push_filters(&mut count);
        let total_size: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

        let mut page = QueryBuilder::new(format!("SELECT {REPORT_COLUMNS} FROM reports r"));
        push_filters(&mut page);
        if let Some(after) = after {
            page.push(" AND r.seq < ").push_bind(after);
        }
        page.push(" ORDER BY r.seq DESC LIMIT ")
            .push_bind(i64::from(page_size) + 1);
        let rows = page.build().fetch_all(&mut *conn).await?;
        drop(conn);
        let more = rows.len() > page_size as usize;
        let mut reports = Vec::new();
        let mut last_seq = None;
        for row in rows.iter().take(page_size as usize) {
            reports.push(report_from_row(row)?);
            last_seq = Some(row.try_get::<i64, _>("seq")?);
        }
        let next_page_token = match (more, last_seq) {
            (true, Some(seq)) => page_token::encode(&fp, seq),
            _ => String::new(),
        };
        Ok(ReportPage {
            reports,
            next_page_token,
            total_size,
        })
    }

    /// Deletes a report and its rows, and checks its issuer's reports of the year after again
    /// (in one transaction); the number of indicators deleted, or `None` if absent.
    pub async fn delete_report(&self, id: Uuid) -> Result<Option<u32>> {
        let mut tx = self.pool.begin().await?;
        let issuer: Option<String> = sqlx::query_scalar("SELECT issuer FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(issuer) = issuer else { return Ok(None) };
        previous_year::lock_issuers(&mut tx, [issuer.as_str()]).await?;
        let deleted: Option<(i32, String, Option<i32>, String, String)> = sqlx::query_as(
            "DELETE FROM reports WHERE id = $1 RETURNING indicator_count, issuer, report_year, sha256, source_uri",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((count, issuer, year, sha256, source_uri)) = deleted else { return Ok(None) };
        sqlx::query("DELETE FROM report_sources WHERE sha256 = $1 AND source_uri = $2 AND report_id = $3")
            .bind(sha256)
            .bind(source_uri)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        previous_year::recheck_year_after(&mut tx, &issuer, year).await?;
        tx.commit().await?;
        Ok(Some(count as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_and_rewrite_take_the_parsed_columns_from_one_list() {
        assert_eq!(
            insert_statement(),
            "INSERT INTO reports (id, sha256, source_uri, text_length, text, content_type, hint_issuer, \
             hint_report_year, title, issuer, index_no, published, report_year, parser_version, \
             indicator_count, checks) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16::jsonb) RETURNING created_at"
        );
        assert_eq!(
            update_statement(),
            "UPDATE reports SET title = $2, issuer = $3, index_no = $4, published = $5, report_year = $6, \
             parser_version = $7, indicator_count = $8, checks = $9::jsonb WHERE id = $1"
        );
    }
}
