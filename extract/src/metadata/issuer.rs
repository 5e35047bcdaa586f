//! The issuer a text names itself by: a body or place name (西屏街道, 易县, 保定市满城区, 国务院), never a fragment.

use super::fields;
use super::speech::Speech;
use super::words::{BodyWords, WORDS};
use crate::lexicon::is_han;

fn is_digit_mark(c: &[char], i: usize) -> bool {
    let d = &WORDS.dates;
    i >= 1 && c[i - 1].is_ascii_digit() && [&d.year, &d.day].iter().any(|m| m.starts_with(c[i]))
}

/// Can a name start at `i`: after a non-Han character, a date (2020年涞水县), or a word names follow (在, 代表)?
fn starts_here(c: &[char], i: usize) -> bool {
    i == 0
        || !is_han(c[i - 1])
        || is_digit_mark(c, i - 1)
        || WORDS.body.starts_after.iter().any(|w| crate::lexicon::ends_at(c, i, w))
}

/// Where the name ending at `end` starts, if it starts within `longest` characters.
fn start_before(c: &[char], end: usize, longest: usize) -> Option<usize> {
    let mut s = end;
    while !starts_here(c, s) {
        if end - s >= longest {
            return None;
        }
        s -= 1;
    }
    Some(s)
}

/// The place ending that `name` ends with, longest first.
fn ending(b: &BodyWords, name: &str) -> Option<usize> {
    b.endings.iter().find(|e| name.ends_with(e.as_str())).map(String::len)
}

/// A body or place name: up to an ordinal (容城县第十四届 → 容城县), ending with a place ending after
/// at least one character, without particles, and not a common noun (城市, 乡镇).
fn body_name(run: &[char]) -> Option<String> {
    let b = &WORDS.body;
    let name: String = run.iter().collect();
    let name = name.split(b.ordinal.as_str()).next().unwrap_or("");
    let core = name.len() - ending(b, name)?;
    let first = name.chars().next()?;
    let generic = b.generic.iter().any(|g| g == name);
    let particle = name.chars().any(|c| b.not_inside.contains(c));
    (core > 0 && !b.not_first.contains(first) && !generic && !particle).then(|| name.to_string())
}

/// The place a title names: the longest name that starts first (保定市满城区2020年政府工作报告 → 保定市满城区).
pub fn in_title(title: &str) -> Option<String> {
    let c: Vec<char> = title.chars().collect();
    let b = &WORDS.body;
    let mut best: Option<(usize, usize)> = None;
    for end in 1..=c.len() {
        let ends_place = b.endings.iter().any(|e| crate::lexicon::ends_at(&c, end, e));
        let continues = c.get(end).is_some_and(|n| b.not_after_place.contains(*n));
        if !ends_place || continues {
            continue;
        }
        let Some(start) = start_before(&c, end, b.longest) else { continue };
        if body_name(&c[start..end]).is_some() && best.is_none_or(|(s, _)| s == start) {
            best = Some((start, end));
        }
    }
    best.and_then(|(s, e)| body_name(&c[s..e]))
}

/// The government a report speaks for (我代表顺平县人民政府, 易县人民政府县长): the place before the
/// government's name, on the lines of `head` that are no header fields; or a body named whole (国务院).
pub fn government(head: &str) -> Option<String> {
    let b = &WORDS.body;
    for line in head.lines().take(60).filter(|l| !fields::is_header(l)) {
        if let Some(whole) = b.whole.iter().find(|w| b.starts_after.iter().any(|s| line.contains(&format!("{s}{w}")))) {
            return Some(whole.clone());
        }
        let c: Vec<char> = line.chars().collect();
        for gov in &b.government {
            let g: Vec<char> = gov.chars().collect();
            for p in (0..c.len()).filter(|&p| c[p..].starts_with(&g)) {
                let name = start_before(&c, p, b.longest).and_then(|s| body_name(&c[s..p]));
                if name.is_some() {
                    return name;
                }
            }
        }
    }
    None
}

/// The place of the congress a speech is given at, cut to its lowest level (呼伦贝尔市海拉尔区 → 海拉尔区).
pub fn congress(speech: &Speech) -> Option<String> {
    let w = &WORDS;
    if w.speech.not_place.iter().any(|p| speech.place.contains(p.as_str())) {
        return None;
    }
    let c: Vec<char> = speech.place.chars().collect();
    let start = start_before(&c, c.len(), w.body.longest)?;
    body_name(&c[start..]).map(|name| lowest(&name))
}

