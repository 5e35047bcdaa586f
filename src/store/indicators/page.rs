//! QueryIndicators' pages: orderings, the sort key a page token carries, and the two-step
//! page statement (the page's keys by the chosen access path, then only its rows).

use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use super::filter::push_source;
use super::{IndicatorFilter, IndicatorOrder, IndicatorPage, IndicatorQuery};
use super::plan::{self, PageAccess};
use super::rows::{sourced_indicator_from_row, window_total, INDICATOR_COLUMNS, PROVENANCE_COLUMNS};
use crate::error::{Error, Result};
use crate::store::{page_token, Store};

/// The last sort key of a page, as carried by the page token.
#[derive(Debug, Clone, PartialEq)]
enum SortKey {
    Int(i64),
    Float(f64),
    Text(String),
}

impl SortKey {
    fn encode(&self) -> String {
        match self {
            SortKey::Int(n) => n.to_string(),
            SortKey::Float(x) => x.to_string(),
            SortKey::Text(s) => s.clone(),
        }
    }

    fn decode(order: IndicatorOrder, raw: &str) -> Option<SortKey> {
        Some(match order {
            IndicatorOrder::Storage | IndicatorOrder::Period => SortKey::Int(raw.parse().ok()?),
            IndicatorOrder::Value | IndicatorOrder::Relevance => SortKey::Float(raw.parse().ok()?),
            IndicatorOrder::Issuer => SortKey::Text(raw.to_owned()),
        })
    }

    fn push_bind(&self, order: IndicatorOrder, qb: &mut QueryBuilder<Postgres>) {
        match self {
            SortKey::Int(n) if order == IndicatorOrder::Period => {
                qb.push_bind(i32::try_from(*n).unwrap_or(i32::MAX))
            }
            SortKey::Int(n) => qb.push_bind(*n),
            SortKey::Float(x) => qb.push_bind(*x),
            SortKey::Text(s) => qb.push_bind(s.clone()),
        };
    }

    fn read(order: IndicatorOrder, row: &PgRow) -> Result<SortKey> {
        Ok(match order {
            IndicatorOrder::Storage => SortKey::Int(row.try_get("sort_key")?),
            IndicatorOrder::Period => SortKey::Int(row.try_get::<i32, _>("sort_key")?.into()),
            IndicatorOrder::Value | IndicatorOrder::Relevance => SortKey::Float(row.try_get("sort_key")?),
            IndicatorOrder::Issuer => SortKey::Text(row.try_get("sort_key")?),
        })
    }
}

/// SQL direction and keyset comparison of an ordering.
fn direction(descending: bool) -> (&'static str, &'static str) {
    if descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    }
}

/// The first step of a page: `SELECT key_seq, sort_key, total` of the first `limit` matches
/// after the keyset, in the query's order.
struct PageKeys<'a> {
    query: &'a IndicatorQuery,
    after: Option<&'a (i64, SortKey)>,
    limit: i64,
}

impl PageKeys<'_> {
    /// `extra` is one more ` AND …` clause; `one_pass` counts every match in a window.
    fn push(
        &self,
        qb: &mut QueryBuilder<Postgres>,
        f: &IndicatorFilter,
        extra: &str,
        access: PageAccess,
        one_pass: bool,
    ) {
        let q = self.query;
        let (dir, cmp) = direction(q.descending);
        qb.push("SELECT i.seq AS key_seq, ");
        push_sort_key(qb, q, access);
        qb.push(if one_pass {
            " AS sort_key, count(*) OVER () AS total"
        } else {
            " AS sort_key, 0::int8 AS total"
        });
        push_source(qb, f);
        qb.push(extra);
        if let Some((seq, key)) = self.after {
            qb.push(" AND (");
            push_sort_key(qb, q, access);
            qb.push(", i.seq) ").push(cmp).push(" (");
            key.push_bind(q.order, qb);
            qb.push(", ").push_bind(*seq).push(")");
        }
        qb.push(" ORDER BY ");
        push_sort_key(qb, q, access);
        qb.push(format!(" {dir}, i.seq {dir} LIMIT ")).push_bind(self.limit);
    }
}

/// The sort key expression of an ordering, on relation `i`.
fn push_sort_key(qb: &mut QueryBuilder<Postgres>, q: &IndicatorQuery, access: PageAccess) {
    let (open, close) = match access {
        PageAccess::IndexOrder | PageAccess::PerCode => ("", ""),
        PageAccess::SortMatches => ("(", " + 0)"),
    };
    match q.order {
        IndicatorOrder::Storage => {
            qb.push(format!("{open}i.seq{close}"));
        }
        IndicatorOrder::Period => {
            // Plain column (int4), so the (…, period_key, seq) indexes serve order and keyset.
            qb.push(format!("{open}i.period_key{close}"));
        }
        IndicatorOrder::Value => {
            qb.push(format!("{open}i.value_key{close}"));
        }
        IndicatorOrder::Issuer => match access {
            PageAccess::IndexOrder | PageAccess::PerCode => {
                qb.push("i.issuer");
            }
            PageAccess::SortMatches => {
                qb.push("(i.issuer || '')");
            }
        },
        IndicatorOrder::Relevance => {
            // Negated so that best-first is ascending, like every other key.
            let text = q
                .filter
                .name_similar
                .clone()
                .or_else(|| q.filter.name_contains.clone())
                .unwrap_or_default();
            qb.push("(-similarity(i.name, ").push_bind(text).push("))::float8");
        }
    }
}

