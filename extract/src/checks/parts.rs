//! 其中 parts against their whole: the parts add up to at most the whole, in the same unit.
//!
//! A part is a figure after a 其中 cue of its sentence that the engine marked `part_of`, or the
//! first figure after the cue (the engine may name it by another rule). Its whole is the nearest
//! figure before the cue with the same unit, with no item separator (；) between them but one right
//! before the cue (；其中 refers back to the item before). The parts of
//! one cue and one whole are summed; measures that do not add up (人均, 率 …) are not checked.

use super::locate::{Located, Place};
use super::words::{holds, WORDS};
use super::{figure, judge, Bounds, Check, CheckKind, Compare, Value};
use crate::indicator::Rule;

pub fn checks(l: &Located) -> Vec<Check> {
    let mut groups: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for i in 0..l.at.len() {
        let Some((cue, whole)) = cue_and_whole(l, i) else { continue };
        match groups.iter_mut().find(|g| g.0 == whole && g.1 == cue) {
            Some(g) => g.2.push(i),
            None => groups.push((whole, cue, vec![i])),
        }
    }
    groups.into_iter().filter_map(|(whole, _, parts)| judge_parts(l, whole, parts)).collect()
}

/// The whole that figure `i` is a 其中 part of, if it is one.
pub fn whole_of(l: &Located, i: usize) -> Option<usize> {
    cue_and_whole(l, i).map(|(_, w)| w)
}

/// A figure that can be summed or divided: a value with a unit other than `%`.
pub fn is_amount(l: &Located, i: usize) -> bool {
    let ind = l.indicator(i);
    ind.value.is_some() && !ind.unit.is_empty() && ind.unit != "%"
}

/// The position of the 其中 cue that figure `i` follows, and its whole.
fn cue_and_whole(l: &Located, i: usize) -> Option<(usize, usize)> {
    let place = l.at[i]?;
    if !is_amount(l, i) {
        return None;
    }
    let cue = last_cue(l, place)?;
    let linked = l.indicator(i).rule == Rule::PartOf.as_str();
    let first_after_cue = l.before(i).next().is_none_or(|(_, p)| p.end <= cue);
    if !linked && !first_after_cue {
        return None;
    }
    let unit = &l.indicator(i).unit;
    let absolute = Rule::AbsoluteChange.as_str();
    let (whole, wp) = l.before(i).find(|&(j, p)| {
        p.end <= cue && is_amount(l, j) && &l.indicator(j).unit == unit && l.indicator(j).rule != absolute
    })?;
    // ；其中 opens its item with the part: the whole is the item's before (本科上线682人，上线率72%；其中…).
    let opens = cue > 0 && WORDS.items.separators.contains(l.sentences[place.sentence][cue - 1]);
    (!l.separated(place.sentence, wp.end, if opens { cue - 1 } else { cue })).then_some((cue, whole))
}

/// Where the last 其中 cue before `place` in its sentence starts.
fn last_cue(l: &Located, place: Place) -> Option<usize> {
    let before = l.text(place.sentence, 0, place.start);
    let at = WORDS.parts.cues.iter().filter_map(|w| before.rfind(w.as_str())).max()?;
    Some(before[..at].chars().count())
}

fn judge_parts(l: &Located, whole: usize, parts: Vec<usize>) -> Option<Check> {
    let additive = |i: usize| !holds(&l.indicator(i).name, &WORDS.parts.non_additive);
    if !additive(whole) || !parts.iter().all(|&p| additive(p)) {
        return None;
    }
    let w = figure(l, whole)?;
    let mut sum = Value { point: 0.0, bounds: Bounds { lo: 0.0, hi: 0.0 } };
    for &p in &parts {
        let v = figure(l, p)?;
        sum = Value { point: sum.point + v.point, bounds: sum.bounds.plus(v.bounds) };
    }
    let unit = l.indicator(whole).unit.clone();
    let indicators = std::iter::once(whole).chain(parts).collect();
    Some(judge(CheckKind::PartsWithinWhole, l, indicators, &unit, [sum, w], Compare::AtMost))
}
