//! A stated 完成率 against the actual figure and the target it states (年度目标45亿元，完成26.98亿元，
//! 完成率59.97%). The target is a figure of the same sentence and unit whose clause names a target
//! (目标, 计划, 任务) before it; the actual is the figure that carries the 完成率, or, when the engine
//! gave the 完成率 to the target itself (完成年度计划20亿元的110%), the nearest other figure before.

use super::bounds::of_pct;
use super::locate::Located;
use super::parts::is_amount;
use super::words::{holds, WORDS};
use super::{figure, judge, percent_of, Check, CheckKind, Compare, Value};
use crate::sentence::is_clause_end;

pub fn checks(l: &Located) -> Vec<Check> {
    (0..l.at.len()).filter_map(|i| completion(l, i)).collect()
}

fn completion(l: &Located, i: usize) -> Option<Check> {
    let ind = l.indicator(i);
    let pct = ind.completion_pct?;
    l.at[i]?;
    let (actual, target) = if is_target(l, i) { (nearest(l, i, false)?, i) } else { (i, nearest(l, i, true)?) };
    let expected = percent_of(figure(l, actual)?, figure(l, target)?)?;
    let stated = Value { point: pct, bounds: of_pct(pct, ind.completion_approx) };
    Some(judge(CheckKind::CompletionRate, l, vec![actual, target], "%", [expected, stated], Compare::Agrees))
}

/// Does the clause of figure `i`, before it, name a target?
fn is_target(l: &Located, i: usize) -> bool {
    let Some(place) = l.at[i] else { return false };
    let chars = &l.sentences[place.sentence];
    let from = (0..place.start).rev().find(|&k| is_clause_end(chars[k])).map_or(0, |k| k + 1);
    holds(&l.text(place.sentence, from, place.start), &WORDS.completion.target_words)
}

/// The nearest figure of `i`'s sentence and unit, not across a ；, that is (or is not) a target.
fn nearest(l: &Located, i: usize, target: bool) -> Option<usize> {
    let place = l.at[i]?;
    let fits = |j: usize| is_amount(l, j) && l.indicator(j).unit == l.indicator(i).unit && is_target(l, j) == target;
    let before = l.before(i).find(|&(j, _)| fits(j)).filter(|(_, p)| !l.separated(place.sentence, p.end, place.start));
    let after = l.after(i).find(|&(j, _)| fits(j)).filter(|(_, p)| !l.separated(place.sentence, place.end, p.start));
    match (before, after) {
        (Some((b, bp)), Some((a, ap))) => Some(if place.start - bp.end <= ap.start - place.end { b } else { a }),
        (b, a) => b.or(a).map(|(j, _)| j),
    }
}
