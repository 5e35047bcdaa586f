//! ParseReports' writes: several reports per transaction on one connection, each report
//! inside its own savepoint, so one that fails is rolled back alone and its batch
//! neighbours are still stored (one commit, and one WAL flush, for the whole batch).
//! The batch's (name, report year) pairs go in first, in one sorted statement, so batches
//! written at once take those keys in one order and cannot deadlock on them (each report's
//! own insert of its pairs then finds them there); a failed report may leave pairs of its
//! names behind, as a deleted one does, matching no rows.

use super::{indicators, previous_year};
use super::reports::{write_report, InsertOutcome};
use super::Store;
use crate::domain::records::ReportRecord;
use crate::error::{Error, Result};

impl Store {
    /// Writes `reports` in one transaction, each all-or-nothing (a savepoint each): one
    /// outcome per report, in order. When the transaction itself fails (the connection, the
    /// commit), every report this call would have created gets that error.
    pub async fn insert_reports(&self, reports: &[&ReportRecord]) -> Vec<Result<InsertOutcome>> {
        match self.insert_batch(reports).await {
            Ok(outcomes) => outcomes,
            Err(e) => {
                let message = e.to_string();
                let again = || match &e {
                    Error::Unavailable(_) => Error::Unavailable(message.clone()),
                    Error::DeadlineExceeded(_) => Error::DeadlineExceeded(message.clone()),
                    _ => Error::Internal(message.clone()),
                };
                reports.iter().map(|_| Err(again())).collect()
            }
        }
    }

    async fn insert_batch(&self, reports: &[&ReportRecord]) -> Result<Vec<Result<InsertOutcome>>> {
        let mut tx = self.pool.begin().await?;
        // The issuers' locks first (see `previous_year`), then the names.
        previous_year::lock_issuers(&mut tx, reports.iter().map(|r| r.issuer.as_str())).await?;
        indicators::insert_name_years(&mut tx, reports).await?;
        let mut outcomes = Vec::with_capacity(reports.len());
        for report in reports {
            sqlx::raw_sql("SAVEPOINT report").execute(&mut *tx).await?;
            let outcome = write_report(&mut tx, report).await;
            let end = if outcome.is_ok() {
                "RELEASE SAVEPOINT report"
            } else {
                "ROLLBACK TO SAVEPOINT report"
            };
            sqlx::raw_sql(end).execute(&mut *tx).await?;
            outcomes.push(outcome);
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}
