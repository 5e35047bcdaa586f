//! Indicators: bulk insert (UNNEST inside the report's transaction), the one query builder
//! behind QueryIndicators (filters, orderings, latest_only, keyset paging), series,
//! cross-sections, catalog statistics and re-linking. Filters are pushed in
//! `push_filters`; a new filter is a field of `IndicatorFilter` plus one clause there (it
//! then enters the page-token fingerprint by itself).

use govreport_extract::IndicatorKind;
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::{codes, page_token, Store};
use crate::domain::{canonical_ref, CanonicalRef, ChangeRecord, IndicatorRecord, RankRecord, ReportRecord, ReportRef};
use crate::error::{Error, Result};

/// What QueryIndicators filters on; empty / `None` matches everything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndicatorFilter {
    /// Exact issuers of the report (any of).
    pub issuers: Vec<String>,
    /// Issuer starts with / contains (case-insensitive).
    pub issuer_prefix: Option<String>,
    pub issuer_contains: Option<String>,
    pub report_ids: Vec<Uuid>,
    /// Inclusive bounds of the report's year.
    pub report_year_from: Option<i32>,
    pub report_year_to: Option<i32>,
    /// Inclusive bounds of the indicator's period year.
    pub period_year_from: Option<i32>,
    pub period_year_to: Option<i32>,
    /// The indicator's months (from_month..to_month) overlap this window.
    pub period_month_from: Option<u8>,
    pub period_month_to: Option<u8>,
    pub canonical_codes: Vec<String>,
    /// The codes of the asked categories (the caller expands categories with the catalog,
    /// so the planner sees plain codes); `None` when no category was asked for.
    pub category_codes: Option<Vec<String>>,
    /// Case-insensitive substring of the indicator name as written.
    pub name_contains: Option<String>,
    /// Trigram-similar names (pg_trgm `%`).
    pub name_similar: Option<String>,
    pub kind: Option<IndicatorKind>,
    /// Inclusive bounds of the value, in canonical (base) units.
    pub value_min: Option<f64>,
    pub value_max: Option<f64>,
    pub has_change: Option<bool>,
    pub has_rank: Option<bool>,
    /// Only the most recent observation per (issuer, indicator).
    pub latest_only: bool,
    /// Only rows written (stored or re-parsed) after this time.
    #[serde(serialize_with = "super::export::serialize_time")]
    pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
    /// Only indicators in a failing consistency check of their report.
    pub failed_checks_only: bool,
}

/// What a page is sorted by; `seq` (storage order) breaks ties in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum IndicatorOrder {
    /// Storage order (document order within a report).
    #[default]
    Storage,
    /// Period year, then months (to_month).
    Period,
    /// Value in canonical units (no value sorts as -infinity).
    Value,
    Issuer,
    /// Trigram similarity of the name to `name_similar` (or `name_contains`), best first.
    Relevance,
}

/// A QueryIndicators query: what the page token is bound to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndicatorQuery {
    pub filter: IndicatorFilter,
    pub order: IndicatorOrder,
    pub descending: bool,
}

pub struct IndicatorPage {
    pub indicators: Vec<IndicatorRecord>,
    pub next_page_token: String,
    pub total_size: i64,
}

/// One row of a catalog's statistics: observations, issuers and years with data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefinitionStats {
    pub observations: i64,
    pub issuers: i64,
    pub years: i64,
}

/// A catalog definition as the store keeps it (refreshed by every re-link).
#[derive(Debug, Clone)]
pub struct DefinitionRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub category: String,
    pub category_name: String,
    pub additive: bool,
}

pub(super) const INDICATOR_COLUMNS: &str = "i.id, i.seq, i.report_id, i.name, i.value, i.unit, i.value_text, i.approx, \
     i.period_year, i.from_month, i.to_month, i.kind, i.change_pct, i.change_approx, i.change_unit, \
     i.rank_position, i.rank_scope, i.completion_pct, i.completion_approx, i.span_start, i.span_end, \
     i.sentence, i.section_path, i.rule, i.canonical_code, i.issuer, i.report_year, i.period_key, \
     i.failed_check, i.ingested_at";

