//! The check across reports (issue 11): a change in percent stated with a figure (同比增长 c%
//! with V) against the same indicator in a stored report of the same issuer for the year before
//! (V0). Pure: the store fetches the year before's figures (`store::previous_year`) and applies
//! these checks inside the write's transaction; the engine knows nothing of other reports.
//!
//! Which figures are compared: the figure of this report has a canonical code, kind actual, a
//! period year, an exact value and an exact change in percent (not 个百分点); the one of the
//! year before has the same canonical code, the same base unit, kind actual, an exact positive
//! value and the period one year earlier over the same months (a whole year with a whole year,
//! 1-10月 with 1-10月). An approximate figure or change (约, 余, 超, 近 …), another unit, another
//! issuer or no such figure: no check.
//!
//! The rule: expected = (V / V0 − 1) × 100, stated = c. Both figures stand for the values that
//! round to them (the engine's `checks::bounds`, as within a report: 48.78亿元 is 48.775–48.785亿),
//! and governments revise last year's figures in this year's report, so the check allows on top
//! a revision slack of max(0.5 percentage points, 10 % of |c|). It passes when the interval
//! of V / V0 − 1, widened by the slack, meets the interval of the stated c: in `tolerance`'s
//! terms, |expected − stated| ≤ tolerance.

use govreport_extract::checks::bounds::{self, Bounds};
use govreport_extract::{Approx, ChangeUnit, IndicatorKind};
use uuid::Uuid;

use super::{CheckRecord, IndicatorRecord, PreviousRef, ReportRecord};

/// The kind of the check (`CheckRecord::kind`).
pub const KIND: &str = "year_on_year";
/// The revision slack: at least this many percentage points ...
pub const MIN_SLACK_POINTS: f64 = 0.5;
/// ... or this share of the stated change, whichever is larger.
pub const SLACK_SHARE: f64 = 0.1;

/// A figure of a stored report of the year before, as the store fetches it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousFigure {
    pub report_id: Uuid,
    pub indicator_id: Uuid,
    pub canonical_code: String,
    pub value: f64,
    pub unit: String,
    pub value_text: String,
    pub approx: Approx,
    pub kind: IndicatorKind,
    pub period_year: Option<i32>,
    pub from_month: u8,
    pub to_month: u8,
}

/// What a figure of this report brings to the check: its canonical code, value, period year
/// and stated change, when it may be checked at all.
fn comparable(c: &IndicatorRecord) -> Option<(&str, f64, i32, f64)> {
    let change = c.change.as_ref()?;
    let exact = c.approx == Approx::Exact && change.approx == Approx::Exact;
    let percent = change.unit == ChangeUnit::Percent;
    if !exact || !percent || c.kind != IndicatorKind::Actual || c.unit.is_empty() {
        return None;
    }
    let value = c.value.filter(|v| v.is_finite() && *v >= 0.0)?;
    Some((&c.canonical.as_ref()?.code, value, c.period_year?, change.pct))
}

/// The canonical codes of the figures of `current` that may be checked, sorted and distinct:
/// the store fetches the year before's figures of these codes only.
pub fn codes_to_compare(current: &[IndicatorRecord]) -> Vec<String> {
    let mut codes: Vec<String> = current.iter().filter_map(comparable).map(|c| c.0.to_owned()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Whether `p` is the same indicator as `c` (code `code`, period year `year`) a year earlier.
fn same_a_year_before(c: &IndicatorRecord, code: &str, year: i32, p: &PreviousFigure) -> bool {
    p.canonical_code == code
        && p.unit == c.unit
        && p.kind == IndicatorKind::Actual
        && p.approx == Approx::Exact
        && p.period_year == Some(year - 1)
        && (p.from_month, p.to_month) == (c.from_month, c.to_month)
        && p.value.is_finite()
        && p.value > 0.0
}

/// The check of figure `ord` of this report (`c`) against `p` of the year before, when the two
/// may be compared.
pub fn judge(ord: u32, c: &IndicatorRecord, p: &PreviousFigure) -> Option<CheckRecord> {
    let (code, value, year, pct) = comparable(c)?;
    if !same_a_year_before(c, code, year, p) {
        return None;
    }
    let now = bounds::of_figure(value, &c.value_text, Approx::Exact);
    let before = bounds::of_figure(p.value, &p.value_text, Approx::Exact);
    if before.lo <= 0.0 {
        return None;
    }
    let growth = |v: f64, v0: f64| (v / v0 - 1.0) * 100.0;
    let implied: Bounds = now.map2(before, growth);
    let stated = bounds::of_pct(pct, Approx::Exact);
    let expected = growth(value, p.value);
    let slack = MIN_SLACK_POINTS.max(SLACK_SHARE * pct.abs());
    let tolerance = if expected > pct {
        (stated.hi - pct) + (expected - implied.lo) + slack
    } else {
        (pct - stated.lo) + (implied.hi - expected) + slack
    };
    Some(CheckRecord {
        kind: KIND.to_owned(),
        indicators: vec![ord],
        spans: vec![c.span],
        unit: "%".to_owned(),
        expected,
        stated: pct,
        tolerance: Some(tolerance),
        pass: (expected - pct).abs() <= tolerance,
        previous: Some(PreviousRef {
            report_id: p.report_id,
            indicator_id: p.indicator_id,
            value: p.value,
        }),
    })
}

/// One check per figure of `current` that has a match among `previous` (the year before's
/// figures of the same issuer, in storage order). Of several matches (two reports of that
/// year, a figure stated twice), the one nearest the stated change, the first of equals.
pub fn checks(current: &[IndicatorRecord], previous: &[PreviousFigure]) -> Vec<CheckRecord> {
    let ord = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let distance = |c: &CheckRecord| (c.expected - c.stated).abs();
    current
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let candidates = previous.iter().filter_map(|p| judge(ord(i), c, p));
            candidates.reduce(|best, next| if distance(&next) < distance(&best) { next } else { best })
        })
        .collect()
}

