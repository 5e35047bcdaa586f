//! Time phrases: 1-10月 / 截至10月底 / 上半年 at a sentence head (months of the year for the
//! list that follows), and 6月份 at a clause head (the month an event happened).

use crate::lexicon::{skip_each, word_at, LEXICON};

fn digits(text: &[char], at: usize, end: usize) -> (usize, Option<u32>) {
    let mut n = 0;
    while at + n < end && n < 4 && text[at + n].is_ascii_digit() {
        n += 1;
    }
    let v = (n > 0).then(|| text[at..at + n].iter().collect::<String>().parse().ok()).flatten();
    (n, v)
}

fn month(v: Option<u32>) -> Option<u8> {
    v.filter(|m| (1..=12).contains(m)).map(|m| m as u8)
}

/// Skips a year (2023年, 今年, 去年) at `at`.
fn skip_year(text: &[char], at: usize, end: usize) -> usize {
    let lex = &LEXICON.period;
    let (n, v) = digits(text, at, end);
    if n == 4 && v.is_some_and(|y| (1950..2100).contains(&y)) && lex.year.at(text, at + 4) {
        return at + 5;
    }
    word_at(text, at, &lex.year_words).map_or(at, |w| at + w.chars().count())
}

/// A month range at `at`: 1-10月, 1至10月, 1—10月, 截至10月底, 上半年. Returns the months and where it ends.
pub fn months_at(text: &[char], at: usize, end: usize) -> Option<(u8, u8, usize)> {
    let lex = &LEXICON.period;
    let at = skip_year(text, at, end);
    for (w, f, t) in &lex.halves {
        if crate::lexicon::starts_at(text, at, w) {
            return Some((*f, *t, at + w.chars().count()));
        }
    }
    let mut i = at;
    let mut until = false;
    if let Some(w) = word_at(text, i, &lex.until) {
        i += w.chars().count();
        i = skip_year(text, i, end);
        until = true;
    }
    let (n, a) = digits(text, i, end);
    let a = month(a)?;
    if n == 0 {
        return None;
    }
    i += n;
    if until {
        return lex.month.at(text, i).then(|| (1, a, skip_each(text, i + 1, &lex.until_month_ends)));
    }
    // The separator of a range, as the number layer reads it (1-10月, 1至10月, 1——10月), perhaps
    // typed twice (1-—10月).
    let range = &crate::quantity::lexicon().range;
    let (sep, _) = range.at(text, i)?;
    let j = i + sep + range.at(text, i + sep).map_or(0, |(n, _)| n);
    let (m, b) = digits(text, j, end);
    let b = month(b)?;
    if m > 0 && lex.month.at(text, j + m) && b >= a {
        return Some((a, b, skip_each(text, j + m + 1, &lex.range_month_ends)));
    }
    None
}

/// A month that dates an event at a clause head: 6月份启动…, 7月完成….
pub fn event_month_at(text: &[char], at: usize, end: usize) -> Option<u8> {
    let lex = &LEXICON.period;
    let at = skip_year(text, at, end);
    let (n, v) = digits(text, at, end);
    let m = month(v)?;
    if n == 0 || !lex.month.at(text, at + n) {
        return None;
    }
    // 6月底前, 6月以来 limit no single event.
    if lex.not_event.at(text, at + n + 1) {
        return None;
    }
    Some(m)
}
