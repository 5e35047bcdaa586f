//! Writing indicator rows: a report's indicators in one UNNEST statement (its columns and
//! binds from `columns.rs`' one list), and the (name, report year) pairs the name search reads.

use sqlx::PgConnection;
use uuid::Uuid;

use super::columns;
use crate::domain::records::ReportRecord;
use crate::error::Result;

/// Inserts a report's indicators in one statement, in the caller's transaction.
pub(in crate::store) async fn insert_all(
    tx: &mut PgConnection,
    report_id: Uuid,
    report: &ReportRecord,
) -> Result<()> {
    if report.indicators.is_empty() {
        return Ok(());
    }
    let insert = sqlx::query(sqlx::AssertSqlSafe(columns::insert_statement()));
    columns::bind_report(insert, report_id, report).execute(&mut *tx).await?;
    let names = report.indicators.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    // In sorted order, so two reports adding the same new names cannot deadlock.
    sqlx::query(
        "INSERT INTO indicator_name_years (name, report_year) \
         SELECT DISTINCT u.name, $2::int4 FROM UNNEST($1::text[]) AS u(name) \
         ORDER BY u.name ON CONFLICT DO NOTHING",
    )
    .bind(names)
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
