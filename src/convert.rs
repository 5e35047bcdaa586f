//! The one place domain records meet proto messages.

use govreport_extract::{Approx, ChangeUnit, IndicatorKind, SectionKind};

use govreport_extract::catalog::Definition;

use crate::domain::{CheckRecord, IndicatorRecord, ReparseOutcome, ReportRecord, SectionRecord, Series};
use crate::store::indicators::DefinitionStats;
use crate::store::reports::ReportView;
use crate::proto::v1 as pb;

pub fn approx(a: Approx) -> pb::Approx {
    match a {
        Approx::Exact => pb::Approx::Exact,
        Approx::Over => pb::Approx::Over,
        Approx::Nearly => pb::Approx::Nearly,
        Approx::About => pb::Approx::About,
        Approx::Under => pb::Approx::Under,
    }
}

pub fn kind(k: IndicatorKind) -> pb::IndicatorKind {
    match k {
        IndicatorKind::Actual => pb::IndicatorKind::Actual,
        IndicatorKind::Target => pb::IndicatorKind::Target,
    }
}

/// The filter a proto kind asks for: `None` for UNSPECIFIED (every kind).
pub fn kind_filter(k: pb::IndicatorKind) -> Option<IndicatorKind> {
    match k {
        pb::IndicatorKind::Unspecified => None,
        pb::IndicatorKind::Actual => Some(IndicatorKind::Actual),
        pb::IndicatorKind::Target => Some(IndicatorKind::Target),
    }
}

fn change_unit(u: ChangeUnit) -> pb::ChangeUnit {
    match u {
        ChangeUnit::Percent => pb::ChangeUnit::Percent,
        ChangeUnit::Points => pb::ChangeUnit::Points,
    }
}

fn section_kind(k: SectionKind) -> pb::SectionKind {
    match k {
        SectionKind::Review => pb::SectionKind::Review,
        SectionKind::Problems => pb::SectionKind::Problems,
        SectionKind::Plan => pb::SectionKind::Plan,
        SectionKind::Other => pb::SectionKind::Other,
    }
}

fn span((start, end): (u32, u32)) -> Option<pb::Span> {
    Some(pb::Span { start, end })
}

pub fn section(s: &SectionRecord) -> pb::Section {
    pb::Section {
        title: s.title.clone(),
        marker: s.marker.clone(),
        level: u32::from(s.level),
        kind: section_kind(s.kind) as i32,
        span: span(s.span),
    }
}

/// `report_id` is the stored report's id when the record has no `report` of its own.
pub fn indicator(i: &IndicatorRecord, report_id: Option<uuid::Uuid>) -> pb::Indicator {
    let report_id = i.report.as_ref().map(|r| r.id).or(report_id);
    pb::Indicator {
        id: i.id.map(|id| id.to_string()).unwrap_or_default(),
        name: i.name.clone(),
        value: i.value,
        unit: i.unit.clone(),
        value_text: i.value_text.clone(),
        approx: approx(i.approx) as i32,
        period: Some(pb::Period {
            year: i.period_year,
            from_month: u32::from(i.from_month),
            to_month: u32::from(i.to_month),
        }),
        kind: kind(i.kind) as i32,
        change: i.change.as_ref().map(|c| pb::Change {
            pct: c.pct,
            approx: approx(c.approx) as i32,
            unit: change_unit(c.unit) as i32,
        }),
        rank: i.rank.as_ref().map(|r| pb::Rank {
            position: r.position,
            scope: r.scope.clone(),
        }),
        completion_pct: i.completion_pct,
        completion_approx: approx(i.completion_approx) as i32,
        span: span(i.span),
        sentence: i.sentence.clone(),
        section_path: i.section_path.clone(),
        rule: i.rule.clone(),
        report_id: report_id.map(|id| id.to_string()).unwrap_or_default(),
        report: i.report.as_ref().map(|r| pb::ReportRef {
            id: r.id.to_string(),
            title: r.title.clone(),
            issuer: r.issuer.clone(),
            report_year: r.report_year,
            published: date(r.published),
            parser_version: r.parser_version.clone(),
        }),
        canonical_code: i.canonical.as_ref().map(|c| c.code.clone()).unwrap_or_default(),
        canonical_name: i.canonical.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        category: i.canonical.as_ref().map(|c| c.category.clone()).unwrap_or_default(),
        failed_check: i.failed_check,
        ingested_at: i.ingested_at.map(time).unwrap_or_default(),
    }
}

/// RFC 3339 with microseconds, in UTC (`Z`): every time the API returns.
fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

pub fn series(s: &Series) -> pb::IndicatorSeries {
    pb::IndicatorSeries {
        issuer: s.issuer.clone(),
        canonical_code: s.canonical.code.clone(),
        canonical_name: s.canonical.name.clone(),
        unit: s.unit.clone(),
        kind: kind(s.kind) as i32,
        points: s
            .points
            .iter()
            .map(|p| {
                let ind = indicator(p, None);
                pb::SeriesPoint {
                    period: ind.period,
                    value: p.value.unwrap_or_default(),
                    indicator: Some(ind),
                }
            })
            .collect(),
    }
}

