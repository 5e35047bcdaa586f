//! How a page query reaches its rows: the access path, a pure choice from the query, the
//! count and the page's limit (no SQL here; `page.rs` writes the statement it names).

use super::{IndicatorFilter, IndicatorOrder, IndicatorQuery};
use crate::store::Backend;

/// Up to this many matching rows, a page is read by fetching the matches through the filter
/// indexes and sorting them (top-N); beyond, by walking an index in sort order. Left to
/// itself the planner often walks the sort-order index for a selective filter and reads
/// hundreds of thousands of rows before it has a page.
pub(super) const SORT_MATCHES_UP_TO: i64 = 50_000;

/// How a page query reaches its rows (see `SORT_MATCHES_UP_TO`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PageAccess {
    /// Leave the plan to PostgreSQL (many matches: it walks an index in sort order).
    IndexOrder,
    /// Fetch the matches, then sort: the key is wrapped in a no-op so no index offers its order.
    SortMatches,
    /// Several codes with many matches: each code's page walks its own index in sort order
    /// (where one has it, e.g. (canonical_code, report_year, kind, seq) for one year and kind),
    /// and the pages are merged.
    PerCode,
}

/// Whether a page is counted in its own statement (a window over every match, exact, before
/// the limit) instead of by a count first: when counting reads the same entries as the page
/// (name filters: a probe per matching name; latest_only picks among the rows), on a first
/// page only, since a later page's keyset would cut the window.
pub(super) fn counts_in_one_pass(f: &IndicatorFilter, first_page: bool) -> bool {
    first_page && (f.name_contains.is_some() || f.name_similar.is_some() || f.latest_only)
}

/// The access path of a page of `limit` rows, given the matches counted first (`None`: the
/// page counts in one pass, see `counts_in_one_pass`).
pub(super) fn access_path(query: &IndicatorQuery, counted: Option<i64>, limit: i64) -> PageAccess {
    let f = &query.filter;
    // One code by period: (canonical_code, period_key, seq) has that order.
    let index_has_order =
        f.canonical_codes.len() == 1 && !f.latest_only && query.order == IndicatorOrder::Period;
    let codes = code_set(f);
    match counted {
        Some(total) if total > SORT_MATCHES_UP_TO || index_has_order => PageAccess::IndexOrder,
        Some(total) if codes.is_some_and(|c| total > c.len() as i64 * limit) => PageAccess::PerCode,
        _ => PageAccess::SortMatches,
    }
}

/// The access path on `backend`: the one place where a query is written differently on Citus.
/// Citus cannot run `PerCode`'s lateral subquery with a LIMIT over a list of codes (a table
/// function); it sorts the matches instead, which it does well: each shard sorts its own
/// matches and returns its first page (the LIMIT is pushed down), the coordinator merges them.
pub(super) fn access_path_on(backend: Backend, query: &IndicatorQuery, counted: Option<i64>, limit: i64) -> PageAccess {
    match (backend, access_path(query, counted, limit)) {
        (Backend::Citus, PageAccess::PerCode) => PageAccess::SortMatches,
        (_, access) => access,
    }
}

