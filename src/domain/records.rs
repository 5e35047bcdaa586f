//! The records the domain works on and the store keeps: a report, its sections, checks and
//! indicators, as plain data (no operations, no storage, no proto types). The store imports
//! these and nothing else of the domain.

use chrono::{DateTime, NaiveDate, Utc};
use govreport_extract::catalog::Catalog;
use govreport_extract::{Approx, ChangeUnit, IndicatorKind, SectionKind};
use uuid::Uuid;

/// A report as the service keeps it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportRecord {
    /// `None` until stored.
    pub id: Option<Uuid>,
    pub title: String,
    pub issuer: String,
    pub index_no: String,
    pub published: Option<NaiveDate>,
    pub report_year: Option<i32>,
    pub source_uri: String,
    /// Lower-case hex SHA-256 of the UTF-8 text.
    pub sha256: String,
    pub parser_version: String,
    pub create_time: Option<DateTime<Utc>>,
    /// Length of the text in code points.
    pub text_length: u32,
    pub indicator_count: u32,
    /// The media type the report came with, as the caller gave it (empty when none).
    pub content_type: String,
    /// The hints the caller gave (a re-parse reads the text with them again).
    pub hint_issuer: Option<String>,
    pub hint_report_year: Option<i32>,
    /// Whether the store keeps the text (reports stored before it did have none).
    pub source_kept: bool,
    /// The text every span points into: set by a parse (to store it) and by a full read.
    pub text: Option<String>,
    pub sections: Vec<SectionRecord>,
    pub indicators: Vec<IndicatorRecord>,
    /// The engine's consistency checks of the figures, stored with the report.
    pub checks: Vec<CheckRecord>,
}

/// One consistency check (`govreport_extract::checks::Check`) as the service keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckRecord {
    /// `CheckKind::as_str`.
    pub kind: String,
    /// Indices into `ReportRecord::indicators` (the indicators' `ord`).
    pub indicators: Vec<u32>,
    pub spans: Vec<(u32, u32)>,
    pub unit: String,
    pub expected: f64,
    pub stated: f64,
    /// `None` when the engine's tolerance is infinite (a figure bounded on one side only).
    pub tolerance: Option<f64>,
    pub pass: bool,
    /// A check across reports (`year_on_year::KIND`): the figure of the year before it was
    /// made against. Absent from the checks the engine makes, and from JSON stored before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousRef>,
}

/// The figure of another stored report a check was made against.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PreviousRef {
    pub report_id: Uuid,
    pub indicator_id: Uuid,
    /// In base units, the unit of the checked indicator.
    pub value: f64,
}

impl ReportRecord {
    /// Indices of the indicators that take part in a failing check, ascending.
    pub fn failed_check_ordinals(&self) -> Vec<u32> {
        let mut ords: Vec<u32> = self
            .checks
            .iter()
            .filter(|c| !c.pass)
            .flat_map(|c| c.indicators.iter().copied())
            .collect();
        ords.sort_unstable();
        ords.dedup();
        ords
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionRecord {
    pub title: String,
    pub marker: String,
    pub level: u8,
    pub kind: SectionKind,
    pub span: (u32, u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub pct: f64,
    pub approx: Approx,
    pub unit: ChangeUnit,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RankRecord {
    pub position: u32,
    pub scope: String,
}

/// The report an indicator belongs to, as QueryIndicators shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportRef {
    pub id: Uuid,
    pub title: String,
    pub issuer: String,
    pub report_year: Option<i32>,
    pub published: Option<NaiveDate>,
    pub parser_version: String,
}

/// The catalog entry an indicator links to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CanonicalRef {
    pub code: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndicatorRecord {
    /// `None` until stored.
    pub id: Option<Uuid>,
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    pub value_text: String,
    pub approx: Approx,
    pub period_year: Option<i32>,
    pub from_month: u8,
    pub to_month: u8,
    pub kind: IndicatorKind,
    pub change: Option<ChangeRecord>,
    pub rank: Option<RankRecord>,
    pub completion_pct: Option<f64>,
    pub completion_approx: Approx,
    /// Code point offsets into the text, end exclusive.
    pub span: (u32, u32),
    pub sentence: String,
    pub section_path: Vec<String>,
    pub rule: String,
    /// The catalog entry the name links to (kept as written in `name` either way).
    pub canonical: Option<CanonicalRef>,
    /// Set on indicators read back by a query.
    pub report: Option<ReportRef>,
    /// Whether it takes part in a failing check of its report (`ReportRecord::checks`).
    pub failed_check: bool,
    /// When its row was written; `None` until stored.
    pub ingested_at: Option<DateTime<Utc>>,
}

/// The catalog entry for a code of the embedded catalog.
pub fn canonical_ref(code: &str) -> Option<CanonicalRef> {
    Catalog::embedded().get(code).map(|d| CanonicalRef {
        code: d.code.clone(),
        name: d.name.clone(),
        category: d.category.clone(),
    })
}