/// An indicator's report, copied onto its row at insert (reports are immutable), so a page
/// needs no join. (The catalog entry comes from the embedded catalog, `domain::canonical_ref`.)
pub(super) const PROVENANCE_COLUMNS: &str = "i.report_title, i.report_published, i.report_parser_version";

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

/// ` AND column = ANY(values)`, or `= value` for one: equality lets an index on
/// (column, sort key) give the order, and a plain parameter keeps the plan generic (cached)
/// where an array of unknown length makes PostgreSQL plan every call afresh.
fn push_any_of<T>(qb: &mut QueryBuilder<Postgres>, column: &str, values: &[T])
where
    T: Clone + Send + for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres> + sqlx::postgres::PgHasArrayType + 'static,
{
    match values {
        [] => {}
        [one] => {
            qb.push(format!(" AND {column} = ")).push_bind(one.clone());
        }
        many => {
            qb.push(format!(" AND {column} = ANY(")).push_bind(many.to_vec()).push(")");
        }
    }
}

/// ` AND` the name is one of the names (in the asked report years) whose folded form
/// `<operator>` the folded pattern (`name_folded LIKE lower(p)` is how PostgreSQL runs ILIKE in
/// UTF-8; pg_trgm folds too; the pattern is folded once, in a sub-select, not per candidate).
/// They are found once (an init plan over `indicator_name_years`),
/// and their rows read through (name COLLATE "C", report_year, seq): byte-wise comparisons
/// make the cheapest probes.
fn push_names_matching(
    qb: &mut QueryBuilder<Postgres>,
    f: &IndicatorFilter,
    operator: &str,
    pattern: String,
) {
    qb.push(format!(
        " AND i.name COLLATE \"C\" = ANY(ARRAY(SELECT n.name FROM indicator_name_years n \
         WHERE n.name_folded {operator} (SELECT lower("
    ))
    .push_bind(pattern)
    .push("))");
    // One year is a key of the (report_year, name_folded) GIN; a range would be a slow partial
    // match there, so it filters the names the trigrams found (`+ 0` keeps it out of the index).
    let one_year = single_year(f.report_year_from, f.report_year_to).is_some();
    let year = if one_year { "n.report_year" } else { "(n.report_year + 0)" };
    push_year_range(qb, year, f.report_year_from, f.report_year_to);
    qb.push("))");
}

/// The one year inclusive bounds allow, if they allow exactly one.
fn single_year(from: Option<i32>, to: Option<i32>) -> Option<i32> {
    from.filter(|_| from == to)
}

/// ` AND` the column lies within the inclusive bounds given. One year is an equality, so an
/// index with later columns (e.g. kind, seq) keeps their order for the planner.
fn push_year_range(qb: &mut QueryBuilder<Postgres>, column: &str, from: Option<i32>, to: Option<i32>) {
    if let Some(year) = single_year(from, to) {
        qb.push(format!(" AND {column} = ")).push_bind(year);
        return;
    }
    if let Some(from) = from {
        qb.push(format!(" AND {column} >= ")).push_bind(from);
    }
    if let Some(to) = to {
        qb.push(format!(" AND {column} <= ")).push_bind(to);
    }
}

