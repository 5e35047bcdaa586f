//! The service's domain: what a stored report and indicator are, reading a report with
//! the engine, and the operations the RPCs call. No proto types here.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::Semaphore;
use govreport_extract::catalog::{Catalog, Definition};
use govreport_extract::{self as extract, IndicatorKind};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{quoted, Error, Result};
use crate::metrics;
use crate::store::page_token::TokenKey;
use crate::store::Store;

mod bulk;
pub use bulk::{BatchLimit, ParseOutcome};
pub mod year_on_year;
mod reparse;
pub use reparse::{diff, IndicatorDiff, ReparseCommand, ReparseOutcome, ReparseScope};

pub mod queries;
pub mod records;
use queries::{
    DefinitionRow, DefinitionStats, IndicatorFilter, IndicatorPage, IndicatorQuery, InsertOutcome, ReportFilter,
    ReportPage, ReportView, RowSink,
};
pub use records::*;

/// Marks the indicators that take part in a failing check.
fn mark_failed_checks(indicators: &mut [IndicatorRecord], checks: &[CheckRecord]) {
    let failing = checks.iter().filter(|c| !c.pass).flat_map(|c| c.indicators.iter());
    for &ord in failing {
        if let Some(ind) = indicators.get_mut(ord as usize) {
            ind.failed_check = true;
        }
    }
}

/// Links each indicator's name to the embedded catalog (exact on normalized names).
pub fn link_indicators(indicators: &mut [IndicatorRecord]) {
    let catalog = Catalog::embedded();
    for ind in indicators {
        ind.canonical = catalog.link(&ind.name).and_then(|d| canonical_ref(&d.code));
    }
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

/// Longest issuer or indicator name stored: both are btree keys (a key of about 900 CJK
/// characters overflows PostgreSQL's 2704-byte index row), and no real name is near this.
pub const MAX_INDEXED_CHARS: usize = 64;

/// `s` cut to [`MAX_INDEXED_CHARS`], ending in `…` when cut.
pub fn cap_indexed(s: &str) -> String {
    if s.chars().nth(MAX_INDEXED_CHARS).is_none() {
        return s.to_owned();
    }
    let cut = s.char_indices().nth(MAX_INDEXED_CHARS - 1).map_or(s.len(), |(i, _)| i);
    format!("{}…", &s[..cut])
}

/// C0 control characters other than tab, line feed and carriage return become spaces:
/// PostgreSQL refuses NUL in any stored sentence or name, and a space keeps every code point
/// offset (spans) where it was in the text as received.
fn blank_controls(text: String) -> String {
    let is_stray = |c: char| c < ' ' && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(is_stray) {
        return text;
    }
    text.chars().map(|c| if is_stray(c) { ' ' } else { c }).collect()
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
                extract::DecodeError::UnsupportedCharset(charset) => Error::invalid(
                    "content_type",
                    format!("unsupported charset {}", quoted(&charset)),
                ),
                extract::DecodeError::NotText(_) => Error::invalid("content", e.to_string()),
            })?;
            (text, "content")
        }
    };
    let text = blank_controls(text);
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
    let checks: Vec<CheckRecord> = extract::checks::check(&report)
        .into_iter()
        .map(|c| CheckRecord {
            kind: c.kind.as_str().to_owned(),
            indicators: c.indicators.iter().map(|&i| to_u32(i)).collect(),
            spans: c.spans.iter().map(|&s| span(s)).collect(),
            unit: c.unit,
            expected: c.expected,
            stated: c.stated,
            tolerance: c.tolerance.is_finite().then_some(c.tolerance),
            pass: c.pass,
            previous: None,
        })
        .collect();
    let indicators: Vec<IndicatorRecord> = report
        .indicators
        .iter()
        .map(|i| IndicatorRecord {
            id: None,
            name: cap_indexed(&i.name),
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
            canonical: None,
            report: None,
            failed_check: false,
            ingested_at: None,
        })
        .collect();
    let mut indicators = indicators;
    link_indicators(&mut indicators);
    mark_failed_checks(&mut indicators, &checks);
    // Hints win over what the parser inferred, whatever the engine did with them.
    let issuer = cap_indexed(hints.issuer.as_deref().unwrap_or(&report.issuer));
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
        content_type: String::new(),
        hint_issuer: hints.issuer.clone(),
        hint_report_year: hints.report_year,
        source_kept: false,
        text: None,
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
        checks,
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
    /// The media type the caller gave (of `content`, or of `text`), kept with the report.
    pub content_type: String,
    pub source_uri: String,
    pub hints: extract::Hints,
    pub dry_run: bool,
    /// How much of the report the answer holds (a report stored before is read as much).
    pub view: ReportView,
    /// Whether the answer of the parsed report, once stored, can be sent: run before the
    /// write, so a report whose answer cannot is not stored.
    pub answer_check: Option<AnswerCheck>,
}

