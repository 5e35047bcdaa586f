//! Writing indicator rows: a report's indicators in one UNNEST statement, and the
//! (name, report year) pairs the name search reads.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::{IndicatorRecord, ReportRecord};
use crate::error::Result;
use crate::store::codes;

/// Inserts a report's indicators in one statement, in the caller's transaction.
pub(in crate::store) async fn insert_all(
    tx: &mut PgConnection,
    report_id: Uuid,
    report: &ReportRecord,
) -> Result<()> {
    let rows = &report.indicators;
    if rows.is_empty() {
        return Ok(());
    }
    let col = |f: &dyn Fn(&IndicatorRecord) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let clamp = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query(
        "INSERT INTO indicators (id, report_id, issuer, report_year, ord, name, value, unit, value_text, approx, \
             period_year, from_month, to_month, kind, change_pct, change_approx, change_unit, rank_position, \
             rank_scope, completion_pct, completion_approx, span_start, span_end, sentence, section_path, rule, \
             canonical_code, report_title, report_published, report_parser_version, failed_check) \
         SELECT u.id, $1, $25, $26, u.ord, u.name, u.value, u.unit, u.value_text, u.approx, u.period_year, \
             u.from_month, u.to_month, u.kind, u.change_pct, u.change_approx, u.change_unit, u.rank_position, \
             u.rank_scope, u.completion_pct, u.completion_approx, u.span_start, u.span_end, u.sentence, \
             ARRAY(SELECT jsonb_array_elements_text(u.section_path::jsonb)), u.rule, u.canonical_code, \
             $28, $29, $30, u.ord = ANY($31::int4[]) \
         FROM UNNEST($2::uuid[], $3::int4[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], \
             $9::int4[], $10::int2[], $11::int2[], $12::text[], $13::float8[], $14::text[], $15::text[], \
             $16::int4[], $17::text[], $18::float8[], $19::text[], $20::int4[], $21::int4[], $22::text[], \
             $23::text[], $24::text[], $27::text[]) \
         AS u(id, ord, name, value, unit, value_text, approx, period_year, from_month, to_month, kind, \
             change_pct, change_approx, change_unit, rank_position, rank_scope, completion_pct, \
             completion_approx, span_start, span_end, sentence, section_path, rule, canonical_code)",
    )
    .bind(report_id)
    .bind(rows.iter().map(|r| r.id.unwrap_or_else(Uuid::new_v4)).collect::<Vec<_>>())
    .bind((0..rows.len() as i32).collect::<Vec<_>>())
    .bind(col(&|r| r.name.clone()))
    .bind(rows.iter().map(|r| r.value).collect::<Vec<_>>())
    .bind(col(&|r| r.unit.clone()))
    .bind(col(&|r| r.value_text.clone()))
    .bind(rows.iter().map(|r| codes::approx(r.approx)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.period_year).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| i16::from(r.from_month)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| i16::from(r.to_month)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| codes::kind(r.kind)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.change.as_ref().map(|c| c.pct)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.change.as_ref().map(|c| codes::approx(c.approx))).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.change.as_ref().map(|c| codes::change_unit(c.unit))).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.rank.as_ref().map(|k| clamp(k.position))).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.rank.as_ref().map(|k| k.scope.clone())).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.completion_pct).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| codes::approx(r.completion_approx)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| clamp(r.span.0)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| clamp(r.span.1)).collect::<Vec<_>>())
    .bind(col(&|r| r.sentence.clone()))
    .bind(col(&|r| serde_json::to_string(&r.section_path).expect("strings serialize")))
    .bind(col(&|r| r.rule.clone()))
    .bind(&report.issuer)
    .bind(report.report_year)
    .bind(rows.iter().map(|r| r.canonical.as_ref().map(|c| c.code.clone())).collect::<Vec<_>>())
    .bind(&report.title)
    .bind(report.published)
    .bind(&report.parser_version)
    .bind(report.failed_check_ordinals().into_iter().map(clamp).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    // In sorted order, so two reports adding the same new names cannot deadlock.
    sqlx::query(
        "INSERT INTO indicator_name_years (name, report_year) \
         SELECT DISTINCT u.name, $2::int4 FROM UNNEST($1::text[]) AS u(name) \
         ORDER BY u.name ON CONFLICT DO NOTHING",
    )
    .bind(col(&|r| r.name.clone()))
    .bind(report.report_year)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The (name, report year) pairs of all `reports`, sorted, in one statement (ParseReports'
/// batches, before their reports: see `store/bulk.rs`).
pub(in crate::store) async fn insert_name_years(tx: &mut PgConnection, reports: &[&ReportRecord]) -> Result<()> {
    let pairs = reports.iter().flat_map(|r| r.indicators.iter().map(|i| (i.name.clone(), r.report_year)));
    let (names, years): (Vec<String>, Vec<Option<i32>>) = pairs.unzip();
    sqlx::query(
        "INSERT INTO indicator_name_years (name, report_year) \
         SELECT DISTINCT u.name, u.report_year FROM UNNEST($1::text[], $2::int4[]) AS u(name, report_year) \
         ORDER BY u.name, u.report_year ON CONFLICT DO NOTHING",
    )
    .bind(names)
    .bind(years)
    .execute(tx)
    .await?;
    Ok(())
}
