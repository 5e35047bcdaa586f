//! ReparseReports: the current engine re-reads kept texts, each report replaced in its own
//! transaction under the same id, in storage order and in batches, so a stopped run
//! started again continues (the reports it did have the current parser version).

use std::collections::BTreeMap;

use govreport_extract as extract;
use uuid::Uuid;

use super::{IndicatorRecord, Reports};
use crate::deadline;
use crate::error::{Error, Result};
use crate::store::page_token;
use super::queries::{ReparseFilter, ReportView};

/// Which reports to re-read; with none of the filters, those of another parser version.
#[derive(Debug, Clone, Default)]
pub struct ReparseScope {
    pub report_ids: Vec<Uuid>,
    pub issuer: Option<String>,
    pub report_year_from: Option<i32>,
    pub report_year_to: Option<i32>,
}

impl ReparseScope {
    fn is_empty(&self) -> bool {
        self.report_ids.is_empty()
            && self.issuer.is_none()
            && self.report_year_from.is_none()
            && self.report_year_to.is_none()
    }

    /// A filter matches its reports whatever their version; no filter, the stale ones.
    fn filter(self) -> ReparseFilter {
        let stale = self.is_empty().then(|| extract::PARSER_VERSION.to_owned());
        ReparseFilter {
            report_ids: self.report_ids,
            issuer: self.issuer,
            report_year_from: self.report_year_from,
            report_year_to: self.report_year_to,
            parser_version_not: stale,
        }
    }
}

/// A ReparseReports call, validated: one batch of at most `batch` reports after the token.
#[derive(Debug, Clone)]
pub struct ReparseCommand {
    pub scope: ReparseScope,
    pub dry_run: bool,
    pub batch: u32,
    pub page_token: String,
}

/// How a report's indicators differ between two parses, matched by span: the same span with
/// another name, value, period or kind is changed; spans only in the new (old) are added (removed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndicatorDiff {
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
}

impl IndicatorDiff {
    fn add(&mut self, other: IndicatorDiff) {
        self.added += other.added;
        self.removed += other.removed;
        self.changed += other.changed;
    }
}

/// What one ReparseReports batch did.
#[derive(Debug, Clone, Default)]
pub struct ReparseOutcome {
    /// Reports re-read (in a dry run: that would be replaced).
    pub done: u64,
    /// Matching reports without a kept text (all of them, in a run's first batch), or
    /// deleted meanwhile.
    pub skipped: u64,
    pub indicators: IndicatorDiff,
    /// Matching reports after this batch.
    pub remaining: i64,
    /// Continues the run; empty when nothing remains.
    pub next_page_token: String,
}

fn same_reading(a: &IndicatorRecord, b: &IndicatorRecord) -> bool {
    a.name == b.name
        && a.value == b.value
        && a.unit == b.unit
        && (a.period_year, a.from_month, a.to_month) == (b.period_year, b.from_month, b.to_month)
        && a.kind == b.kind
}

/// The difference between a report's old and new indicators (several at one span pair up
/// in document order).
pub fn diff(old: &[IndicatorRecord], new: &[IndicatorRecord]) -> IndicatorDiff {
    // Per span: its old readings and its new ones.
    type Readings<'a> = (Vec<&'a IndicatorRecord>, Vec<&'a IndicatorRecord>);
    let mut by_span: BTreeMap<(u32, u32), Readings> = BTreeMap::new();
    for o in old {
        by_span.entry(o.span).or_default().0.push(o);
    }
    for n in new {
        by_span.entry(n.span).or_default().1.push(n);
    }
    let mut d = IndicatorDiff::default();
    for (olds, news) in by_span.values() {
        let paired = olds.len().min(news.len());
        d.changed += (0..paired).filter(|&i| !same_reading(olds[i], news[i])).count() as u64;
        d.removed += (olds.len() - paired) as u64;
        d.added += (news.len() - paired) as u64;
    }
    d
}