/// A check of a parse's answer, the service's (it knows the message limit; the domain no proto).
#[derive(Clone)]
pub struct AnswerCheck(pub Arc<dyn Fn(&ReportRecord) -> Result<()> + Send + Sync>);

impl std::fmt::Debug for AnswerCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnswerCheck")
    }
}

/// A parse before its write: answered already (a dry run, a report stored before), or to store.
enum Prepared {
    Done((ReportRecord, bool)),
    /// The parsed report, and how much of it the answer holds.
    Store(ReportRecord, ReportView),
}

/// How many parses run at once, and how long one waits for its turn before RESOURCE_EXHAUSTED.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimit {
    pub concurrent: usize,
    pub wait: Duration,
}

impl Default for ParseLimit {
    /// A parse keeps a core busy: more at once than cores only makes each slower.
    fn default() -> Self {
        ParseLimit {
            concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()),
            wait: Duration::from_secs(1),
        }
    }
}

/// Reads a report on the blocking pool, holding a parse slot; the record keeps the text.
async fn read_with(
    permit: tokio::sync::OwnedSemaphorePermit,
    text: String,
    source_uri: &str,
    hints: &extract::Hints,
) -> Result<ReportRecord> {
    let (uri, hints) = (source_uri.to_owned(), hints.clone());
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let started = std::time::Instant::now();
        let mut record = read_report(&text, &uri, &hints);
        metrics::report_parsed(started.elapsed(), text.len(), record.indicators.len());
        record.text = Some(text);
        record
    })
    .await
    .map_err(|e| Error::Internal(format!("parser failed: {e}")))
}

/// The operations behind the RPCs.
#[derive(Clone)]
pub struct Reports {
    store: Store,
    /// Signs the page tokens the store issues and checks those clients send back.
    token_key: TokenKey,
    /// One permit per parse that may run now.
    parses: Arc<Semaphore>,
    parse: ParseLimit,
    batch: BatchLimit,
}

impl Reports {
    /// With a page-token key of this process only, and the default parse limit.
    pub fn new(store: Store) -> Self {
        Self::with_limits(store, TokenKey::random(), ParseLimit::default())
    }

    pub fn with_limits(store: Store, token_key: TokenKey, parse: ParseLimit) -> Self {
        Reports {
            store,
            token_key,
            parses: Arc::new(Semaphore::new(parse.concurrent)),
            parse,
            batch: BatchLimit::default(),
        }
    }

    /// With ParseReports writing batches of this limit.
    pub fn with_batch(self, batch: BatchLimit) -> Self {
        Reports { batch, ..self }
    }

    /// Reads a report with the engine on the blocking pool, once a parse slot is free; a
    /// call that waits longer than the limit's `wait` gets RESOURCE_EXHAUSTED, unless `patient`
    /// (ParseReports, which keeps no more parses in flight than there are slots, and re-parses, which
    /// queue behind the callers' parses).
    async fn read_bounded(
        &self,
        text: String,
        source_uri: &str,
        hints: &extract::Hints,
        patient: bool,
    ) -> Result<ReportRecord> {
        let ParseLimit { concurrent, wait } = self.parse;
        let slot = self.parses.clone().acquire_owned();
        let permit = if patient {
            slot.await
        } else {
            tokio::time::timeout(wait, slot).await.map_err(|_| {
                metrics::parse_rejected();
                Error::ResourceExhausted(format!(
                    "the parser is busy ({concurrent} at once) and stayed so for {} ms: retry later",
                    wait.as_millis()
                ))
            })?
        }
        .expect("the semaphore is never closed");
        read_with(permit, text, source_uri, hints).await
    }

