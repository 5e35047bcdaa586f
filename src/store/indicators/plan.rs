//! How a page query reaches its rows: the access path, chosen from the count and the filter.

use super::IndicatorFilter;

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
