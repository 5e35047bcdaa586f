//! Is a number a measure, not a date, a duration, an ordinal, a code or a category threshold?

use super::{values, SentenceQ};
use crate::lexicon::{is_han, skip_word, word_at, word_before, Chars, LEXICON};
use crate::sentence::is_clause_end;

pub fn measures_something(text: &[char], q: &SentenceQ, sentence_end: usize) -> bool {
    let words = &LEXICON.figure;
    // 高于全市平均水平0.8个百分点: points compare, they measure nothing of their own.
    // …是2010年的2.4倍: a multiple compares, it measures nothing of its own (增长1.2倍 is a change).
    let timed = values::is_time_unit(&q.q.unit) && !counts_time(text, q.start);
    if !values::has_digit(q.q) || timed || words.comparing_units.ending(&q.q.unit).is_some() {
        return false;
    }
    // 第3针, G322, 每10万人 (a denominator), 3号, 1+4: not measures.
    let prev = q.start.checked_sub(1).map(|p| text[p]);
    let next = text.get(q.end).copied();
    if prev.is_some_and(|c| words.not_measure_before.has(c)) || next.is_some_and(|c| words.not_measure_after.has(c)) {
        return false;
    }
    // 110千伏变电站4座: a voltage before a noun says which class of station or line, not how much.
    if words.class_units.has(&q.q.unit) && next.is_some_and(is_han) {
        return false;
    }
    // “1586”专项行动, “1+4”制度体系
    let quoted = |c: Option<char>, w: &Chars| c.is_some_and(|c| w.has(c));
    if quoted(prev, &words.open_quotes) && quoted(next, &words.close_quotes) {
        return false;
    }
    !is_threshold_before_count(text, q, sentence_end) && !is_category_bound(text, q, sentence_end)
}

/// 空气质量优良天数达到280天: a count of days named just before the figure, in its clause.
fn counts_time(text: &[char], at: usize) -> bool {
    let words = &LEXICON.figure;
    let from = at.saturating_sub(words.time_count_reach);
    let from = (from..at).rev().find(|&i| is_clause_end(text[i])).map_or(from, |i| i + 1);
    (from..at).any(|i| word_at(text, i, &words.time_counts).is_some())
}

/// 超200亿元县2个, 收入超50万元的村12个: a threshold after 超 that names what the next count counts.
fn is_threshold_before_count(text: &[char], q: &SentenceQ, sentence_end: usize) -> bool {
    let words = &LEXICON.figure;
    if word_before(text, q.start, &words.over_words).is_none() {
        return false;
    }
    let j = skip_word(text, q.end, &words.possessive);
    let Some(e) = (j..sentence_end.min(j + 8)).find(|&i| !is_han(text[i])) else { return false };
    let compares = (j..e).any(|i| words.comparing_chars.has(text[i]));
    e > j && text[e].is_ascii_digit() && !compares
}

/// 10人以上重点出租房, 收入100万元以上的村: a threshold that defines a category.
fn is_category_bound(text: &[char], q: &SentenceQ, sentence_end: usize) -> bool {
    let words = &LEXICON.figure;
    let mut j = q.end;
    let surface: Vec<char> = q.q.text.chars().collect();
    let bound = if word_before(&surface, surface.len(), &words.bounds).is_some() {
        true
    } else if let Some(w) = word_at(text, j, &words.bounds) {
        j += w.chars().count();
        true
    } else {
        false
    };
    if !bound || j >= sentence_end {
        return false;
    }
    j = skip_word(text, j, &words.possessive);
    let Some(&c) = text.get(j) else { return false };
    // 100万元以上21个, 100万元以上达21个村: the count of what passes the threshold follows.
    let k = if words.count_leads.has(c) { j + 1 } else { j };
    if text.get(k).is_some_and(|c| c.is_ascii_digit()) {
        return true;
    }
    let change_noun = word_at(text, j, &words.bound_change_nouns).is_some();
    is_han(c) && !change_noun && !words.bound_continuations.has(c)
}
