//! Indicator rows as read: the selected columns and their decoding into records.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::domain::{canonical_ref, CanonicalRef, ChangeRecord, IndicatorRecord, RankRecord, ReportRef};
use crate::error::Result;
use crate::store::codes;

pub(in crate::store) const INDICATOR_COLUMNS: &str = "i.id, i.seq, i.report_id, i.name, i.value, i.unit, i.value_text, i.approx, \
     i.period_year, i.from_month, i.to_month, i.kind, i.change_pct, i.change_approx, i.change_unit, \
     i.rank_position, i.rank_scope, i.completion_pct, i.completion_approx, i.span_start, i.span_end, \
     i.sentence, i.section_path, i.rule, i.canonical_code, i.issuer, i.report_year, i.period_key, \
     i.failed_check, i.ingested_at";

/// An indicator's report, copied onto its row at insert (reports are immutable), so a page
/// needs no join. (The catalog entry comes from the embedded catalog, `domain::canonical_ref`.)
pub(in crate::store) const PROVENANCE_COLUMNS: &str = "i.report_title, i.report_published, i.report_parser_version";

fn indicator_from_row(row: &PgRow) -> Result<IndicatorRecord> {
    let change = match row.try_get::<Option<f64>, _>("change_pct")? {
        Some(pct) => Some(ChangeRecord {
            pct,
            approx: codes::parse_approx(
                row.try_get::<Option<&str>, _>("change_approx")?
                    .unwrap_or("exact"),
            )?,
            unit: codes::parse_change_unit(
                row.try_get::<Option<&str>, _>("change_unit")?
                    .unwrap_or("percent"),
            )?,
        }),
        None => None,
    };
    let rank = match row.try_get::<Option<i32>, _>("rank_position")? {
        Some(position) => Some(RankRecord {
            position: position as u32,
            scope: row
                .try_get::<Option<String>, _>("rank_scope")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    // A code this build's catalog lacks (stored by another version) keeps its code alone.
    let canonical = row
        .try_get::<Option<String>, _>("canonical_code")?
        .map(|code| {
            canonical_ref(&code).unwrap_or(CanonicalRef {
                code,
                name: String::new(),
                category: String::new(),
            })
        });
    Ok(IndicatorRecord {
        id: Some(row.try_get("id")?),
        name: row.try_get("name")?,
        value: row.try_get("value")?,
        unit: row.try_get("unit")?,
        value_text: row.try_get("value_text")?,
        approx: codes::parse_approx(row.try_get("approx")?)?,
        period_year: row.try_get("period_year")?,
        from_month: row.try_get::<i16, _>("from_month")? as u8,
        to_month: row.try_get::<i16, _>("to_month")? as u8,
        kind: codes::parse_kind(row.try_get("kind")?)?,
        change,
        rank,
        completion_pct: row.try_get("completion_pct")?,
        completion_approx: codes::parse_approx(row.try_get("completion_approx")?)?,
        span: (
            row.try_get::<i32, _>("span_start")? as u32,
            row.try_get::<i32, _>("span_end")? as u32,
        ),
        sentence: row.try_get("sentence")?,
        section_path: row.try_get("section_path")?,
        rule: row.try_get("rule")?,
        canonical,
        report: None,
        failed_check: row.try_get("failed_check")?,
        ingested_at: Some(row.try_get("ingested_at")?),
    })
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
    let mut ind = indicator_from_row(row)?;
    ind.report = Some(ReportRef {
        id: row.try_get("report_id")?,
        title: row.try_get("report_title")?,
        issuer: row.try_get("issuer")?,
        report_year: row.try_get("report_year")?,
        published: row.try_get("report_published")?,
        parser_version: row.try_get("report_parser_version")?,
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