/// A place without the places above it: after the last inner ending that leaves two characters on
/// both sides and a name (保定市满城区 → 满城区; 保定市 stays).
pub fn lowest(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let inner = |k: usize| WORDS.body.endings.iter().any(|e| crate::lexicon::ends_at(&c, k, e));
    let cut = (2..c.len().saturating_sub(1)).rev().find(|&k| inner(k) && body_name(&c[k..]).is_some());
    cut.map_or(name.to_string(), |k| c[k..].iter().collect())
}

/// Is the ending before `end` one of a list of levels (完善县、乡两级)?
fn listed(c: &[char], end: usize) -> bool {
    let b = &WORDS.body;
    c.get(end).is_some_and(|x| b.level_list.contains(*x))
        && b.endings.iter().any(|e| crate::lexicon::starts_at(c, end + 1, e))
}

/// How often each bounded name with one of `endings` is written in `c`; None when the place is hidden (*街道).
fn counted(c: &[char], endings: &[String]) -> Option<Vec<(String, usize)>> {
    let b = &WORDS.body;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for e in endings {
        let n = e.chars().count();
        let last = e.chars().last().unwrap_or_default();
        for end in (1..=c.len()).filter(|&end| c[end - 1] == last && crate::lexicon::ends_at(c, end, e)) {
            let at = end - n;
            if at > 0 && b.hidden.iter().any(|h| h.starts_with(c[at - 1])) {
                return None;
            }
            let continues = n == 1 && c.get(end).is_some_and(|x| b.not_after_place.contains(*x)) || listed(c, end);
            let Some(start) = start_before(c, at, b.longest_counted).filter(|_| !continues) else { continue };
            let core: String = c[start..at].iter().collect();
            let name: String = c[start..end].iter().collect();
            let generic = b.generic.iter().any(|g| name.ends_with(g.as_str()));
            if generic || b.not_places.iter().any(|w| core.ends_with(w.as_str())) {
                continue;
            }
            let Some(name) = body_name(&c[start..end]) else { continue };
            match counts.iter_mut().find(|(k, _)| *k == name) {
                Some((_, k)) => *k += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    Some(counts)
}

/// The place a text names most at its own level (我县, 本镇 say which), else at the lowest level named
/// often enough; empty when the place is hidden or not named at its own level.
pub fn most_named(c: &[char]) -> String {
    let b = &WORDS.body;
    let text: String = c.iter().collect();
    let own = |ending: &String| -> usize {
        // 本市 in 资本市场 is no mark: the ending must not go on into a word.
        let goes_on = |rest: &str| rest.chars().next().is_some_and(|x| b.not_after_place.contains(x));
        let marks = b.own_place.iter().map(|m| format!("{m}{ending}"));
        marks.map(|m| text.match_indices(m.as_str()).filter(|(i, _)| !goes_on(&text[i + m.len()..])).count()).sum()
    };
    // The own place's ending only (most 我X/本X: a town in a county's report is not its issuer), else the
    // levels lowest first.
    let marked: Vec<(usize, &String)> = b.levels.iter().flatten().map(|e| (own(e), e)).collect();
    let levels = match marked.iter().max_by_key(|(n, _)| *n).filter(|(n, _)| *n >= 1) {
        Some((_, top)) => vec![vec![(*top).clone()]],
        None => b.levels.clone(),
    };
    // Named often, and its place word used elsewhere too (西屏街道, 西屏山): the name without its ending,
    // or whole when that leaves one character (易县).
    let score = |(name, k): &(String, usize)| {
        let core = &name[..name.len() - ending(b, name).unwrap_or(0)];
        let place = if core.chars().count() >= 2 { core } else { name.as_str() };
        k * 10 + text.matches(place).count()
    };
    for level in &levels {
        let Some(counts) = counted(c, level) else { return String::new() };
        let scores: Vec<usize> = counts.iter().map(score).collect();
        let Some((best, _)) = counts.iter().zip(&scores).filter(|(_, s)| **s >= 12).max_by_key(|(_, s)| **s) else {
            continue;
        };
        // 时家店乡 over 家店乡: the longer name when every mention has it.
        let longer =
            counts.iter().find(|(n, k)| *k == best.1 && n.len() > best.0.len() && n.ends_with(best.0.as_str()));
        return longer.unwrap_or(best).0.clone();
    }
    String::new()
}