    /// Parses and, unless a dry run, stores the report. Returns the report and whether
    /// this call stored it. A text (sha256) already stored from the same source_uri is
    /// returned as stored, hints and all, without parsing again.
    pub async fn parse(&self, cmd: ParseCommand) -> Result<(ReportRecord, bool)> {
        match self.prepare(cmd, false).await? {
            Prepared::Done(done) => Ok(done),
            Prepared::Store(record, view) => {
                let outcome = self.store.insert_report(&record).await?;
                self.stored(outcome, record, view).await
            }
        }
    }

    /// Everything of a parse before its write: decode, the de-duplication look-up, the engine.
    async fn prepare(&self, cmd: ParseCommand, patient: bool) -> Result<Prepared> {
        let text = decode(cmd.source)?;
        if !cmd.dry_run {
            if let Some(id) = self
                .store
                .find_report(&hex_sha256(&text), &cmd.source_uri)
                .await?
            {
                return Ok(Prepared::Done((self.get(id, cmd.view).await?, false)));
            }
        }
        let mut record = self.read_bounded(text, &cmd.source_uri, &cmd.hints, patient).await?;
        record.content_type = cmd.content_type;
        if cmd.dry_run {
            // What storing it would give: the check against its year before too (the store
            // makes it in the write's transaction for a report it stores).
            self.store.check_year_on_year(&mut record).await?;
            return Ok(Prepared::Done((record, false)));
        }
        if let Some(AnswerCheck(check)) = &cmd.answer_check {
            check(&record)?;
        }
        Ok(Prepared::Store(record, cmd.view))
    }

    /// The answer for `record`'s write: the stored report, as much as `view` asks, and
    /// whether this call stored it.
    async fn stored(
        &self,
        outcome: InsertOutcome,
        record: ReportRecord,
        view: ReportView,
    ) -> Result<(ReportRecord, bool)> {
        match outcome {
            InsertOutcome::Created(mut stored) => {
                if view == ReportView::Full {
                    stored.text = record.text;
                }
                Ok((*stored, true))
            }
            InsertOutcome::Existing(id) => Ok((self.get(id, view).await?, false)),
        }
    }

    /// A stored report, as much of it as `view` asks.
    pub async fn get(&self, id: Uuid, view: ReportView) -> Result<ReportRecord> {
        self.store
            .get_report(id, view)
            .await?
            .ok_or_else(|| Error::NotFound(format!("report {id}")))
    }

    pub async fn list(
        &self,
        filter: ReportFilter,
        page_size: u32,
        page_token: &str,
    ) -> Result<ReportPage> {
        let token = self.token_key.open(page_token)?;
        let mut page = self.store.list_reports(&filter, page_size, token).await?;
        page.next_page_token = self.token_key.seal(page.next_page_token);
        Ok(page)
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
        query: IndicatorQuery,
        page_size: u32,
        page_token: &str,
    ) -> Result<IndicatorPage> {
        let token = self.token_key.open(page_token)?;
        let mut page = self.store.query_indicators(&query, page_size, token).await?;
        page.next_page_token = self.token_key.seal(page.next_page_token);
        Ok(page)
    }

    /// Every indicator matching `filter`, in storage order, one at a time into `sink`.
    pub async fn export<S: RowSink + Send>(&self, filter: &IndicatorFilter, sink: &mut S) -> Result<u64> {
        self.store.export_indicators(filter, sink).await
    }

    /// Time series per (issuer, canonical indicator, kind), points in period order.
    /// `truncated` when more than `max_points` points matched.
    pub async fn series(&self, filter: IndicatorFilter, max_points: u32) -> Result<SeriesSet> {
        let mut points = self.store.series_points(&filter, max_points + 1).await?;
        let truncated = points.len() > max_points as usize;
        points.truncate(max_points as usize);
        let mut series: Vec<Series> = Vec::new();
        for p in points {
            let issuer = p.report.as_ref().map(|r| r.issuer.clone()).unwrap_or_default();
            let code = p.canonical.as_ref().map(|c| c.code.clone()).unwrap_or_default();
            match series.last_mut() {
                Some(s) if s.issuer == issuer && s.canonical.code == code && s.kind == p.kind => {
                    s.points.push(p)
                }
                _ => series.push(Series {
                    issuer,
                    canonical: p.canonical.clone().unwrap_or_else(|| CanonicalRef {
                        code,
                        name: String::new(),
                        category: String::new(),
                    }),
                    unit: p.unit.clone(),
                    kind: p.kind,
                    points: vec![p],
                }),
            }
        }
        Ok(SeriesSet { series, truncated })
    }

