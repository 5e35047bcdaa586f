//! Indicators: bulk insert (UNNEST inside the report's transaction) and the one query
//! builder behind QueryIndicators. Filters are pushed in `push_filters`; a new filter is a
//! field of `IndicatorFilter` plus one clause there (it then enters the page-token
//! fingerprint by itself).

use govreport_extract::IndicatorKind;
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row, Transaction};
use uuid::Uuid;

use super::{codes, page_token, Store};
use crate::domain::{ChangeRecord, IndicatorRecord, RankRecord, ReportRef};
use crate::error::Result;

/// What QueryIndicators filters on; `None` matches everything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndicatorFilter {
    /// Exact issuer of the report.
    pub issuer: Option<String>,
    /// Inclusive bounds of the report's year.
    pub report_year_from: Option<i32>,
    pub report_year_to: Option<i32>,
    /// Case-insensitive substring of the indicator name.
    pub name_contains: Option<String>,
    pub kind: Option<IndicatorKind>,
    pub report_id: Option<Uuid>,
}

pub struct IndicatorPage {
    pub indicators: Vec<IndicatorRecord>,
    pub next_page_token: String,
    pub total_size: i64,
}

const INDICATOR_COLUMNS: &str = "i.id, i.seq, i.name, i.value, i.unit, i.value_text, i.approx, i.period_year, \
     i.from_month, i.to_month, i.kind, i.change_pct, i.change_approx, i.change_unit, i.rank_position, \
     i.rank_scope, i.completion_pct, i.completion_approx, i.span_start, i.span_end, i.sentence, \
     i.section_path, i.rule";

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn push_filters(qb: &mut QueryBuilder<Postgres>, f: &IndicatorFilter) {
    qb.push(" WHERE TRUE");
    if let Some(issuer) = &f.issuer {
        qb.push(" AND r.issuer = ").push_bind(issuer.clone());
    }
    if let Some(from) = f.report_year_from {
        qb.push(" AND r.report_year >= ").push_bind(from);
    }
    if let Some(to) = f.report_year_to {
        qb.push(" AND r.report_year <= ").push_bind(to);
    }
    if let Some(name) = &f.name_contains {
        qb.push(" AND i.name ILIKE ")
            .push_bind(format!("%{}%", escape_like(name)));
    }
    if let Some(kind) = f.kind {
        qb.push(" AND i.kind = ").push_bind(codes::kind(kind));
    }
    if let Some(id) = f.report_id {
        qb.push(" AND i.report_id = ").push_bind(id);
    }
}

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
        report: None,
    })
}

/// Inserts a report's indicators in one statement, in the caller's transaction.
pub(super) async fn insert_all(
    tx: &mut Transaction<'_, Postgres>,
    report_id: Uuid,
    rows: &[IndicatorRecord],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let col = |f: &dyn Fn(&IndicatorRecord) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let clamp = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query(
        "INSERT INTO indicators (id, report_id, ord, name, value, unit, value_text, approx, period_year, \
             from_month, to_month, kind, change_pct, change_approx, change_unit, rank_position, rank_scope, \
             completion_pct, completion_approx, span_start, span_end, sentence, section_path, rule) \
         SELECT u.id, $1, u.ord, u.name, u.value, u.unit, u.value_text, u.approx, u.period_year, \
             u.from_month, u.to_month, u.kind, u.change_pct, u.change_approx, u.change_unit, u.rank_position, \
             u.rank_scope, u.completion_pct, u.completion_approx, u.span_start, u.span_end, u.sentence, \
             ARRAY(SELECT jsonb_array_elements_text(u.section_path::jsonb)), u.rule \
         FROM UNNEST($2::uuid[], $3::int4[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], \
             $9::int4[], $10::int2[], $11::int2[], $12::text[], $13::float8[], $14::text[], $15::text[], \
             $16::int4[], $17::text[], $18::float8[], $19::text[], $20::int4[], $21::int4[], $22::text[], \
             $23::text[], $24::text[]) \
         AS u(id, ord, name, value, unit, value_text, approx, period_year, from_month, to_month, kind, \
             change_pct, change_approx, change_unit, rank_position, rank_scope, completion_pct, \
             completion_approx, span_start, span_end, sentence, section_path, rule)",
    )
    .bind(report_id)
    .bind(rows.iter().map(|_| Uuid::new_v4()).collect::<Vec<_>>())
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A report's indicators in document order.
pub(super) async fn of_report(pool: &PgPool, report_id: Uuid) -> Result<Vec<IndicatorRecord>> {
    let sql = format!(
        "SELECT {INDICATOR_COLUMNS} FROM indicators i WHERE i.report_id = $1 ORDER BY i.ord"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(indicator_from_row).collect()
}

impl Store {
    /// One page of the indicators matching `filter`, in storage order, with the total count.
    pub async fn query_indicators(
        &self,
        filter: &IndicatorFilter,
        page_size: u32,
        token: &str,
    ) -> Result<IndicatorPage> {
        let fp = page_token::fingerprint("indicators", filter);
        let after = page_token::decode(token, &fp)?;

        let mut count = QueryBuilder::new(
            "SELECT count(*) FROM indicators i JOIN reports r ON r.id = i.report_id",
        );
        push_filters(&mut count, filter);
        let total_size: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

        let mut page = QueryBuilder::new(format!(
            "SELECT {INDICATOR_COLUMNS}, r.id AS report_id, r.title AS report_title, r.issuer AS report_issuer, \
                 r.report_year AS report_year \
             FROM indicators i JOIN reports r ON r.id = i.report_id"
        ));
        push_filters(&mut page, filter);
        if let Some(after) = after {
            page.push(" AND i.seq > ").push_bind(after);
        }
        page.push(" ORDER BY i.seq LIMIT ")
            .push_bind(i64::from(page_size) + 1);
        let rows = page.build().fetch_all(&self.pool).await?;

        let more = rows.len() > page_size as usize;
        let mut indicators = Vec::with_capacity(rows.len().min(page_size as usize));
        let mut last_seq = None;
        for row in rows.iter().take(page_size as usize) {
            let mut ind = indicator_from_row(row)?;
            ind.report = Some(ReportRef {
                id: row.try_get("report_id")?,
                title: row.try_get("report_title")?,
                issuer: row.try_get("report_issuer")?,
                report_year: row.try_get("report_year")?,
            });
            indicators.push(ind);
            last_seq = Some(row.try_get::<i64, _>("seq")?);
        }
        let next_page_token = match (more, last_seq) {
            (true, Some(seq)) => page_token::encode(&fp, seq),
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
    use super::escape_like;

    #[test]
    fn like_wildcards_in_names_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