/// `checks` (a report's, as stored) with its year-on-year checks replaced by `year_on_year`,
/// in the engine's order: by first indicator, then kind.
pub fn replace(checks: &[CheckRecord], year_on_year: Vec<CheckRecord>) -> Vec<CheckRecord> {
    let mut out: Vec<CheckRecord> = checks.iter().filter(|c| c.kind != KIND).cloned().collect();
    out.extend(year_on_year);
    out.sort_by(|a, b| (a.indicators.first(), &a.kind).cmp(&(b.indicators.first(), &b.kind)));
    out
}

/// Gives `report` (about to be written, or stored) the year-on-year checks against `previous`
/// in place of those it had, and each indicator its `failed_check` from all its checks.
pub fn apply(report: &mut ReportRecord, previous: &[PreviousFigure]) {
    report.checks = replace(&report.checks, checks(&report.indicators, previous));
    let failed = report.failed_check_ordinals();
    for (i, ind) in report.indicators.iter_mut().enumerate() {
        ind.failed_check = failed.binary_search(&(i as u32)).is_ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CanonicalRef, ChangeRecord};

    const CODE: &str = "industrial_output_above_scale";

    /// 规上工业产值 `value_text` (亿元) in `year`, with a change of `pct` percent.
    fn now(value_text: &str, pct: Option<f64>) -> IndicatorRecord {
        let value: f64 = value_text.trim_end_matches("亿元").parse().unwrap();
        IndicatorRecord {
            id: None,
            name: "规上工业产值".into(),
            value: Some(value * 1e8),
            unit: "元".into(),
            value_text: value_text.into(),
            approx: Approx::Exact,
            period_year: Some(2023),
            from_month: 1,
            to_month: 12,
            kind: IndicatorKind::Actual,
            change: pct.map(|pct| ChangeRecord { pct, approx: Approx::Exact, unit: ChangeUnit::Percent }),
            rank: None,
            completion_pct: None,
            completion_approx: Approx::Exact,
            span: (10, 18),
            sentence: String::new(),
            section_path: Vec::new(),
            rule: String::new(),
            canonical: Some(CanonicalRef { code: CODE.into(), name: "规上工业产值".into(), category: "industry".into() }),
            report: None,
            failed_check: false,
            ingested_at: None,
        }
    }

    fn before(value_text: &str) -> PreviousFigure {
        let value: f64 = value_text.trim_end_matches("亿元").parse().unwrap();
        PreviousFigure {
            report_id: Uuid::nil(),
            indicator_id: Uuid::from_u128(7),
            canonical_code: CODE.into(),
            value: value * 1e8,
            unit: "元".into(),
            value_text: value_text.into(),
            approx: Approx::Exact,
            kind: IndicatorKind::Actual,
            period_year: Some(2022),
            from_month: 1,
            to_month: 12,
        }
    }

    fn pass(c: &IndicatorRecord, p: &PreviousFigure) -> Option<bool> {
        judge(0, c, p).map(|c| c.pass)
    }

    #[test]
    fn a_change_the_two_figures_give_passes_and_another_fails() {
        let check = judge(3, &now("48.78亿元", Some(6.15)), &before("45.95亿元")).unwrap();
        assert_eq!((check.kind.as_str(), check.indicators.as_slice(), check.unit.as_str()), (KIND, &[3][..], "%"));
        assert!((check.expected - 6.159).abs() < 1e-3, "{check:?}");
        assert!(check.pass);
        assert_eq!(check.previous.as_ref().map(|p| (p.indicator_id, p.value)), Some((Uuid::from_u128(7), 45.95e8)));
        let off = judge(0, &now("48.78亿元", Some(16.15)), &before("45.95亿元")).unwrap();
        assert!(!off.pass && off.tolerance.unwrap() < 2.0, "{off:?}");
        assert_eq!(off.stated, 16.15);
    }

    #[test]
    fn the_slack_is_half_a_point_or_a_tenth_of_the_change() {
        // 110.00 over 100.00 is 10 %, their rounding about 0.01 point.
        let c = |pct| now("110.00亿元", Some(pct));
        let p = before("100.00亿元");
        assert_eq!(pass(&c(10.9), &p), Some(true), "10 % of 10.9 is 1.09 points");
        assert_eq!(pass(&c(12.5), &p), Some(false));
        assert_eq!(pass(&c(9.2), &p), Some(true));
        assert_eq!(pass(&c(8.5), &p), Some(false));
        // A small change keeps half a point.
        let small = |pct| now("100.40亿元", Some(pct));
        assert_eq!(pass(&small(0.85), &p), Some(true));
        assert_eq!(pass(&small(1.05), &p), Some(false));
    }

    #[test]
    fn rounding_of_the_figures_widens_the_check() {
        // 1.2 over 1.1 is 9.1 %, but 1.25 over 1.05 is 19 %: 15 % agrees with the figures.
        assert_eq!(pass(&now("1.2亿元", Some(15.0)), &before("1.1亿元")), Some(true));
        assert_eq!(pass(&now("1.20亿元", Some(15.0)), &before("1.10亿元")), Some(false));
    }

    #[test]
    fn figures_that_are_not_alike_are_not_compared() {
        let c = now("48.78亿元", Some(6.15));
        let p = before("45.95亿元");
        assert!(pass(&c, &p).is_some());
        let variants: [(&str, Box<dyn Fn(&mut IndicatorRecord, &mut PreviousFigure)>); 10] = [
            ("approximate now", Box::new(|c, _| c.approx = Approx::About)),
            ("approximate before", Box::new(|_, p| p.approx = Approx::Over)),
            ("approximate change", Box::new(|c, _| c.change.as_mut().unwrap().approx = Approx::About)),
            ("points", Box::new(|c, _| c.change.as_mut().unwrap().unit = ChangeUnit::Points)),
            ("other unit", Box::new(|_, p| p.unit = "美元".into())),
            ("other code", Box::new(|_, p| p.canonical_code = "gdp".into())),
            ("same year", Box::new(|_, p| p.period_year = Some(2023))),
            ("other months", Box::new(|_, p| p.to_month = 10)),
            ("a target", Box::new(|c, _| c.kind = IndicatorKind::Target)),
            ("zero before", Box::new(|_, p| p.value = 0.0)),
        ];
        for (what, change) in variants {
            let (mut c, mut p) = (c.clone(), p.clone());
            change(&mut c, &mut p);
            assert_eq!(pass(&c, &p), None, "{what}");
        }
        assert!(judge(0, &now("48.78亿元", None), &p).is_none(), "no change");
        let mut unlinked = c.clone();
        unlinked.canonical = None;
        assert!(codes_to_compare(&[unlinked]).is_empty());
        assert_eq!(codes_to_compare(&[c.clone(), c]), vec![CODE.to_owned()]);
    }

    #[test]
    fn apply_flags_the_failing_figure_and_clears_a_flag_gone_stale() {
        let mut report = ReportRecord { indicators: vec![now("48.78亿元", Some(16.15))], ..Default::default() };
        apply(&mut report, &[before("45.95亿元")]);
        assert_eq!((report.checks.len(), report.indicators[0].failed_check), (1, true));
        apply(&mut report, &[]);
        assert!(report.checks.is_empty() && !report.indicators[0].failed_check);
    }

    #[test]
    fn the_nearest_of_several_matches_is_kept_and_replaces_the_old_check() {
        let current = [now("48.78亿元", None), now("48.78亿元", Some(6.15))];
        let (far, mut near) = (before("40.00亿元"), before("45.95亿元"));
        near.indicator_id = Uuid::from_u128(9);
        let checks = checks(&current, &[far, near]);
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].indicators, vec![1]);
        assert_eq!(checks[0].previous.as_ref().unwrap().indicator_id, Uuid::from_u128(9));

        let engine = CheckRecord { kind: "share".into(), indicators: vec![1], ..checks[0].clone() };
        let stale = CheckRecord { indicators: vec![0], ..checks[0].clone() };
        let replaced = replace(&[stale, engine.clone()], checks.clone());
        assert_eq!(replaced, vec![engine, checks[0].clone()]);
    }
}