impl Store {
    /// One page of the indicators matching the query, in its order, with the total count
    /// (exact, with the same filters).
    pub async fn query_indicators(
        &self,
        query: &IndicatorQuery,
        page_size: u32,
        token: &str,
    ) -> Result<IndicatorPage> {
        let fp = page_token::fingerprint("indicators", query);
        let after = match page_token::decode_keyed(token, &fp)? {
            None => None,
            Some((seq, raw)) => Some((
                seq,
                SortKey::decode(query.order, &raw).ok_or_else(|| {
                    Error::invalid("page_token", "not a page token issued by this service")
                })?,
            )),
        };

        let backend = self.backend().await?;
        let f = &query.filter;
        let one_pass = plan::counts_in_one_pass(f, after.is_none());
        // One connection for count and page: a second acquire queues again behind other RPCs
        // when the pool is busy (and pings again).
        let mut conn = self.pool.acquire().await?;
        let counted = if one_pass {
            None
        } else {
            let mut count = QueryBuilder::new("SELECT count(*)");
            push_source(&mut count, f);
            Some(count.build_query_scalar::<i64>().fetch_one(&mut *conn).await?)
        };

        let dir = direction(query.descending).0;
        let limit = i64::from(page_size) + 1;
        let access = plan::access_path_on(backend, query, counted, limit);
        // Two steps in one statement: the page's keys (seq and sort key; index-only where an
        // index covers the filter and the key), then only the page's rows and provenance.
        let mut page = QueryBuilder::new(format!(
            "SELECT {INDICATOR_COLUMNS}, {PROVENANCE_COLUMNS}, k.sort_key, k.total FROM ("
        ));
        let keys = PageKeys { query, after: after.as_ref(), limit };
        match (access, plan::code_set(f)) {
            (PageAccess::PerCode, Some(codes)) => {
                // Each code's first rows after the keyset in its index's order, then the
                // best of them: a page per code instead of every match.
                page.push("SELECT c.key_seq, c.sort_key, c.total FROM unnest(")
                    .push_bind(codes)
                    .push("::text[]) AS code(code) CROSS JOIN LATERAL (");
                let others = IndicatorFilter {
                    canonical_codes: Vec::new(),
                    category_codes: None,
                    ..f.clone()
                };
                let this_code = " AND i.canonical_code = code.code";
                keys.push(&mut page, &others, this_code, PageAccess::IndexOrder, false);
                page.push(format!(") c ORDER BY c.sort_key {dir}, c.key_seq {dir} LIMIT "))
                    .push_bind(limit);
            }
            _ => keys.push(&mut page, f, "", access, one_pass),
        }
        page.push(format!(
            ") k JOIN indicators i ON i.seq = k.key_seq ORDER BY k.sort_key {dir}, i.seq {dir}"
        ));
        let rows = page.build().fetch_all(&mut *conn).await?;
        drop(conn);
        let total_size = match counted {
            Some(total) => total,
            None => window_total(&rows)?,
        };

        let more = rows.len() > page_size as usize;
        let mut indicators = Vec::with_capacity(rows.len().min(page_size as usize));
        let mut last = None;
        for row in rows.iter().take(page_size as usize) {
            indicators.push(sourced_indicator_from_row(row)?);
            last = Some((row.try_get::<i64, _>("seq")?, SortKey::read(query.order, row)?));
        }
        let next_page_token = match (more, last) {
            (true, Some((seq, key))) => page_token::encode_keyed(&fp, seq, &key.encode()),
            _ => String::new(),
        };
        Ok(IndicatorPage {
            indicators,
            next_page_token,
            total_size,
        })
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_round_trip_through_tokens() {
        for (order, key) in [
            (IndicatorOrder::Period, SortKey::Int(202312)),
            (IndicatorOrder::Value, SortKey::Float(f64::NEG_INFINITY)),
            (IndicatorOrder::Value, SortKey::Float(4.878e9)),
            (IndicatorOrder::Relevance, SortKey::Float(-0.3125)),
            (IndicatorOrder::Issuer, SortKey::Text("甲:街道".into())),
        ] {
            assert_eq!(SortKey::decode(order, &key.encode()), Some(key));
        }
        assert_eq!(SortKey::decode(IndicatorOrder::Period, "x"), None);
    }
}
