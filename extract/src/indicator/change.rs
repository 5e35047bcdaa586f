//! Changes: 同比增长6.15%, 增幅达38.37%, 提高0.8个百分点, 保持20%以上的增速, 比上年增加1800亿元.

use super::values::{approx_after, approx_before};
use super::SentenceQ;
use crate::lexicon::{ends_at, starts_at, word_before, LEXICON};
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

/// Words that may sit between a change word and its number.
/// 增速保持在50%以上, 涨幅控制在3%左右: a held or capped change is still the change.
const BRIDGES: &[&str] =
    &["保持在", "稳定在", "控制在", "达到", "达", "了", "为", "约", "近", "超过", "超", "突破", "逾"];

fn skip_bridges_back(text: &[char], mut at: usize, floor: usize) -> usize {
    loop {
        match BRIDGES.iter().find(|w| ends_at(text, at, w) && at - w.chars().count() >= floor) {
            Some(w) => at -= w.chars().count(),
            None => return at,
        }
    }
}

/// Finds the change stated by each percentage of a sentence.
pub fn find(text: &[char], sq: &[SentenceQ], clause_start_of: impl Fn(usize) -> usize) -> Vec<ChangeMatch> {
    let lex = &LEXICON.change;
    let mut out = Vec::new();
    for (i, q) in sq.iter().enumerate() {
        let unit = q.q.unit.as_str();
        let floor = clause_start_of(q.start);
        let is_pct = unit == "%" || unit == "％";
        let is_points = unit == "个百分点" || unit == "百分点";
        let is_times = unit == "倍";
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
        // 保持20%以上的增速: the number comes first.
        if is_pct {
            let mut j = q.end;
            for w in ["以上", "左右", "的"] {
                if starts_at(text, j, w) {
                    j += w.chars().count();
                }
            }
            if let Some((w, s)) = lex.nouns.iter().find(|(w, _)| starts_at(text, j, w)) {
                let _ = w;
                let mut cue_start = q.start;
                for w in ["保持", "实现", "达到"] {
                    if ends_at(text, cue_start, w) {
                        cue_start -= w.chars().count();
                    }
                }
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

/// Where `比2010年` / `较2010年同期` ending at `at` starts, if it does.
fn compared_year_before(text: &[char], at: usize, floor: usize) -> Option<usize> {
    let mut i = at;
    if ends_at(text, i, "同期") {
        i -= 2;
    }
    if i < floor + 6 || text[i - 1] != '年' {
        return None;
    }
    let digits = i - 1;
    if digits < 4 || !text[digits - 4..digits].iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let b = digits - 4;
    (b > floor && matches!(text[b - 1], '比' | '较')).then_some(b - 1)
}
