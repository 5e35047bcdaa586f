//! A stated share (占…的 X%) against the part before it and the whole it names.
//!
//! The part is the nearest amount before the share in its sentence, with a 占 cue between them. The
//! whole is, in this order: an amount stated inside the 占 phrase (占全年任务45亿元的…); for a bare
//! 占比 / 比重 after a 其中 part, that part's whole; else the one amount of the report with the
//! part's unit and period whose name is the name after 占 (全部财政收入, 一般公共预算支出), scope
//! words (全部, 全县, 地区 …) aside.

use super::locate::{Located, Place};
use super::parts::{is_amount, whole_of};
use super::words::WORDS;
use super::{figure, judge, percent_of, Check, CheckKind, Compare};
use crate::indicator::Rule;

pub fn checks(l: &Located) -> Vec<Check> {
    (0..l.at.len()).filter_map(|i| share(l, i)).collect()
}

fn share(l: &Located, i: usize) -> Option<Check> {
    let ind = l.indicator(i);
    if ind.unit != "%" || ind.value.is_none() || ind.rule == Rule::FromToOld.as_str() {
        return None;
    }
    let place = l.at[i]?;
    let (part, pp) = l.before(i).find(|&(j, _)| is_amount(l, j))?;
    let cue = last_cue(l, pp.end, place)?;
    if l.separated(place.sentence, pp.end, place.start) {
        return None;
    }
    let named = whole_name(l, cue, place);
    let inside = l.before(i).find(|&(j, p)| p.start >= cue && is_amount(l, j) && same_unit(l, j, part));
    let whole = match inside {
        Some((w, _)) => w,
        None if named.is_empty() => whole_of(l, part)?,
        None => by_name(l, part, &named)?,
    };
    let expected = percent_of(figure(l, part)?, figure(l, whole)?)?;
    Some(judge(CheckKind::Share, l, vec![i, part, whole], "%", [expected, figure(l, i)?], Compare::Agrees))
}

fn same_unit(l: &Located, a: usize, b: usize) -> bool {
    l.indicator(a).unit == l.indicator(b).unit
}

/// Where the word after the last 占 between `from` and the share starts.
fn last_cue(l: &Located, from: usize, place: Place) -> Option<usize> {
    let between = l.text(place.sentence, from, place.start);
    let (at, w) = WORDS.share.cues.iter().filter_map(|w| Some((between.rfind(w.as_str())?, w))).max()?;
    Some(from + between[..at].chars().count() + w.chars().count())
}

/// The name after 占, up to the first word that ends it (的, 比重, 达到 …) or a character that is
/// not a word's (a digit, a mark).
fn whole_name(l: &Located, cue: usize, place: Place) -> String {
    let words: Vec<char> = l.text(place.sentence, cue, place.start).chars().collect();
    let stop = |k: usize| {
        let rest: String = words[k..].iter().collect();
        !crate::lexicon::is_han(words[k]) && !words[k].is_ascii_alphabetic()
            || WORDS.share.stops.iter().any(|s| rest.starts_with(s.as_str()))
    };
    let end = (0..words.len()).find(|&k| stop(k)).unwrap_or(words.len());
    words[..end].iter().collect()
}

/// The one amount of the report named `name` (scope words aside) with the part's unit and period.
fn by_name(l: &Located, part: usize, name: &str) -> Option<usize> {
    let p = l.indicator(part);
    let wanted = without_scope(name);
    if wanted.chars().count() < 2 {
        return None;
    }
    let fits = |j: &usize| {
        let w = l.indicator(*j);
        *j != part && is_amount(l, *j) && w.unit == p.unit && w.period == p.period && without_scope(&w.name) == wanted
    };
    let found: Vec<usize> = (0..l.at.len()).filter(fits).collect();
    let first = *found.first()?;
    found.iter().all(|&j| l.indicator(j).value == l.indicator(first).value).then_some(first)
}

fn without_scope(name: &str) -> &str {
    let prefixes = &WORDS.share.scope_prefixes;
    let mut rest = name;
    while let Some(p) = prefixes.iter().filter(|p| rest.starts_with(p.as_str())).max_by_key(|p| p.len()) {
        rest = &rest[p.len()..];
    }
    rest
}
