//! What the domain's operations ask of the store and get back from it: queries, filters,
//! pages, outcomes, as plain data. The store implements them (`crate::store`) and re-exports
//! them where they were; this module imports nothing of the store.

use std::future::Future;

use chrono::{DateTime, Utc};
use govreport_extract::IndicatorKind;
use serde::Serialize;
use uuid::Uuid;

use super::records::{IndicatorRecord, ReportRecord};
use crate::error::Result;

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
    #[serde(serialize_with = "serialize_time")]
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

pub enum InsertOutcome {
    /// Stored by this call, as written (ids and creation time included), made before the
    /// commit: once committed, nothing can fail.
    Created(Box<ReportRecord>),
    /// The same text from the same source was already stored under this id.
    Existing(Uuid),
}

/// How much of a report a read returns (the API's views, AIP-157).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportView {
    /// Metadata and counts: no sections, indicators, checks or text.
    Basic,
    /// Metadata, sections, indicators and checks.
    #[default]
    Standard,
    /// Also the text (when kept), which can be megabytes.
    Full,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportFilter {
    pub issuer: Option<String>,
    pub report_year: Option<i32>,
}

pub struct ReportPage {
    /// Without sections and indicators.
    pub reports: Vec<ReportRecord>,
    pub next_page_token: String,
    pub total_size: i64,
}

/// Which stored reports a re-parse reads; empty / `None` matches everything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReparseFilter {
    pub report_ids: Vec<Uuid>,
    /// Exact issuer.
    pub issuer: Option<String>,
    /// Inclusive bounds of the report's year.
    pub report_year_from: Option<i32>,
    pub report_year_to: Option<i32>,
    /// Only reports whose parser version differs from this one.
    pub parser_version_not: Option<String>,
}

/// A report a re-parse visits (one with a kept text).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: Uuid,
    pub seq: i64,
}

/// What a report is re-read from: its text, source and the caller's hints.
#[derive(Debug, Clone)]
pub struct KeptSource {
    pub text: String,
    pub source_uri: String,
    pub hint_issuer: Option<String>,
    pub hint_report_year: Option<i32>,
}

/// An exported row: the indicator with its report, and when the row was written.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub indicator: IndicatorRecord,
    pub ingested_at: DateTime<Utc>,
}

/// Where exported rows go, one at a time; `false` stops the export (the caller went away).
pub trait RowSink {
    fn row(&mut self, row: ExportRow) -> impl Future<Output = Result<bool>> + Send;
}

/// `updated_after` in the page-token fingerprint (RFC 3339, microseconds).
pub fn serialize_time<S: serde::Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        None => s.serialize_none(),
    }
}
