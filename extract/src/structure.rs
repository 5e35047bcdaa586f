//! The section tree: headings found by their list markers, each with a kind.

use crate::lexicon::{is_han, LEXICON};
use crate::SectionKind;

/// A heading in clean-text code points.
#[derive(Debug, Clone)]
pub struct Heading {
    pub marker: String,
    pub marker_start: usize,
    pub title_end: usize,
    pub title: String,
    pub level: u8,
    pub kind: SectionKind,
    /// Heading start to the next heading at the same or an outer level.
    pub end: usize,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// 一、
    HanComma,
    /// （一）
    HanParen,
    /// 一是
    HanIs,
    /// 1. 1、
    DigitDot,
    /// （1）
    DigitParen,
}

fn is_han_digit(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

fn han_run(text: &[char], at: usize) -> usize {
    let mut n = 0;
    while at + n < text.len() && is_han_digit(text[at + n]) && n < 3 {
        n += 1;
    }
    n
}

fn digit_run(text: &[char], at: usize) -> usize {
    let mut n = 0;
    while at + n < text.len() && text[at + n].is_ascii_digit() && n < 2 {
        n += 1;
    }
    n
}

/// The marker starting at `at`, if one does: its style and length.
fn marker_at(text: &[char], at: usize) -> Option<(Style, usize)> {
    let c = text[at];
    if !(c == '(' || c == '（' || c.is_ascii_digit() || is_han_digit(c)) {
        return None;
    }
    let get = |i: usize| text.get(at + i).copied();
    if c == '(' || c == '（' {
        let n = han_run(text, at + 1);
        if n > 0 && matches!(get(n + 1), Some(')' | '）')) {
            return Some((Style::HanParen, n + 2));
        }
        let n = digit_run(text, at + 1);
        if n > 0 && matches!(get(n + 1), Some(')' | '）')) {
            return Some((Style::DigitParen, n + 2));
        }
        return None;
    }
    let n = han_run(text, at);
    if n > 0 {
        if get(n) == Some('、') {
            return Some((Style::HanComma, n + 1));
        }
        if get(n) == Some('是') && get(n + 1).is_some_and(|c| is_han(c) || c == '“' || c == '"') {
            return Some((Style::HanIs, n + 1));
        }
        return None;
    }
    let n = digit_run(text, at);
    if n > 0 && matches!(get(n), Some('.' | '、' | '．')) && !get(n + 1).is_some_and(|c| c.is_ascii_digit()) {
        return Some((Style::DigitDot, n + 1));
    }
    None
}

/// May a heading start right after `prev`?
fn boundary_before(prev: Option<char>, style: Style) -> bool {
    match prev {
        None => true,
        Some(c) if c.is_whitespace() => true,
        Some('。' | '；' | ';' | '：' | ':' | '|' | '！' | '？') => true,
        Some('，' | ',') => style == Style::HanIs,
        _ => false,
    }
}

/// Where a heading's title ends.
fn title_end(text: &[char], start: usize, style: Style) -> usize {
    let limit = (start + 48).min(text.len());
    let stop_comma = matches!(style, Style::HanIs | Style::DigitDot | Style::DigitParen);
    let mut i = start;
    while i < limit {
        let c = text[i];
        if matches!(c, '。' | '\n' | '\r' | '！' | '？' | '；' | ';' | '|' | '：' | ':') {
            return i;
        }
        if stop_comma && matches!(c, '，' | ',') {
            return i;
        }
        if (c == ' ' || c == '\u{3000}') && i > start {
            return i;
        }
        i += 1;
    }
    // No end within reach: the first comma ends it.
    (start..limit).find(|&j| matches!(text[j], '，' | ',')).unwrap_or(limit)
}

fn kind_of(title: &str, report_year: Option<i32>) -> SectionKind {
    let lex = &LEXICON.section;
    let has = |words: &crate::lexicon::Words| words.iter().any(|w| title.contains(w.as_str()));
    let next_year = report_year.is_some_and(|y| title.contains(&format!("{}年", y + 1)));
    let (plan_words, review) = (has(&lex.plan), has(&lex.review));
    // 2023年工作总结和2024年工作计划, 重点工作完成情况: a heading that names review and plan alike leaves
    // the kind of each figure to its own sentence.
    if plan_words && review {
        SectionKind::Other
    } else if next_year || plan_words {
        SectionKind::Plan
    } else if has(&lex.problems) {
        SectionKind::Problems
    } else if review {
        SectionKind::Review
    } else {
        SectionKind::Other
    }
}

/// Finds the headings of `text`, outermost levels first in their tree.
pub fn headings(text: &[char], report_year: Option<i32>) -> Vec<Heading> {
    let mut out: Vec<Heading> = Vec::new();
    let mut styles: Vec<Style> = Vec::new(); // the open levels
    let mut open: Vec<usize> = Vec::new(); // heading index per open level
    let mut i = 0;
    while i < text.len() {
        let Some((style, len)) = marker_at(text, i) else {
            i += 1;
            continue;
        };
        // Allow indentation and bullets before a marker.
        let mut p = i;
        while p > 0 && (text[p - 1] == ' ' || text[p - 1] == '\u{3000}' || text[p - 1] == '\t') {
            p -= 1;
        }
        let prev = if p == 0 { None } else { Some(text[p - 1]) };
        // Indentation before a marker is a boundary too.
        if !boundary_before(prev, style) && p == i {
            i += 1;
            continue;
        }
        let ts = i + len;
        let te = title_end(text, ts, style);
        let title: String = text[ts..te].iter().collect::<String>().trim().to_string();
        if title.is_empty() {
            i += 1;
            continue;
        }
        let depth = match styles.iter().position(|&s| s == style) {
            Some(d) => d,
            None => styles.len(),
        };
        for &h in &open[depth.min(open.len())..] {
            out[h].end = i;
        }
        styles.truncate(depth);
        open.truncate(depth);
        styles.push(style);
        let parent = open.last().copied();
        let own = kind_of(&title, report_year);
        let kind = match parent.map(|p| out[p].kind) {
            Some(k) if k != SectionKind::Other => k,
            _ => own,
        };
        open.push(out.len());
        out.push(Heading {
            marker: text[i..ts].iter().collect(),
            marker_start: i,
            title_end: te,
            title,
            level: (depth + 1) as u8,
            kind,
            end: text.len(),
            parent,
        });
        i = te;
    }
    out
}

/// Indices of the headings enclosing `pos`, outermost first.
pub fn path_at(headings: &[Heading], pos: usize) -> Vec<usize> {
    let Some(last) = headings.iter().rposition(|h| h.marker_start <= pos) else {
        return Vec::new();
    };
    let mut chain = Vec::new();
    let mut cur = Some(last);
    while let Some(h) = cur {
        if headings[h].end > pos {
            chain.push(h);
        }
        cur = headings[h].parent;
    }
    chain.reverse();
    chain
}

/// Gives each heading its kind once the report year is known (a heading naming the year after it plans).
pub fn assign_kinds(headings: &mut [Heading], report_year: Option<i32>) {
    for i in 0..headings.len() {
        let own = kind_of(&headings[i].title, report_year);
        headings[i].kind = match headings[i].parent.map(|p| headings[p].kind) {
            Some(k) if k != SectionKind::Other => k,
            _ => own,
        };
    }
}
