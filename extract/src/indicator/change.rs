//! Changes: 同比增长6.15%, 增幅达38.37%, 提高0.8个百分点, 保持20%以上的增速, 比上年增加1800亿元.

use super::values::{approx_after, approx_before};
use super::SentenceQ;
use crate::lexicon::{ends_at, skip_each, skip_each_back, starts_at, word_at, word_before, LEXICON};
use crate::{Approx, ChangeUnit};

#[derive(Debug, Clone)]
pub struct ChangeMatch {
    /// Index into the sentence's quantities of the change's number.
    pub q: usize,
    /// Where the change words start (the subject, if any, ends here).
    pub cue_start: usize,
    pub pct: f64,
    pub approx: Approx,
    pub unit: ChangeUnit,
    /// 比上年增加1800亿元: a figure of its own, not a percentage.
    pub absolute: Option<String>,
}

/// Back over the words that may sit between a change word and its number (增速保持在50%以上).
fn skip_bridges_back(text: &[char], mut at: usize, floor: usize) -> usize {
    let bridges = &LEXICON.change.bridges;
    while let Some(w) = word_before(text, at, bridges).filter(|w| at - w.chars().count() >= floor) {
        at -= w.chars().count();
    }
    at
}

/// Finds the change stated by each percentage of a sentence.
pub fn find(text: &[char], sq: &[SentenceQ], clause_start_of: impl Fn(usize) -> usize) -> Vec<ChangeMatch> {
    let lex = &LEXICON.change;
    let mut out = Vec::new();
    for (i, q) in sq.iter().enumerate() {
        let unit = q.q.unit.as_str();
        let floor = clause_start_of(q.start);
        // A quantity's unit is a base unit of the unit table (％ is %, 百分点 is 个百分点).
        let is_pct = unit == "%";
        let is_points = unit == lex.point_unit;
        let is_times = unit == lex.times_unit;
        let at = skip_bridges_back(text, q.start, floor);
        let bridge_approx = approx_before(text, q.start);
        let mut approx = if q.q.approx != Approx::Exact { q.q.approx } else { bridge_approx };
        if approx == Approx::Exact {
            approx = approx_after(text, q.end);
        }
        // A change verb (增长, 下降 …) or noun (增幅, 增速) right before the number.
        let verb = lex.verbs.iter().find(|(w, _)| ends_at(text, at, w) && at - w.chars().count() >= floor);
        let noun = lex.nouns.iter().find(|(w, _)| ends_at(text, at, w) && at - w.chars().count() >= floor);
        let (word, sign) = match (verb, noun) {
            (Some((w, s)), _) | (None, Some((w, s))) => (w.as_str(), *s),
            _ => ("", 0),
        };
        if sign != 0 {
            let mut cue_start = at - word.chars().count();
            let mut absolute_cue = false;
            if let Some(y) = word_before(text, cue_start, &lex.yoy) {
                cue_start -= y.chars().count();
                absolute_cue = lex.absolute_cues.iter().any(|c| c == y);
            } else if let Some(b) = compared_base_before(text, cue_start, floor) {
                // 比上年年初预算增加1800亿元: against last year's figure of another kind, said in a few words.
                cue_start = b;
                absolute_cue = true;
            } else if let Some(b) = compared_year_before(text, cue_start, floor) {
                // 比2010年增加13480元, 较2010年下降65.6%: a change against a named year.
                cue_start = b;
                absolute_cue = true;
            }
            if is_pct || is_points || is_times {
                let pct = if is_times { q.q.value * 100.0 } else { q.q.value };
                let unit = if is_points { ChangeUnit::Points } else { ChangeUnit::Percent };
                out.push(ChangeMatch { q: i, cue_start, pct: sign as f64 * pct, approx, unit, absolute: None });
            } else if absolute_cue && !q.q.unit.is_empty() {
                out.push(ChangeMatch {
                    q: i,
                    cue_start,
                    pct: 0.0,
                    approx,
                    unit: ChangeUnit::Percent,
                    absolute: Some(word.to_string()),
                });
            }
            continue;
        }
        // 保持20%以上的增速, 实现20%以上增长: the number comes first.
        if is_pct {
            let j = skip_each(text, q.end, &lex.before_noun);
            // (not 由5.2%下降到0.8%: a to-verb leads to the later figure.)
            let to_verb = word_at(text, j, &LEXICON.name.to_verbs).is_some();
            let after_figure = lex.after_figure.iter().filter(|_| !to_verb);
            if let Some((_, s)) = lex.nouns.iter().chain(after_figure).find(|(w, _)| starts_at(text, j, w)) {
                let cue_start = skip_each_back(text, q.start, 0, &lex.holding_verbs);
                out.push(ChangeMatch {
                    q: i,
                    cue_start,
                    pct: *s as f64 * q.q.value,
                    approx,
                    unit: ChangeUnit::Percent,
                    absolute: None,
                });
            }
        }
    }
    out
}

/// Where `比2010年` / `较2010年同期` ending at `at` starts, if it does and starts at or after `floor`.
/// Any year is read alike (比2022年 is no word of its own).
/// Where a comparison with last year that runs on for a few words before `at` starts (比上年年初预算), if one does.
fn compared_base_before(text: &[char], at: usize, floor: usize) -> Option<usize> {
    const REACH: usize = 8;
    let lex = &LEXICON.change;
    let from = at.saturating_sub(REACH).max(floor);
    (from..at)
        .rev()
        .filter(|&p| text[p..at].iter().all(|&c| crate::lexicon::is_han(c)))
        .find(|&p| lex.absolute_cues.iter().any(|c| starts_at(text, p, c) && p + c.chars().count() < at))
}

fn compared_year_before(text: &[char], at: usize, floor: usize) -> Option<usize> {
    let lex = &LEXICON.change;
    let digits = at - word_before(text, at, &lex.year_ends)?.chars().count();
    let year = digits.checked_sub(4).filter(|&y| y > floor)?;
    let four_digits = text[year..digits].iter().all(|c| c.is_ascii_digit());
    (four_digits && lex.compared_with.has(text[year - 1])).then_some(year - 1)
}
