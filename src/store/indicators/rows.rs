//! Indicator rows as read: `INDICATOR_COLUMNS` (see `columns.rs`) decoded with `sqlx::FromRow`,
//! with or without the report's provenance.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Row};
use uuid::Uuid;

use super::columns::RowColumns;
pub(in crate::store) use super::columns::INDICATOR_COLUMNS;
use crate::domain::records::{IndicatorRecord, ReportRef};
use crate::error::Result;

/// An indicator's report, copied onto its row at insert (reports are immutable), so a page
/// needs no join. (The catalog entry comes from the embedded catalog, `records::canonical_ref`.)
pub(in crate::store) const PROVENANCE_COLUMNS: &str = "i.report_title, i.report_published, i.report_parser_version";

/// A row of `INDICATOR_COLUMNS`.
#[derive(FromRow)]
struct IndicatorRow {
    #[sqlx(flatten)]
    columns: RowColumns,
    report_id: Uuid,
    issuer: String,
    report_year: Option<i32>,
    ingested_at: DateTime<Utc>,
}

/// A row of `INDICATOR_COLUMNS` and `PROVENANCE_COLUMNS`.
#[derive(FromRow)]
struct SourcedRow {
    #[sqlx(flatten)]
    row: IndicatorRow,
    report_title: String,
    report_published: Option<NaiveDate>,
    report_parser_version: String,
}

fn indicator_from_row(row: &PgRow) -> Result<IndicatorRecord> {
    let row = IndicatorRow::from_row(row)?;
    row.columns.into_record(row.ingested_at)
}

/// The `total` a `count(*) OVER ()` put on every row of a one-pass statement; no rows means
/// nothing matched.
pub(super) fn window_total(rows: &[PgRow]) -> Result<i64> {
    Ok(match rows.first() {
        Some(row) => row.try_get("total")?,
        None => 0,
    })
}

/// An indicator row with its `PROVENANCE_COLUMNS`.
pub(in crate::store) fn sourced_indicator_from_row(row: &PgRow) -> Result<IndicatorRecord> {
    let SourcedRow { row, report_title, report_published, report_parser_version } = SourcedRow::from_row(row)?;
    let mut ind = row.columns.into_record(row.ingested_at)?;
    ind.report = Some(ReportRef {
        id: row.report_id,
        title: report_title,
        issuer: row.issuer,
        report_year: row.report_year,
        published: report_published,
        parser_version: report_parser_version,
    });
    Ok(ind)
}

/// A report's indicators in document order.
pub(in crate::store) async fn of_report(conn: &mut PgConnection, report_id: Uuid) -> Result<Vec<IndicatorRecord>> {
    let sql = format!(
        "SELECT {INDICATOR_COLUMNS} FROM indicators i WHERE i.report_id = $1 ORDER BY i.ord"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(indicator_from_row).collect()
}