pub fn cross_section_entry(rank: u32, i: &IndicatorRecord) -> pb::CrossSectionEntry {
    pb::CrossSectionEntry {
        rank,
        issuer: i.report.as_ref().map(|r| r.issuer.clone()).unwrap_or_default(),
        value: i.value.unwrap_or_default(),
        indicator: Some(indicator(i, None)),
    }
}

pub fn definition(
    d: &Definition,
    category_name: &str,
    stats: &DefinitionStats,
) -> pb::IndicatorDefinition {
    pb::IndicatorDefinition {
        code: d.code.clone(),
        name: d.name.clone(),
        aliases: d.aliases.clone(),
        unit: d.unit.clone(),
        category: d.category.clone(),
        category_name: category_name.to_owned(),
        additive: d.additive,
        description: d.description.clone().unwrap_or_default(),
        observations: stats.observations,
        issuers: stats.issuers,
        years: stats.years,
    }
}

pub fn report(r: &ReportRecord) -> pb::Report {
    pb::Report {
        id: r.id.map(|id| id.to_string()).unwrap_or_default(),
        title: r.title.clone(),
        issuer: r.issuer.clone(),
        index_no: r.index_no.clone(),
        published: date(r.published),
        report_year: r.report_year,
        source_uri: r.source_uri.clone(),
        sha256: r.sha256.clone(),
        parser_version: r.parser_version.clone(),
        sections: r.sections.iter().map(section).collect(),
        indicators: r.indicators.iter().map(|i| indicator(i, r.id)).collect(),
        create_time: r.create_time.map(time).unwrap_or_default(),
        indicator_count: r.indicator_count,
        text_length: r.text_length,
        content_type: r.content_type.clone(),
        source_kept: r.source_kept,
        // Only a full read (GetReport, view FULL) returns the text: see `full_report`.
        text: String::new(),
        checks: r.checks.iter().map(|c| check(c, &r.indicators)).collect(),
    }
}

/// `indicators` are the report's, to name the checked ones by id (when stored).
pub fn check(c: &CheckRecord, indicators: &[IndicatorRecord]) -> pb::Check {
    let id = |&ord: &u32| indicators.get(ord as usize).and_then(|i| i.id);
    pb::Check {
        kind: c.kind.clone(),
        indicators: c.indicators.clone(),
        indicator_ids: c.indicators.iter().filter_map(id).map(|id| id.to_string()).collect(),
        spans: c.spans.iter().filter_map(|&s| span(s)).collect(),
        unit: c.unit.clone(),
        expected: c.expected,
        stated: c.stated,
        tolerance: c.tolerance,
        pass: c.pass,
        previous_report_id: c.previous.as_ref().map(|p| p.report_id.to_string()).unwrap_or_default(),
        previous_indicator_id: c.previous.as_ref().map(|p| p.indicator_id.to_string()).unwrap_or_default(),
        previous_value: c.previous.as_ref().map(|p| p.value),
    }
}

/// The report with its text, when the record carries it (view FULL).
pub fn full_report(mut r: ReportRecord) -> pb::Report {
    let text = r.text.take().unwrap_or_default();
    pb::Report { text, ..report(&r) }
}

/// The report as `view` shows it (AIP-157): BASIC without sections, indicators, checks and
/// text; STANDARD without the text; FULL all of it (the text when the record carries it).
pub fn report_as(mut r: ReportRecord, view: ReportView) -> pb::Report {
    if view != ReportView::Full {
        r.text = None;
    }
    if view == ReportView::Basic {
        r.sections = Vec::new();
        r.indicators = Vec::new();
        r.checks = Vec::new();
    }
    full_report(r)
}

/// A report not stored yet, converted, as it reads once stored: the ids and times the store
/// gives it, as placeholders of their length (every UUID and time the API writes has one
/// length), so that its encoded size is the stored answer's.
pub fn as_stored(mut r: pb::Report) -> pb::Report {
    let id = uuid::Uuid::nil().to_string();
    let now = time(chrono::Utc::now());
    r.id = id.clone();
    r.create_time = now.clone();
    r.source_kept = true;
    let count = r.indicators.len();
    for i in &mut r.indicators {
        i.id = id.clone();
        i.report_id = id.clone();
        i.ingested_at = now.clone();
    }
    for c in &mut r.checks {
        let named = c.indicators.iter().filter(|&&ord| (ord as usize) < count);
        c.indicator_ids = named.map(|_| id.clone()).collect();
    }
    r
}

pub fn reparse_outcome(o: &ReparseOutcome) -> pb::ReparseReportsResponse {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    pb::ReparseReportsResponse {
        parser_version: govreport_extract::PARSER_VERSION.to_owned(),
        reports_done: count(o.done),
        reports_skipped: count(o.skipped),
        indicators_added: count(o.indicators.added),
        indicators_removed: count(o.indicators.removed),
        indicators_changed: count(o.indicators.changed),
        reports_remaining: o.remaining,
        next_page_token: o.next_page_token.clone(),
    }
}
