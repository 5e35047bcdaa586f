//! Reads over many rows at once: time series, cross-sections, catalog statistics.

use sqlx::{QueryBuilder, Row};

use super::filter::push_filters;
use super::{DefinitionStats, IndicatorFilter};
use super::rows::{sourced_indicator_from_row, window_total, INDICATOR_COLUMNS, PROVENANCE_COLUMNS};
use crate::domain::records::IndicatorRecord;
use crate::error::Result;
use crate::store::Store;

impl Store {
    /// period), the one from the latest report when several reports state it; ordered by
    /// issuer, code, kind, period. At most `limit` rows.
    pub async fn series_points(
        &self,
        filter: &IndicatorFilter,
        limit: u32,
    ) -> Result<Vec<IndicatorRecord>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT DISTINCT ON (i.issuer, i.canonical_code, i.kind, i.period_key, i.from_month) \
             {INDICATOR_COLUMNS}, {PROVENANCE_COLUMNS} FROM indicators i"
        ));
        push_filters(&mut qb, filter);
        qb.push(
            " AND i.value IS NOT NULL AND i.canonical_code IS NOT NULL \
             ORDER BY i.issuer, i.canonical_code, i.kind, i.period_key, i.from_month, \
             i.report_year DESC NULLS LAST, i.seq DESC LIMIT ",
        )
        .push_bind(i64::from(limit));
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter().map(sourced_indicator_from_row).collect()
    }

    /// A cross-section: per issuer the latest observation with a value among `filter`
    /// (latest period, then latest report), largest value first (issuer breaks ties);
    /// at most `limit`, with the number of issuers in all.
    pub async fn cross_section(
        &self,
        filter: &IndicatorFilter,
        limit: u32,
    ) -> Result<(Vec<IndicatorRecord>, i64)> {
        // One statement: the latest observation's key per issuer (index-only where an index
        // covers the filter), counted by a window over all of them before the limit, then
        // only the returned rows fetched. At least one row is asked for, so no rows means
        // no issuers.
        let mut qb = QueryBuilder::new(format!(
            "SELECT {INDICATOR_COLUMNS}, {PROVENANCE_COLUMNS}, k.total \
             FROM (SELECT l.seq AS key_seq, count(*) OVER () AS total \
             FROM (SELECT DISTINCT ON (i.issuer) i.seq, i.value, i.issuer FROM indicators i"
        ));
        push_filters(&mut qb, filter);
        qb.push(
            " AND i.value IS NOT NULL ORDER BY i.issuer, i.period_key DESC, \
             i.report_year DESC NULLS LAST, i.seq DESC) l ORDER BY l.value DESC, l.issuer LIMIT ",
        )
        .push_bind(i64::from(limit.max(1)));
        qb.push(") k JOIN indicators i ON i.seq = k.key_seq ORDER BY i.value DESC, i.issuer");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let total = window_total(&rows)?;
        Ok((
            rows.iter()
                .take(limit as usize)
                .map(sourced_indicator_from_row)
                .collect::<Result<_>>()?,
            total,
        ))
    }

    /// Per canonical code: observations, distinct issuers and distinct period years.
    pub async fn definition_stats(
        &self,
    ) -> Result<std::collections::HashMap<String, DefinitionStats>> {
        let rows = sqlx::query(
            "SELECT canonical_code, count(*) AS n, count(DISTINCT issuer) AS issuers, \
                 count(DISTINCT period_year) AS years \
             FROM indicators WHERE canonical_code IS NOT NULL GROUP BY canonical_code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("canonical_code")?,
                    DefinitionStats {
                        observations: row.try_get("n")?,
                        issuers: row.try_get("issuers")?,
                        years: row.try_get("years")?,
                    },
                ))
            })
            .collect()
    }
}
