//! A change in percent against the absolute change stated with it and the current value
//! (粮食总产达13.8万吨，比2005年增加了2.2万吨; 增长5%，增加1800亿元).
//!
//! The absolute change is an amount the engine made by its `absolute_change` rule, or one whose
//! clause before it compares (比, 较) and ends in a verb of more or less. The current value is the
//! nearest amount of the same unit before it, not across a ；. The percent is the change the engine
//! attached to either. Year on year, change / (current − change) × 100 should give it; when the
//! words around say it is a yearly average (年均) since a base year (比2006年), the compound rate
//! over the years between.

use super::bounds::of_pct;
use super::locate::{Located, Place};
use super::parts::is_amount;
use super::words::{ending, holds, WORDS};
use super::{figure, judge, Check, CheckKind, Compare, Value};
use crate::indicator::Rule;
use crate::sentence::is_clause_end;
use crate::ChangeUnit;

pub fn checks(l: &Located) -> Vec<Check> {
    (0..l.at.len()).filter_map(|y| against_absolute(l, y)).collect()
}

fn against_absolute(l: &Located, y: usize) -> Option<Check> {
    let place = l.at[y]?;
    let sign = absolute_sign(l, y)?;
    let unit = &l.indicator(y).unit;
    let (v, vp) = l.before(y).find(|&(j, _)| is_amount(l, j) && &l.indicator(j).unit == unit && absolute_sign(l, j).is_none())?;
    if l.separated(place.sentence, vp.end, place.start) {
        return None;
    }
    let change = [v, y].iter().find_map(|&j| l.indicator(j).change.filter(|c| c.unit == ChangeUnit::Percent))?;
    let stated = Value { point: change.pct, bounds: of_pct(change.pct, change.approx) };
    let (current, mut delta) = (figure(l, v)?, figure(l, y)?);
    if sign < 0.0 {
        delta = Value { point: -delta.point, bounds: delta.bounds.negated() };
    }
    let base = Value { point: current.point - delta.point, bounds: current.bounds.minus(delta.bounds) };
    if base.point <= 0.0 || base.bounds.lo <= 0.0 {
        return None;
    }
    let (kind, expected) = match annual_years(l, v, vp, place) {
        None => (CheckKind::ChangeAgainstAbsolute, yearly(delta, base)),
        Some(n) => (CheckKind::AnnualChangeAgainstAbsolute, compound(current, base, n?)),
    };
    Some(judge(kind, l, vec![v, y], "%", [expected, stated], Compare::Agrees))
}

/// change / (current − change) × 100.
fn yearly(delta: Value, base: Value) -> Value {
    let f = |d: f64, b: f64| d / b * 100.0;
    Value { point: f(delta.point, base.point), bounds: delta.bounds.map2(base.bounds, f) }
}

/// ((current / base)^(1/n) − 1) × 100.
fn compound(current: Value, base: Value, n: i32) -> Value {
    let f = |c: f64, b: f64| ((c / b).powf(1.0 / n as f64) - 1.0) * 100.0;
    Value { point: f(current.point, base.point), bounds: current.bounds.map2(base.bounds, f) }
}

/// +1 or −1 when amount `j` is an absolute change (增加 or 减少), else `None`.
fn absolute_sign(l: &Located, j: usize) -> Option<f64> {
    let ind = l.indicator(j);
    let place = l.at[j]?;
    if !is_amount(l, j) {
        return None;
    }
    let chars = &l.sentences[place.sentence];
    let from = (0..place.start).rev().find(|&k| is_clause_end(chars[k])).map_or(0, |k| k + 1);
    let clause = l.text(place.sentence, from, place.start);
    let w = &WORDS.change;
    let mut words = clause.as_str();
    while let Some(p) = ending(words, &w.particles) {
        words = &words[..words.len() - p.len()];
    }
    let linked = ind.rule == Rule::AbsoluteChange.as_str();
    if !linked && !holds(words, &w.compare) {
        return None;
    }
    let verb_sign = |text: &str| match (ending(text, &w.increase), ending(text, &w.decrease)) {
        (Some(a), Some(d)) => Some(if d.len() > a.len() { -1.0 } else { 1.0 }),
        (Some(_), None) => Some(1.0),
        (None, Some(_)) => Some(-1.0),
        (None, None) => None,
    };
    verb_sign(words).or_else(|| linked.then(|| verb_sign(&ind.name)).flatten())
}

/// `None` for a change year on year; `Some(years)` for a yearly average, with the years since the
/// base year named between the current value and the change (`Some(None)` when there is none).
fn annual_years(l: &Located, v: usize, vp: Place, yp: Place) -> Option<Option<i32>> {
    let s = yp.sentence;
    let window_end = l.members[s].iter().filter_map(|&j| l.at[j]).map(|p| p.start).filter(|&p| p >= yp.end).min();
    let window = l.text(s, vp.end, window_end.unwrap_or(l.sentences[s].len()));
    if !holds(&window, &WORDS.change.annual) {
        return None;
    }
    let between: Vec<char> = l.text(s, vp.end, yp.start).chars().collect();
    let mark = WORDS.change.year_mark.chars().next();
    let base = (4..=between.len()).find_map(|e| {
        let digits = &between[e - 4..e];
        let whole = digits.iter().all(char::is_ascii_digit) && (e == 4 || !between[e - 5].is_ascii_digit());
        (whole && between.get(e).copied() == mark).then(|| digits.iter().collect::<String>().parse::<i32>().ok()).flatten()
    });
    let year = l.indicator(v).period.year;
    Some(base.zip(year).map(|(b, y)| y - b).filter(|n| (1..=50).contains(n)))
}
