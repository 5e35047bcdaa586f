//! Time phrases: 1-10月 / 截至10月底 / 上半年 at a sentence head (months of the year for the
//! list that follows), and 6月份 at a clause head (the month an event happened).

use crate::lexicon::{starts_at, LEXICON};

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
    let (n, v) = digits(text, at, end);
    if n == 4 && v.is_some_and(|y| (1950..2100).contains(&y)) && text.get(at + 4) == Some(&'年') {
        return at + 5;
    }
    for w in ["今年", "去年", "全年", "本年"] {
        if starts_at(text, at, w) {
            return at + 2;
        }
    }
    at
}

/// A month range at `at`: 1-10月, 1至10月, 1—10月, 截至10月底, 上半年. Returns the months and where it ends.
pub fn months_at(text: &[char], at: usize, end: usize) -> Option<(u8, u8, usize)> {
    let lex = &LEXICON.period;
    let at = skip_year(text, at, end);
    for (w, f, t) in &lex.halves {
        if starts_at(text, at, w) {
            return Some((*f, *t, at + w.chars().count()));
        }
    }
    let mut i = at;
    let mut until = false;
    if let Some(w) = lex.until.iter().find(|w| starts_at(text, i, w)) {
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
        if text.get(i) == Some(&'月') {
            i += 1;
            for w in ["份", "底", "末", "止"] {
                if starts_at(text, i, w) {
                    i += 1;
                }
            }
            return Some((1, a, i));
        }
        return None;
    }
    if matches!(text.get(i), Some('-' | '—' | '–' | '~' | '～' | '至' | '到')) {
        let mut j = i + 1;
        if text.get(j) == Some(&'—') {
            j += 1;
        }
        let (m, b) = digits(text, j, end);
        let b = month(b)?;
        if m > 0 && text.get(j + m) == Some(&'月') && b >= a {
            let mut k = j + m + 1;
            if starts_at(text, k, "份") {
                k += 1;
            }
            return Some((a, b, k));
        }
    }
    None
}

/// A month that dates an event at a clause head: 6月份启动…, 7月完成….
pub fn event_month_at(text: &[char], at: usize, end: usize) -> Option<u8> {
    let at = skip_year(text, at, end);
    let (n, v) = digits(text, at, end);
    let m = month(v)?;
    if n == 0 || text.get(at + n) != Some(&'月') {
        return None;
    }
    // 6月底前, 6月以来 limit no single event.
    let next = text.get(at + n + 1).copied();
    if matches!(next, Some('底' | '末' | '以' | '至' | '-' | '止')) {
        return None;
    }
    Some(m)
}