fn push_filters(qb: &mut QueryBuilder<Postgres>, f: &IndicatorFilter) {
    qb.push(" WHERE TRUE");
    push_any_of(qb, "i.issuer", &f.issuers);
    if let Some(prefix) = &f.issuer_prefix {
        qb.push(" AND i.report_id IN (SELECT id FROM reports WHERE issuer ILIKE ")
            .push_bind(format!("{}%", escape_like(prefix)))
            .push(")");
    }
    if let Some(part) = &f.issuer_contains {
        qb.push(" AND i.report_id IN (SELECT id FROM reports WHERE issuer ILIKE ")
            .push_bind(format!("%{}%", escape_like(part)))
            .push(")");
    }
    push_any_of(qb, "i.report_id", &f.report_ids);
    push_year_range(qb, "i.report_year", f.report_year_from, f.report_year_to);
    // As a period_key range (year × 100 + to_month, to_month ≤ 12): the same rows as a
    // period_year range, and the (…, period_key, seq) indexes serve it, counts index-only.
    // Years are validated ≥ 1900, so a missing year (key ≤ 12) stays out.
    if let Some(from) = f.period_year_from {
        qb.push(" AND i.period_key >= ").push_bind(from.saturating_mul(100));
    }
    if let Some(to) = f.period_year_to {
        qb.push(" AND i.period_key <= ").push_bind(to.saturating_mul(100).saturating_add(99));
    }
    if let Some(m) = f.period_month_from {
        qb.push(" AND i.to_month >= ").push_bind(i16::from(m));
    }
    if let Some(m) = f.period_month_to {
        qb.push(" AND i.from_month <= ").push_bind(i16::from(m));
    }
    push_any_of(qb, "i.canonical_code", &f.canonical_codes);
    if let Some(codes) = &f.category_codes {
        qb.push(" AND i.canonical_code = ANY(")
            .push_bind(codes.clone())
            .push(")");
    }
    if let Some(name) = &f.name_contains {
        push_names_matching(qb, f, "LIKE", format!("%{}%", escape_like(name)));
    }
    if let Some(name) = &f.name_similar {
        push_names_matching(qb, f, "%", name.clone());
    }
    if let Some(kind) = f.kind {
        qb.push(" AND i.kind = ").push_bind(codes::kind(kind));
    }
    if let Some(min) = f.value_min {
        qb.push(" AND i.value >= ").push_bind(min);
    }
    if let Some(max) = f.value_max {
        qb.push(" AND i.value <= ").push_bind(max);
    }
    match f.has_change {
        Some(true) => {
            qb.push(" AND i.change_pct IS NOT NULL");
        }
        Some(false) => {
            qb.push(" AND i.change_pct IS NULL");
        }
        None => {}
    }
    match f.has_rank {
        Some(true) => {
            qb.push(" AND i.rank_position IS NOT NULL");
        }
        Some(false) => {
            qb.push(" AND i.rank_position IS NULL");
        }
        None => {}
    }
    if let Some(after) = f.updated_after {
        qb.push(" AND i.ingested_at > ").push_bind(after);
    }
    if f.failed_checks_only {
        qb.push(" AND i.failed_check");
    }
}

/// `FROM … WHERE filters` of the rows a query ranges over, as relation `i`: the matching
/// indicators, or with `latest_only` the most recent of them per (issuer, indicator):
/// latest period, then latest report year, then latest stored.
pub(super) fn push_source(qb: &mut QueryBuilder<Postgres>, f: &IndicatorFilter) {
    if f.latest_only {
        qb.push(
            " FROM (SELECT DISTINCT ON (i.issuer, COALESCE(i.canonical_code, i.name)) i.* FROM indicators i",
        );
        push_filters(qb, f);
        qb.push(
            " ORDER BY i.issuer, COALESCE(i.canonical_code, i.name), i.period_key DESC, \
             i.report_year DESC NULLS LAST, i.seq DESC) i WHERE TRUE",
        );
    } else {
        qb.push(" FROM indicators i");
        push_filters(qb, f);
    }
}

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

/// Up to this many matching rows, a page is read by fetching the matches through the filter
/// indexes and sorting them (top-N); beyond, by walking an index in sort order. Left to
/// itself the planner often walks the sort-order index for a selective filter and reads
/// hundreds of thousands of rows before it has a page.
const SORT_MATCHES_UP_TO: i64 = 50_000;

/// How a page query reaches its rows (see `SORT_MATCHES_UP_TO`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum PageAccess {
    /// Leave the plan to PostgreSQL (many matches: it walks an index in sort order).
    IndexOrder,
    /// Fetch the matches, then sort: the key is wrapped in a no-op so no index offers its order.
    SortMatches,
    /// Several codes with many matches: each code's page walks its own index in sort order
    /// (where one has it, e.g. (canonical_code, report_year, kind, seq) for one year and kind),
    /// and the pages are merged.
    PerCode,
}

