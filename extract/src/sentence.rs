//! Sentences and clauses: the units a figure is read in.

/// A sentence, in clean-text code points, end exclusive (terminator excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// Ends a sentence.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '\r' | '|')
}

/// Ends a clause inside a sentence.
pub fn is_clause_end(c: char) -> bool {
    matches!(c, '，' | ',' | '；' | ';' | '：' | ':')
}

/// Splits `text` into sentences; `breaks` are extra positions where a sentence must start
/// (section headings written inline).
pub fn split(text: &[char], breaks: &[usize]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut next_break = breaks.iter().copied().peekable();
    let push = |s: usize, e: usize, out: &mut Vec<Sentence>| {
        let (mut s, mut e) = (s, e);
        while s < e && text[s].is_whitespace() {
            s += 1;
        }
        while e > s && text[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            out.push(Sentence { start: s, end: e });
        }
    };
    for (i, &c) in text.iter().enumerate() {
        while next_break.peek().is_some_and(|&b| b < i) {
            next_break.next();
        }
        if next_break.peek() == Some(&i) && i > start {
            push(start, i, &mut out);
            start = i;
        }
        if is_sentence_end(c) && !(matches!(c, '\n' | '\r') && continues(text, start, i)) {
            push(start, i, &mut out);
            start = i + 1;
        }
    }
    push(start, text.len(), &mut out);
    out
}

/// Clause spans of `[start, end)`, separators excluded.
pub fn clauses(text: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    let mut depth = 0i32;
    for i in start..end {
        match text[i] {
            '(' | '（' | '“' | '《' => depth += 1,
            ')' | '）' | '”' | '》' => depth = (depth - 1).max(0),
            c if is_clause_end(c) && depth == 0 => {
                out.push((s, i));
                s = i + 1;
            }
            _ => {}
        }
    }
    out.push((s, end));
    out
}

/// Does the sentence go on after the line break at `at`? A long line that ends without
/// punctuation was cut by the page, not by the writer (…为1747名⏎⏎80周岁以上老人发放高龄津贴).
fn continues(text: &[char], start: usize, at: usize) -> bool {
    let Some(last) = text[start..at].iter().rev().find(|c| !c.is_whitespace()) else { return false };
    if !(crate::lexicon::is_han(*last) || last.is_ascii_digit()) || at - start < 40 {
        return false;
    }
    let next = text[at..].iter().find(|c| !c.is_whitespace());
    next.is_some_and(|&c| crate::lexicon::is_han(c) || c.is_ascii_digit())
}
