//! Indicators: bulk insert (UNNEST inside the report's transaction), the one query builder
//! behind QueryIndicators (filters, the access path, keyset pages), series, cross-sections,
//! catalog statistics and re-linking, one file per job:
//! `filter.rs` (the WHERE clause), `plan.rs` (the access path, a pure choice), `page.rs`
//! (orderings, sort keys, the page statement), `rows.rs` (columns read, rows decoded),
//! `insert.rs` (rows written), `analytics.rs` (series, cross-sections, statistics),
//! `links.rs` (re-linking).

mod analytics;
mod columns;
mod filter;
mod insert;
mod links;
mod page;
mod plan;
mod rows;

pub use crate::domain::queries::{
    DefinitionRow, DefinitionStats, IndicatorFilter, IndicatorOrder, IndicatorPage, IndicatorQuery,
};

pub(super) use filter::push_source;
pub(super) use insert::{insert_all, insert_name_years};
pub(super) use rows::{of_report, sourced_indicator_from_row, INDICATOR_COLUMNS, PROVENANCE_COLUMNS};
