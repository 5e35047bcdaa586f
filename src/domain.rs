//! The service's domain: what a stored report and indicator are, reading a report with
//! the engine, and the operations the RPCs call. No proto types here.

use chrono::{DateTime, NaiveDate, Utc};
use govreport_extract::{self as extract, Approx, ChangeUnit, IndicatorKind, SectionKind};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::indicators::{IndicatorFilter, IndicatorPage};
use crate::store::reports::{InsertOutcome, ReportFilter, ReportPage};
use crate::store::Store;

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
    pub sections: Vec<SectionRecord>,
    pub indicators: Vec<IndicatorRecord>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRef {
    pub id: Uuid,
    pub title: String,
    pub issuer: String,
    pub report_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
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
    /// Set on indicators read back by a query.
    pub report: Option<ReportRef>,
}

/// Where a ParseReport's text comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Text(String),
    Bytes {
        content: Vec<u8>,
        content_type: Option<String>,
    },
}

/// Turns raw input into the text every span points into.
pub fn decode(source: Source) -> Result<String> {
    let (text, field) = match source {
        Source::Text(text) => (text, "text"),
        Source::Bytes {
            content,
            content_type,
        } => {
            let text = extract::decode(&content, content_type.as_deref()).map_err(|e| match e {
                extract::DecodeError::UnsupportedCharset(_) => {
                    Error::invalid("content_type", e.to_string())
                }
                extract::DecodeError::NotText(_) => Error::invalid("content", e.to_string()),
            })?;
            (text, "content")
        }
    };
    if text.trim().is_empty() {
        return Err(Error::invalid(
            field,
            "the report is empty (nothing but white space)",
        ));
    }
    Ok(text)
}

/// Reads a report with the engine; pure, nothing is stored.
pub fn read_report(text: &str, source_uri: &str, hints: &extract::Hints) -> ReportRecord {
    let report = extract::parse(text, hints);
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let span = |s: extract::Span| (to_u32(s.start), to_u32(s.end));
    let indicators: Vec<IndicatorRecord> = report
        .indicators
        .iter()
        .map(|i| IndicatorRecord {
            id: None,
            name: i.name.clone(),
            value: i.value,
            unit: i.unit.clone(),
            value_text: i.value_text.clone(),
            approx: i.approx,
            period_year: i.period.year,
            from_month: i.period.from_month,
            to_month: i.period.to_month,
            kind: i.kind,
            change: i.change.map(|c| ChangeRecord {
                pct: c.pct,
                approx: c.approx,
                unit: c.unit,
            }),
            rank: i.rank.as_ref().map(|r| RankRecord {
                position: r.position,
                scope: r.scope.clone(),
            }),
            completion_pct: i.completion_pct,
            completion_approx: i.completion_approx,
            span: span(i.span),
            sentence: i.sentence.clone(),
            section_path: i.section_path.clone(),
            rule: i.rule.clone(),
            report: None,
        })
        .collect();
    // Hints win over what the parser inferred, whatever the engine did with them.
    let issuer = hints.issuer.clone().unwrap_or(report.issuer);
    let report_year = hints.report_year.or(report.report_year);
    ReportRecord {
        id: None,
        title: report.title,
        issuer,
        index_no: report.index_no,
        published: report
            .published
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        report_year,
        source_uri: source_uri.to_owned(),
        sha256: hex_sha256(text),
        parser_version: extract::PARSER_VERSION.to_owned(),
        create_time: None,
        text_length: to_u32(text.chars().count()),
        indicator_count: to_u32(indicators.len()),
        sections: report
            .sections
            .iter()
            .map(|s| SectionRecord {
                title: s.title.clone(),
                marker: s.marker.clone(),
                level: s.level,
                kind: s.kind,
                span: span(s.span),
            })
            .collect(),
        indicators,
    }
}

pub fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A ParseReport call, validated.
#[derive(Debug, Clone)]
pub struct ParseCommand {
    pub source: Source,
    pub source_uri: String,
    pub hints: extract::Hints,
    pub dry_run: bool,
}

/// The operations behind the RPCs.
#[derive(Clone)]
pub struct Reports {
    store: Store,
}

impl Reports {
    pub fn new(store: Store) -> Self {
        Reports { store }
    }

    /// Parses and, unless a dry run, stores the report. Returns the report and whether
    /// this call stored it. A text (sha256) already stored from the same source_uri is
    /// returned as stored, hints and all, without parsing again.
    pub async fn parse(&self, cmd: ParseCommand) -> Result<(ReportRecord, bool)> {
        let text = decode(cmd.source)?;
        if !cmd.dry_run {
            if let Some(id) = self
                .store
                .find_report(&hex_sha256(&text), &cmd.source_uri)
                .await?
            {
                return Ok((self.get(id).await?, false));
            }
        }
        let record = tokio::task::spawn_blocking({
            let (uri, hints) = (cmd.source_uri.clone(), cmd.hints.clone());
            move || read_report(&text, &uri, &hints)
        })
        .await
        .map_err(|e| Error::Internal(format!("parser failed: {e}")))?;
        if cmd.dry_run {
            return Ok((record, false));
        }
        match self.store.insert_report(&record).await? {
            InsertOutcome::Created(id) => Ok((self.get(id).await?, true)),
            InsertOutcome::Existing(id) => Ok((self.get(id).await?, false)),
        }
    }

    pub async fn get(&self, id: Uuid) -> Result<ReportRecord> {
        self.store
            .get_report(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("report {id}")))
    }

    pub async fn list(
        &self,
        filter: ReportFilter,
        page_size: u32,
        page_token: &str,
    ) -> Result<ReportPage> {
        self.store
            .list_reports(&filter, page_size, page_token)
            .await
    }

    /// Deletes a report with its sections and indicators; returns how many indicators went.
    pub async fn delete(&self, id: Uuid) -> Result<u32> {
        self.store
            .delete_report(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("report {id}")))
    }

    pub async fn query_indicators(
        &self,
        filter: IndicatorFilter,
        page_size: u32,
        page_token: &str,
    ) -> Result<IndicatorPage> {
        self.store
            .query_indicators(&filter, page_size, page_token)
            .await
    }
}
