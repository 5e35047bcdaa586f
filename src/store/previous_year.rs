//! The year-on-year check across reports (`domain::year_on_year`, the rule) in the writes:
//! the figures of an issuer's reports of the year before, and the checks applied inside the
//! transaction that writes (stores, re-parses, deletes) a report.
//!
//! When: a report of issuer X for year Y is checked against X's stored reports of Y − 1 when
//! it is written, and X's stored reports of Y + 1 are checked again against X's reports of Y
//! (now with it, or without it when deleted), so the result does not depend on the order the
//! reports came in. Writes of one issuer's reports are serialized by a transaction-level
//! advisory lock per issuer, taken before any other lock of the transaction (so two writers
//! of consecutive years cannot miss each other's uncommitted rows, and locks cannot cycle).

use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::{codes, indicators, reports, Store};
use crate::domain::year_on_year::{self, PreviousFigure};
use crate::domain::ReportRecord;
use crate::error::{Error, Result};

/// The advisory lock key of an issuer: FNV-1a of its UTF-8 bytes (stable across processes;
/// two issuers sharing a key only wait for each other).
fn lock_key(issuer: &str) -> i64 {
    let hash = issuer.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    hash as i64
}

/// Takes the write locks of these issuers' reports for the rest of the caller's transaction,
/// in key order. Call it first in the transaction, before any row is locked.
pub(super) async fn lock_issuers<'a>(
    conn: &mut PgConnection,
    issuers: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    let mut keys: Vec<i64> = issuers.into_iter().filter(|i| !i.is_empty()).map(lock_key).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query("SELECT pg_advisory_xact_lock(k) FROM UNNEST($1::int8[]) WITH ORDINALITY AS u(k, n) ORDER BY n")
        .bind(keys)
        .execute(conn)
        .await?;
    Ok(())
}

/// The figures with these canonical codes, a value and a row of `issuer`'s reports for
/// `report_year`, in storage order.
async fn figures_of(
    conn: &mut PgConnection,
    issuer: &str,
    report_year: i32,
    codes: Vec<String>,
) -> Result<Vec<PreviousFigure>> {
    let rows = sqlx::query(
        "SELECT i.id, i.report_id, i.canonical_code, i.value, i.unit, i.value_text, i.approx, i.kind, \
             i.period_year, i.from_month, i.to_month \
         FROM indicators i WHERE i.issuer = $1 AND i.report_year = $2 AND i.canonical_code = ANY($3) \
             AND i.value IS NOT NULL ORDER BY i.seq",
    )
    .bind(issuer)
    .bind(report_year)
    .bind(codes)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PreviousFigure {
                report_id: row.try_get("report_id")?,
                indicator_id: row.try_get("id")?,
                canonical_code: row.try_get("canonical_code")?,
                value: row.try_get("value")?,
                unit: row.try_get("unit")?,
                value_text: row.try_get("value_text")?,
                approx: codes::parse_approx(row.try_get("approx")?)?,
                kind: codes::parse_kind(row.try_get("kind")?)?,
                period_year: row.try_get("period_year")?,
                from_month: row.try_get::<i16, _>("from_month")? as u8,
                to_month: row.try_get::<i16, _>("to_month")? as u8,
            })
        })
        .collect()
}

/// Gives `report` its year-on-year checks against what `conn` sees of its issuer's reports of
/// the year before (none without an issuer or a year), in place of those it had.
pub(super) async fn check_against_year_before(conn: &mut PgConnection, report: &mut ReportRecord) -> Result<()> {
    let codes = year_on_year::codes_to_compare(&report.indicators);
    let figures = match report.report_year {
        Some(year) if !report.issuer.is_empty() && !codes.is_empty() => {
            figures_of(conn, &report.issuer, year - 1, codes).await?
        }
        _ => Vec::new(),
    };
    year_on_year::apply(report, &figures);
    Ok(())
}

/// Checks `issuer`'s stored reports of `year + 1` again, after a report of `year` was written
/// or deleted in the caller's transaction (under `lock_issuers`).
pub(super) async fn recheck_year_after(conn: &mut PgConnection, issuer: &str, year: Option<i32>) -> Result<()> {
    let Some(year) = year.filter(|_| !issuer.is_empty()) else {
        return Ok(());
    };
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM reports WHERE issuer = $1 AND report_year = $2 ORDER BY seq")
        .bind(issuer)
        .bind(year + 1)
        .fetch_all(&mut *conn)
        .await?;
    for id in ids {
        recheck_stored(conn, id).await?;
    }
    Ok(())
}

/// Checks a stored report against its year before again and writes what changed: its checks,
/// and the `failed_check` of the rows whose flag turns (with a new `ingested_at`, so an
/// `updated_after` sync sees them).
async fn recheck_stored(conn: &mut PgConnection, id: Uuid) -> Result<()> {
    let row = sqlx::query("SELECT issuer, report_year, checks::text AS checks FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut report = ReportRecord {
        issuer: row.try_get("issuer")?,
        report_year: row.try_get("report_year")?,
        checks: serde_json::from_str(row.try_get("checks")?)
            .map_err(|e| Error::Internal(format!("stored checks do not read: {e}")))?,
        indicators: indicators::of_report(conn, id).await?,
        ..ReportRecord::default()
    };
    let before = report.checks.clone();
    check_against_year_before(conn, &mut report).await?;
    if report.checks == before {
        return Ok(());
    }
    let failed: Vec<i32> = report.failed_check_ordinals().into_iter().map(|o| reports::to_i32(o)).collect();
    sqlx::query("UPDATE reports SET checks = $2::jsonb WHERE id = $1")
        .bind(id)
        .bind(reports::checks_json(&report))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE indicators SET failed_check = (ord = ANY($2)), ingested_at = now() \
         WHERE report_id = $1 AND failed_check <> (ord = ANY($2))",
    )
    .bind(id)
    .bind(failed)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// A dry run's year-on-year checks: against what is stored now (no lock, nothing written).
    pub async fn check_year_on_year(&self, report: &mut ReportRecord) -> Result<()> {
        check_against_year_before(&mut *self.pool.acquire().await?, report).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_tell_issuers_apart() {
        assert_eq!(lock_key(""), 0xcbf2_9ce4_8422_2325u64 as i64);
        assert_eq!(lock_key("飞云街道"), lock_key("飞云街道"));
        assert_ne!(lock_key("飞云街道"), lock_key("飞云镇"));
    }
}