/// The distinct codes a filter is limited to, when it is several codes or a category (and not
/// both) without `latest_only` (whose picks span codes).
fn code_set(f: &IndicatorFilter) -> Option<Vec<String>> {
    let mut codes = match (&f.canonical_codes[..], &f.category_codes) {
        ([], Some(category)) => category.clone(),
        (codes, None) => codes.to_vec(),
        _ => return None,
    };
    codes.sort();
    codes.dedup();
    (codes.len() > 1 && !f.latest_only).then_some(codes)
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
fn window_total(rows: &[PgRow]) -> Result<i64> {
    Ok(match rows.first() {
        Some(row) => row.try_get("total")?,
        None => 0,
    })
}

/// An indicator row with its `PROVENANCE_COLUMNS`.
pub(super) fn sourced_indicator_from_row(row: &PgRow) -> Result<IndicatorRecord> {
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

/// Inserts a report's indicators in one statement, in the caller's transaction.
pub(super) async fn insert_all(
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
pub(super) async fn insert_name_years(tx: &mut PgConnection, reports: &[&ReportRecord]) -> Result<()> {
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

/// A report's indicators in document order.
pub(super) async fn of_report(conn: &mut PgConnection, report_id: Uuid) -> Result<Vec<IndicatorRecord>> {
    let sql = format!(
        "SELECT {INDICATOR_COLUMNS} FROM indicators i WHERE i.report_id = $1 ORDER BY i.ord"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(indicator_from_row).collect()
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

        let f = &query.filter;
        // When counting reads the same entries as the page (name filters: a probe per matching
        // name; latest_only picks among the rows), a first page does both in one pass, the
        // count a window over every match (exact) before the limit. Later pages count first,
        // since the keyset would cut the window.
        let one_pass = after.is_none()
            && (f.name_contains.is_some() || f.name_similar.is_some() || f.latest_only);
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
        // One code by period: (canonical_code, period_key, seq) has that order.
        let index_has_order = f.canonical_codes.len() == 1
            && !f.latest_only
            && query.order == IndicatorOrder::Period;
        let limit = i64::from(page_size) + 1;
        let codes = code_set(f);
        let access = match counted {
            Some(total) if total > SORT_MATCHES_UP_TO || index_has_order => PageAccess::IndexOrder,
            Some(total) if codes.as_ref().is_some_and(|c| total > c.len() as i64 * limit) => {
                PageAccess::PerCode
            }
            _ => PageAccess::SortMatches,
        };
        // Two steps in one statement: the page's keys (seq and sort key; index-only where an
        // index covers the filter and the key), then only the page's rows and provenance.
        let mut page = QueryBuilder::new(format!(
            "SELECT {INDICATOR_COLUMNS}, {PROVENANCE_COLUMNS}, k.sort_key, k.total FROM ("
        ));
        let keys = PageKeys { query, after: after.as_ref(), limit };
        match (access, codes) {
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

    /// Observations with a value for time series: one per (issuer, canonical code, kind,
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

    /// The catalog fingerprint the stored links were made with, if any.
    pub async fn catalog_fingerprint(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT fingerprint FROM catalog_state")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Every distinct indicator name as written (and names whose reports were deleted).
    pub async fn distinct_indicator_names(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT name FROM indicator_name_years")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Re-links in one transaction: refreshes the definitions, sets every indicator's
    /// canonical code from `(name, code)` pairs in one set-based UPDATE (names not in the
    /// pairs become unlinked), and records the fingerprint. Returns the rows changed.
    pub async fn apply_links(
        &self,
        definitions: &[DefinitionRow],
        names: Vec<String>,
        codes: Vec<Option<String>>,
        fingerprint: &str,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        // Serialize concurrent re-links (start-up of several replicas, the RPC).
        sqlx::query("LOCK TABLE catalog_state IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM indicator_definitions")
            .execute(&mut *tx)
            .await?;
        let d = definitions;
        sqlx::query(
            "INSERT INTO indicator_definitions (code, ord, name, unit, category, category_name, additive) \
             SELECT u.code, u.ord, u.name, u.unit, u.category, u.category_name, u.additive \
             FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[]) \
             AS u(code, ord, name, unit, category, category_name, additive)",
        )
        .bind(d.iter().map(|x| x.code.clone()).collect::<Vec<_>>())
        .bind((0..d.len() as i32).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.name.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.unit.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.category.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.category_name.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.additive).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query(
            "UPDATE indicators i SET canonical_code = u.code \
             FROM UNNEST($1::text[], $2::text[]) AS u(name, code) \
             WHERE i.name COLLATE \"C\" = u.name AND i.canonical_code IS DISTINCT FROM u.code",
        )
        .bind(names)
        .bind(codes)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "INSERT INTO catalog_state (fingerprint) VALUES ($1) \
             ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, linked_at = now()",
        )
        .bind(fingerprint)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_names_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }

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
