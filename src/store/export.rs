//! ExportIndicators: every row matching a QueryIndicators filter, in storage order, streamed
//! from a server-side cursor (sqlx `fetch` inside one read-only transaction: one snapshot,
//! rows decoded and handed on one at a time, never collected).

use tokio_stream::StreamExt;
use sqlx::{QueryBuilder, Row};

use super::indicators::{
    push_source, sourced_indicator_from_row, IndicatorFilter, INDICATOR_COLUMNS, PROVENANCE_COLUMNS,
};
use super::Store;
pub use crate::domain::queries::{serialize_time, ExportRow, RowSink};
use crate::error::Result;

impl Store {
    /// Streams every indicator matching `filter` into `sink`, in storage order; returns how
    /// many rows went. One REPEATABLE READ transaction: the export is one consistent snapshot
    /// however long it takes, while writers go on.
    pub async fn export_indicators<S: RowSink + Send>(
        &self,
        filter: &IndicatorFilter,
        sink: &mut S,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut qb = QueryBuilder::new(format!(
            "SELECT {INDICATOR_COLUMNS}, {PROVENANCE_COLUMNS}"
        ));
        push_source(&mut qb, filter);
        qb.push(" ORDER BY i.seq");
        let mut sent = 0;
        {
            let mut rows = qb.build().fetch(&mut *tx);
            while let Some(row) = rows.next().await {
                let row = row?;
                let export = ExportRow {
                    indicator: sourced_indicator_from_row(&row)?,
                    ingested_at: row.try_get("ingested_at")?,
                };
                if !sink.row(export).await? {
                    break;
                }
                sent += 1;
            }
        }
        tx.rollback().await?;
        Ok(sent)
    }
}
