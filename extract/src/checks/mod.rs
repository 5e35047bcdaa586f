//! Consistency checks within one report: do the figures a report states agree with each other?
//!
//! A pure reading of the engine's [`Report`]: it never re-runs the extractor. Where the model does
//! not link two figures, the checks derive the link from the sentence the engine quotes with each
//! figure (see [`locate`]); the words they read are in `data/checks.toml`.
//!
//! - [`CheckKind::PartsWithinWhole`]: the 其中 parts of a whole add up to at most the whole.
//! - [`CheckKind::CompletionRate`]: a stated 完成率 is the actual figure over the target it states.
//! - [`CheckKind::Share`]: a stated share (占…的 X%) is the part over the whole it names.
//! - [`CheckKind::ChangeAgainstAbsolute`] and [`CheckKind::AnnualChangeAgainstAbsolute`]: a change in
//!   percent agrees with the absolute change stated with it and the current value.
//!
//! Tolerances follow the stated figures' decimals (see [`bounds`], public so that checks across
//! reports, which the engine does not make, round figures by the same rule).

pub mod bounds;
mod change;
mod completion;
mod locate;
mod parts;
mod share;
mod words;

use crate::{Report, Span};
use bounds::Bounds;
use serde::Serialize;

/// What a check compares. `as_str` (and the JSON form) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// indicators: [whole, part, part…]; expected: the parts' sum; stated: the whole. Passes when
    /// the sum is at most the whole.
    PartsWithinWhole,
    /// indicators: [actual (the one with the 完成率), target]; expected: actual / target × 100;
    /// stated: the 完成率.
    CompletionRate,
    /// indicators: [share, part, whole]; expected: part / whole × 100; stated: the share.
    Share,
    /// indicators: [current value, absolute change]; expected: change / (current − change) × 100;
    /// stated: the change in percent.
    ChangeAgainstAbsolute,
    /// Like [`CheckKind::ChangeAgainstAbsolute`] for a change said per year (年均) since a base
    /// year n years before the figure's: expected ((current / (current − change))^(1/n) − 1) × 100.
    AnnualChangeAgainstAbsolute,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::PartsWithinWhole => "parts_within_whole",
            CheckKind::CompletionRate => "completion_rate",
            CheckKind::Share => "share",
            CheckKind::ChangeAgainstAbsolute => "change_against_absolute",
            CheckKind::AnnualChangeAgainstAbsolute => "annual_change_against_absolute",
        }
    }
}

/// One check of a report's figures against each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    /// Indices into `Report.indicators`, in the order the kind documents.
    pub indicators: Vec<usize>,
    /// Their spans, in the same order.
    pub spans: Vec<Span>,
    /// The unit `expected` and `stated` are in (`%` for rates and shares).
    pub unit: String,
    /// What the other figures give.
    pub expected: f64,
    /// What the report states.
    pub stated: f64,
    /// How far `expected` may stand from `stated` (in its direction) as the figures are rounded or
    /// approximate; infinite (null in JSON) when a figure is bounded on that side only (超, 以上).
    pub tolerance: f64,
    pub pass: bool,
}

/// Every check that the figures of `report` allow, in the order of their first indicator.
pub fn check(report: &Report) -> Vec<Check> {
    let located = locate::Located::new(report);
    let mut out = parts::checks(&located);
    out.extend(completion::checks(&located));
    out.extend(share::checks(&located));
    out.extend(change::checks(&located));
    out.sort_by_key(|c| (c.indicators.first().copied(), c.kind.as_str()));
    out
}

/// How the expected value must stand to the stated one.
#[derive(Clone, Copy)]
enum Compare {
    /// The intervals meet.
    Agrees,
    /// The expected interval reaches down to the stated one (a sum of parts at most its whole).
    AtMost,
}

/// A figure or a value worked out from figures: its point value and the interval it allows.
#[derive(Clone, Copy, Debug)]
struct Value {
    point: f64,
    bounds: Bounds,
}

fn judge(kind: CheckKind, located: &locate::Located, indicators: Vec<usize>, unit: &str, values: [Value; 2], compare: Compare) -> Check {
    let [expected, stated] = values;
    let (e, s) = (expected.point, stated.point);
    let pass = match compare {
        Compare::Agrees => expected.bounds.meets(stated.bounds),
        Compare::AtMost => expected.bounds.lo <= stated.bounds.hi,
    };
    let tolerance = if e > s || matches!(compare, Compare::AtMost) {
        (stated.bounds.hi - s) + (e - expected.bounds.lo)
    } else {
        (s - stated.bounds.lo) + (expected.bounds.hi - e)
    };
    let spans = indicators.iter().map(|&i| located.indicator(i).span).collect();
    Check { kind, indicators, spans, unit: unit.to_string(), expected: e, stated: s, tolerance, pass }
}

/// A figure of the report as a [`Value`].
fn figure(located: &locate::Located, i: usize) -> Option<Value> {
    let ind = located.indicator(i);
    let v = ind.value?;
    Some(Value { point: v, bounds: bounds::of_figure(v, &ind.value_text, ind.approx) })
}

/// `a / b × 100` with its interval, when `b` is surely positive.
fn percent_of(a: Value, b: Value) -> Option<Value> {
    if b.bounds.lo <= 0.0 || b.point <= 0.0 {
        return None;
    }
    let bounds = a.bounds.map2(b.bounds, |x, y| x / y * 100.0);
    Some(Value { point: a.point / b.point * 100.0, bounds })
}