    /// One indicator across issuers: the latest observation per issuer, largest value first,
    /// with competition ranks (equal values share a rank).
    pub async fn compare(&self, filter: IndicatorFilter, limit: u32) -> Result<CrossSection> {
        let (rows, total_issuers) = self.store.cross_section(&filter, limit).await?;
        let mut entries: Vec<(u32, IndicatorRecord)> = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            let rank = match entries.last() {
                Some((r, prev)) if prev.value == row.value => *r,
                _ => i as u32 + 1,
            };
            entries.push((rank, row));
        }
        Ok(CrossSection {
            entries,
            total_issuers,
        })
    }

    /// The embedded catalog with, per definition, how much data is stored for it.
    pub async fn definitions(&self) -> Result<Vec<(Definition, String, DefinitionStats)>> {
        let stats = self.store.definition_stats().await?;
        let catalog = Catalog::embedded();
        Ok(catalog
            .definitions()
            .iter()
            .map(|d| {
                let category = catalog
                    .category(&d.category)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (
                    d.clone(),
                    category,
                    stats.get(&d.code).cloned().unwrap_or_default(),
                )
            })
            .collect())
    }

    /// Re-links every stored indicator name to the embedded catalog (no re-parse): the
    /// catalog computes the link of each distinct name, one UPDATE applies them.
    pub async fn relink(&self) -> Result<RelinkOutcome> {
        let catalog = Catalog::embedded();
        let names = self.store.distinct_indicator_names().await?;
        let codes: Vec<Option<String>> = names
            .iter()
            .map(|n| catalog.link(n).map(|d| d.code.clone()))
            .collect();
        let linked_names = codes.iter().filter(|c| c.is_some()).count();
        let definitions: Vec<DefinitionRow> = catalog
            .definitions()
            .iter()
            .map(|d| DefinitionRow {
                code: d.code.clone(),
                name: d.name.clone(),
                unit: d.unit.clone(),
                category: d.category.clone(),
                category_name: catalog
                    .category(&d.category)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                additive: d.additive,
            })
            .collect();
        let distinct_names = names.len();
        let changed = self
            .store
            .apply_links(&definitions, names, codes, catalog.fingerprint())
            .await?;
        Ok(RelinkOutcome {
            fingerprint: catalog.fingerprint().to_owned(),
            distinct_names,
            linked_names,
            changed_indicators: changed,
        })
    }

    /// Re-links only when the stored fingerprint differs from the embedded catalog's.
    pub async fn relink_if_changed(&self) -> Result<Option<RelinkOutcome>> {
        let stored = self.store.catalog_fingerprint().await?;
        if stored.as_deref() == Some(Catalog::embedded().fingerprint()) {
            return Ok(None);
        }
        self.relink().await.map(Some)
    }
}

/// What a re-link did.
#[derive(Debug, Clone)]
pub struct RelinkOutcome {
    pub fingerprint: String,
    pub distinct_names: usize,
    pub linked_names: usize,
    pub changed_indicators: u64,
}

/// The points of one issuer's canonical indicator of one kind.
#[derive(Debug, Clone)]
pub struct Series {
    pub issuer: String,
    pub canonical: CanonicalRef,
    pub unit: String,
    pub kind: IndicatorKind,
    pub points: Vec<IndicatorRecord>,
}

pub struct SeriesSet {
    pub series: Vec<Series>,
    pub truncated: bool,
}

pub struct CrossSection {
    /// (rank, observation), largest value first.
    pub entries: Vec<(u32, IndicatorRecord)>,
    pub total_issuers: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_text_is_cut_to_the_limit_with_an_ellipsis() {
        let exact = "产".repeat(MAX_INDEXED_CHARS);
        assert_eq!(cap_indexed(&exact), exact);
        let cut = cap_indexed(&"产".repeat(900));
        assert_eq!(cut.chars().count(), MAX_INDEXED_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn stray_controls_become_spaces_and_keep_offsets() {
        let text = decode(Source::Text("产值\u{0}48亿元\u{7}\t\r\n".into())).unwrap();
        assert_eq!(text, "产值 48亿元 \t\r\n");
    }
}