/// The distinct codes a filter is limited to, when it is several codes or a category (and not
/// both) without `latest_only` (whose picks span codes).
pub(super) fn code_set(f: &IndicatorFilter) -> Option<Vec<String>> {
    let mut codes = match (&f.canonical_codes[..], &f.category_codes) {
        ([], Some(category)) => category.clone(),
        (codes, None) => codes.to_vec(),
        _ => return None,
    };
    codes.sort();
    codes.dedup();
    (codes.len() > 1 && !f.latest_only).then_some(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: i64 = 51;

    fn codes(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn query(filter: IndicatorFilter, order: IndicatorOrder) -> IndicatorQuery {
        IndicatorQuery { filter, order, descending: false }
    }

    fn issuer() -> IndicatorFilter {
        IndicatorFilter { issuers: codes(&["白江镇"]), ..Default::default() }
    }

    #[test]
    fn few_matches_are_fetched_and_sorted_many_walk_the_sort_index() {
        let q = query(issuer(), IndicatorOrder::Storage);
        assert_eq!(access_path(&q, Some(500), LIMIT), PageAccess::SortMatches);
        assert_eq!(access_path(&q, Some(SORT_MATCHES_UP_TO), LIMIT), PageAccess::SortMatches);
        assert_eq!(access_path(&q, Some(SORT_MATCHES_UP_TO + 1), LIMIT), PageAccess::IndexOrder);
    }

    #[test]
    fn a_page_counted_in_one_pass_sorts_its_matches() {
        let q = query(IndicatorFilter { latest_only: true, ..issuer() }, IndicatorOrder::Storage);
        assert_eq!(access_path(&q, None, LIMIT), PageAccess::SortMatches);
    }

    #[test]
    fn one_code_by_period_walks_its_period_index_however_few_match() {
        let one = IndicatorFilter { canonical_codes: codes(&["gdp"]), ..Default::default() };
        let by_period = query(one.clone(), IndicatorOrder::Period);
        assert_eq!(access_path(&by_period, Some(3), LIMIT), PageAccess::IndexOrder);
        let by_value = query(one.clone(), IndicatorOrder::Value);
        assert_eq!(access_path(&by_value, Some(3), LIMIT), PageAccess::SortMatches);
        let latest = query(IndicatorFilter { latest_only: true, ..one }, IndicatorOrder::Period);
        assert_eq!(access_path(&latest, Some(3), LIMIT), PageAccess::SortMatches);
    }

    #[test]
    fn several_codes_take_a_page_each_beyond_a_page_per_code_of_matches() {
        let f = IndicatorFilter { canonical_codes: codes(&["a", "b", "a"]), ..Default::default() };
        let q = query(f, IndicatorOrder::Storage);
        // Two distinct codes: more than two pages of matches.
        assert_eq!(access_path(&q, Some(2 * LIMIT), LIMIT), PageAccess::SortMatches);
        assert_eq!(access_path(&q, Some(2 * LIMIT + 1), LIMIT), PageAccess::PerCode);
        assert_eq!(access_path(&q, Some(SORT_MATCHES_UP_TO + 1), LIMIT), PageAccess::IndexOrder);
    }

    #[test]
    fn citus_sorts_the_matches_of_several_codes_instead_of_a_page_per_code() {
        let f = IndicatorFilter { canonical_codes: codes(&["a", "b"]), ..Default::default() };
        let q = query(f, IndicatorOrder::Storage);
        assert_eq!(access_path_on(Backend::Postgres, &q, Some(1_000), LIMIT), PageAccess::PerCode);
        assert_eq!(access_path_on(Backend::Citus, &q, Some(1_000), LIMIT), PageAccess::SortMatches);
        let many = Some(SORT_MATCHES_UP_TO + 1);
        assert_eq!(access_path_on(Backend::Citus, &q, many, LIMIT), PageAccess::IndexOrder);
    }

    #[test]
    fn a_category_is_its_codes_but_not_with_codes_asked_too_nor_latest_only() {
        let category = IndicatorFilter { category_codes: Some(codes(&["a", "b", "c"])), ..Default::default() };
        assert_eq!(code_set(&category), Some(codes(&["a", "b", "c"])));
        let q = query(category.clone(), IndicatorOrder::Value);
        assert_eq!(access_path(&q, Some(1_000), LIMIT), PageAccess::PerCode);
        let both = IndicatorFilter { canonical_codes: codes(&["a", "d"]), ..category.clone() };
        assert_eq!(code_set(&both), None);
        assert_eq!(access_path(&query(both, IndicatorOrder::Value), Some(1_000), LIMIT), PageAccess::SortMatches);
        let latest = IndicatorFilter { latest_only: true, ..category };
        assert_eq!(code_set(&latest), None);
        let one = IndicatorFilter { canonical_codes: codes(&["a", "a"]), ..Default::default() };
        assert_eq!(code_set(&one), None);
    }

    #[test]
    fn first_pages_of_name_searches_and_latest_only_count_in_one_pass() {
        let name = IndicatorFilter { name_contains: Some("产值".into()), ..Default::default() };
        let similar = IndicatorFilter { name_similar: Some("产值".into()), ..Default::default() };
        let latest = IndicatorFilter { latest_only: true, ..Default::default() };
        for f in [&name, &similar, &latest] {
            assert!(counts_in_one_pass(f, true), "{f:?}");
            assert!(!counts_in_one_pass(f, false), "{f:?}");
        }
        assert!(!counts_in_one_pass(&issuer(), true));
    }
}