impl Reports {
    /// One batch of a re-parse: the next `batch` matching reports after the token, each
    /// re-read and (unless a dry run) replaced in its own transaction.
    pub async fn reparse(&self, cmd: ReparseCommand) -> Result<ReparseOutcome> {
        let filter = cmd.scope.filter();
        let fp = page_token::fingerprint("reparse", &(&filter, cmd.dry_run));
        let after = page_token::decode(self.token_key.open(&cmd.page_token)?, &fp)?;
        let candidates = self.store.reparse_candidates(&filter, after, cmd.batch).await?;
        let mut out = ReparseOutcome::default();
        // Reports without a kept text are counted once, by a run's first batch, not visited.
        if after.is_none() {
            let textless = self.store.count_reparse_candidates(&filter, None, false).await?;
            out.skipped = u64::try_from(textless).unwrap_or(0);
        }
        // As many at once as there are parse slots: each report still commits on its own.
        for group in candidates.chunks(self.parse.concurrent.max(1)) {
            let mut set = tokio::task::JoinSet::new();
            for c in group {
                let (me, id) = (self.clone(), c.id);
                set.spawn(deadline::inherit(async move { me.reparse_one(id, cmd.dry_run).await }));
            }
            while let Some(done) = set.join_next().await {
                let done = done.map_err(|e| Error::Internal(format!("re-parse failed: {e}")))?;
                match done? {
                    Some(d) => {
                        out.done += 1;
                        out.indicators.add(d);
                    }
                    None => out.skipped += 1,
                }
            }
        }
        let last = candidates.last().map_or(after, |c| Some(c.seq));
        out.remaining = self.store.count_reparse_candidates(&filter, last, true).await?;
        if let (true, Some(last)) = (out.remaining > 0, last) {
            out.next_page_token = self.token_key.seal(page_token::encode(&fp, last));
        }
        Ok(out)
    }

    /// Re-reads one report; `None` when it has no kept text or was deleted meanwhile.
    async fn reparse_one(&self, id: Uuid, dry_run: bool) -> Result<Option<IndicatorDiff>> {
        let Some(source) = self.store.kept_source(id).await? else {
            return Ok(None);
        };
        let hints = extract::Hints {
            issuer: source.hint_issuer,
            report_year: source.hint_report_year,
        };
        let record = self.read_bounded(source.text, &source.source_uri, &hints, true).await?;
        let old = if dry_run {
            self.store.get_report(id, ReportView::Standard).await?.map(|r| r.indicators)
        } else {
            self.store.replace_report(id, &record).await?
        };
        Ok(old.map(|old| diff(&old, &record.indicators)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govreport_extract::{Approx, IndicatorKind};

    fn ind(span: (u32, u32), name: &str, value: f64) -> IndicatorRecord {
        IndicatorRecord {
            id: None,
            name: name.into(),
            value: Some(value),
            unit: "元".into(),
            value_text: String::new(),
            approx: Approx::Exact,
            period_year: Some(2023),
            from_month: 1,
            to_month: 12,
            kind: IndicatorKind::Actual,
            change: None,
            rank: None,
            completion_pct: None,
            completion_approx: Approx::Exact,
            span,
            sentence: String::new(),
            section_path: Vec::new(),
            rule: "r".into(),
            canonical: None,
            report: None,
            ..Default::default()
        }
    }

    #[test]
    fn spans_pair_old_and_new_readings() {
        let old = [ind((0, 4), "产值", 1.0), ind((5, 9), "投资", 2.0), ind((10, 12), "人口", 3.0)];
        let mut period = ind((10, 12), "人口", 3.0);
        period.period_year = Some(2024);
        let new = [
            ind((0, 4), "产值", 1.0),
            ind((5, 9), "固定资产投资", 2.0),
            period,
            ind((13, 15), "税收", 4.0),
        ];
        assert_eq!(diff(&old, &new), IndicatorDiff { added: 1, removed: 0, changed: 2 });
        assert_eq!(diff(&new, &old), IndicatorDiff { added: 0, removed: 1, changed: 2 });
        assert_eq!(diff(&old, &old), IndicatorDiff::default());
    }

    #[test]
    fn several_readings_at_one_span_pair_in_order() {
        let old = [ind((0, 4), "a", 1.0)];
        let new = [ind((0, 4), "a", 1.0), ind((0, 4), "b", 1.0)];
        assert_eq!(diff(&old, &new), IndicatorDiff { added: 1, removed: 0, changed: 0 });
    }
}
