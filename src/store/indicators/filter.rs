//! The WHERE clause of QueryIndicators (and of series, cross-sections, exports): a new
//! filter is a field of `IndicatorFilter` plus one clause in `push_filters` (it then enters
//! the page-token fingerprint by itself).

use sqlx::{Postgres, QueryBuilder};

use super::IndicatorFilter;
use crate::store::codes;

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

pub(super) fn push_filters(qb: &mut QueryBuilder<Postgres>, f: &IndicatorFilter) {
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
pub(in crate::store) fn push_source(qb: &mut QueryBuilder<Postgres>, f: &IndicatorFilter) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_names_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
