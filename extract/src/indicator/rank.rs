//! Ranks: 排名A组镇街第9, 均列全市第一, 规模总量全市第一, 在168个重点城市中排名倒26名.

use super::values::{is_numeral, small_number};
use super::SentenceQ;
use crate::lexicon::{ends_at, starts_at, word_at, word_before, LEXICON};

#[derive(Debug, Clone)]
pub struct RankMatch {
    /// From the rank verb (or scope) to the end of 第N名.
    pub start: usize,
    pub end: usize,
    pub position: u32,
    pub scope: String,
    /// 均/都: every figure before it in the sentence shares it.
    pub shared: bool,
    /// 规模总量…第一: the figures of the sentence together.
    pub total: bool,
    /// Quantities that belong to the rank (the N of 第N, the group of 倒N名).
    pub consumed: Vec<usize>,
    /// Where the words that could be the rank's own subject start (after the group of 倒N名).
    pub head_from: usize,
}

fn numeral_run(text: &[char], at: usize, end: usize) -> usize {
    let mut n = 0;
    while at + n < end && is_numeral(text[at + n]) && n < 4 {
        n += 1;
    }
    n
}

fn is_punct(c: char) -> bool {
    LEXICON.rank.clause_breaks.has(c)
}

pub fn find(text: &[char], start: usize, end: usize, sq: &[SentenceQ]) -> Vec<RankMatch> {
    let lex = &LEXICON.rank;
    let mut out = Vec::new();
    let mut p = start;
    while p < end {
        let first = lex.ordinal.has(text[p]);
        let from_bottom = if first { None } else { word_at(text, p, &lex.from_bottom).map(|w| w.chars().count()) };
        if !first && from_bottom.is_none() {
            p += 1;
            continue;
        }
        let lead = if first { 1 } else { from_bottom.unwrap() };
        // 倒数第26: the 第 is written, no 名 needed.
        let ordinal_written = first || lex.ordinal.has(text[p + lead - 1]);
        let n = numeral_run(text, p + lead, end);
        let Some(num) = (n > 0).then(|| small_number(&text[p + lead..p + lead + n])).flatten() else {
            p += 1;
            continue;
        };
        let mut stop = p + lead + n;
        if let Some(s) = lex.suffixes.iter().find(|s| starts_at(text, stop, s)) {
            stop += s.chars().count();
        } else if !ordinal_written {
            // 倒26 without 名 is not a rank.
            p += 1;
            continue;
        } else if text.get(stop).is_some_and(|&c| crate::lexicon::is_han(c) && !lex.ordinal_ties.has(c)) {
            // 全国第十四届, 第三次普查, 第一方阵: an ordinal of something else.
            p += 1;
            continue;
        }
        // Look back for the verb, within the clause.
        let mut k = p;
        let floor = p.saturating_sub(14).max(start);
        let mut verb_at = None;
        while k > floor && !is_punct(text[k - 1]) {
            if let Some(v) = word_before(text, k, &lex.verbs) {
                verb_at = Some((k - v.chars().count(), k));
                break;
            }
            k -= 1;
        }
        let scope_word = word_before(text, p, &lex.scopes);
        let (rstart, scope_start) = match (verb_at, scope_word) {
            (Some((vs, ve)), _) => (vs, ve),
            (None, Some(w)) => (p - w.chars().count(), p - w.chars().count()),
            (None, None) => {
                p += 1;
                continue;
            }
        };
        let mut scope: String = text[scope_start..p].iter().collect();
        for w in &lex.scope_heads {
            scope = scope.trim_start_matches(w.as_str()).to_string();
        }
        // 全区排名第一: the scope may stand before the verb.
        let mut rstart = rstart;
        if scope.is_empty() {
            if let Some(w) = word_before(text, rstart, &lex.scopes) {
                scope = w.to_string();
                rstart -= w.chars().count();
            }
        }
        let shared = lex.shared.iter().any(|w| ends_at(text, rstart, w));
        let clause_head = (start..rstart).rev().find(|&i| is_punct(text[i])).map_or(start, |i| i + 1);
        let head: String = text[clause_head..rstart].iter().collect();
        let total = lex.total_words.iter().any(|w| head.contains(w.as_str()));
        let mut consumed: Vec<usize> =
            sq.iter().enumerate().filter(|(_, q)| q.start < stop && q.end > rstart.min(p)).map(|(i, _)| i).collect();
        let mut position = num;
        let mut head_from = clause_head;
        if !first {
            // 在168个重点城市中排名倒26名: the group size turns it into a position from the top.
            if let Some((gi, g)) = sq.iter().enumerate().rev().find(|(_, q)| q.end <= rstart && q.start >= clause_head)
            {
                let group_noun: String = text[g.end..rstart].iter().collect();
                let group_noun =
                    group_noun.trim_end_matches(|c| lex.group_ends.has(c)).trim_end_matches(|c| lex.group_ties.has(c));
                let total_n = g.q.value as u32;
                if total_n >= num {
                    position = total_n - num + 1;
                    scope = group_noun.to_string();
                    consumed.push(gi);
                    head_from = rstart;
                }
            }
        }
        out.push(RankMatch { start: rstart, end: stop, position, scope, shared, total, consumed, head_from });
        p = stop;
    }
    out
}
