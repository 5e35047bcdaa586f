//! Re-parsing stored reports: which reports to re-read (in storage order, after a cursor),
//! their kept text, and replacing a report's rows in one transaction under the same id.

use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::{indicators, previous_year, reports, Store};
pub use crate::domain::queries::{Candidate, KeptSource, ReparseFilter};
use crate::domain::records::{IndicatorRecord, ReportRecord};
use crate::error::Result;

/// The matching reports with (`kept`) or without a kept text.
fn push_filter(qb: &mut QueryBuilder<Postgres>, f: &ReparseFilter, after: Option<i64>, kept: bool) {
    qb.push(if kept {
        " FROM reports r WHERE r.text IS NOT NULL"
    } else {
        " FROM reports r WHERE r.text IS NULL"
    });
    if !f.report_ids.is_empty() {
        qb.push(" AND r.id = ANY(").push_bind(f.report_ids.clone()).push(")");
    }
    if let Some(issuer) = &f.issuer {
        qb.push(" AND r.issuer = ").push_bind(issuer.clone());
    }
    if let Some(from) = f.report_year_from {
        qb.push(" AND r.report_year >= ").push_bind(from);
    }
    if let Some(to) = f.report_year_to {
        qb.push(" AND r.report_year <= ").push_bind(to);
    }
    if let Some(version) = &f.parser_version_not {
        qb.push(" AND r.parser_version <> ").push_bind(version.clone());
    }
    if let Some(after) = after {
        qb.push(" AND r.seq > ").push_bind(after);
    }
}

impl Store {
    /// The first `limit` matching reports after `after` (a seq), in storage order.
    pub async fn reparse_candidates(
        &self,
        filter: &ReparseFilter,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Candidate>> {
        let mut qb = QueryBuilder::new("SELECT r.id, r.seq");
        push_filter(&mut qb, filter, after, true);
        qb.push(" ORDER BY r.seq LIMIT ").push_bind(i64::from(limit));
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(Candidate {
                    id: row.try_get("id")?,
                    seq: row.try_get("seq")?,
                })
            })
            .collect()
    }

    /// How many matching reports with a kept text come after `after` (a seq), or (`kept`
    /// false) how many match without one.
    pub async fn count_reparse_candidates(
        &self,
        filter: &ReparseFilter,
        after: Option<i64>,
        kept: bool,
    ) -> Result<i64> {
        let mut qb = QueryBuilder::new("SELECT count(*)");
        push_filter(&mut qb, filter, after, kept);
        Ok(qb.build_query_scalar().fetch_one(&self.pool).await?)
    }

    /// A report's kept text, source and hints; `None` when it is gone or has no text.
    pub async fn kept_source(&self, id: Uuid) -> Result<Option<KeptSource>> {
        let row = sqlx::query(
            "SELECT text, source_uri, hint_issuer, hint_report_year FROM reports \
             WHERE id = $1 AND text IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(KeptSource {
                text: row.try_get("text")?,
                source_uri: row.try_get("source_uri")?,
                hint_issuer: row.try_get("hint_issuer")?,
                hint_report_year: row.try_get("hint_report_year")?,
            })
        })
        .transpose()
    }

    /// Replaces a stored report's metadata, sections and indicators with `report`'s in one
    /// transaction, keeping its id, storage order, source, text, hints and creation time.
    /// Returns the indicators it had, or `None` when the report is gone (deleted meanwhile).
    pub async fn replace_report(
        &self,
        id: Uuid,
        report: &ReportRecord,
    ) -> Result<Option<Vec<IndicatorRecord>>> {
        let mut tx = self.pool.begin().await?;
        let was: Option<(String, Option<i32>)> =
            sqlx::query_as("SELECT issuer, report_year FROM reports WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((old_issuer, old_year)) = was else { return Ok(None) };
        // The issuers' locks before any row's (see `previous_year`).
        previous_year::lock_issuers(&mut tx, [old_issuer.as_str(), report.issuer.as_str()]).await?;
        // Holds off a concurrent re-parse or delete of the same report until this one commits.
        let locked: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM reports WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if locked.is_none() {
            return Ok(None);
        }
        let mut checked = report.clone();
        previous_year::check_against_year_before(&mut tx, &mut checked).await?;
        let report = &checked;
        let old = indicators::of_report(&mut tx, id).await?;
        for table in ["sections", "indicators"] {
            let sql = format!("DELETE FROM {table} WHERE report_id = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut *tx).await?;
        }
        let update = sqlx::query(sqlx::AssertSqlSafe(reports::update_statement())).bind(id);
        reports::bind_parsed(update, report).execute(&mut *tx).await?;
        reports::insert_rows(&mut tx, id, report).await?;
        previous_year::recheck_year_after(&mut tx, &report.issuer, report.report_year).await?;
        if (old_issuer.as_str(), old_year) != (report.issuer.as_str(), report.report_year) {
            previous_year::recheck_year_after(&mut tx, &old_issuer, old_year).await?;
        }
        tx.commit().await?;
        Ok(Some(old))
    }
}
