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
    out.into_iter().flat_map(|s| bounded(text, s)).collect()
}

/// Longest sentence read as one, in code points. Real sentences stay far below it (the longest
/// in the shared corpus is under 600); past it a run-on (a table flattened to one line, or
/// hostile input such as `1,` × 50 000) is cut at clause ends so that per-sentence work,
/// which looks back over clauses and figures, stays bounded and parsing stays linear.
pub const MAX_SENTENCE: usize = 2000;

/// Cuts a sentence longer than [`MAX_SENTENCE`] at the last clause end (else the last
/// character that is not part of a number or word) of each window.
fn bounded(text: &[char], s: Sentence) -> Vec<Sentence> {
    if s.end - s.start <= MAX_SENTENCE {
        return vec![s];
    }
    let mut out = Vec::new();
    let mut start = s.start;
    while s.end - start > MAX_SENTENCE {
        let limit = start + MAX_SENTENCE;
        let floor = start + MAX_SENTENCE / 2;
        // The separator itself belongs to neither part.
        let (end, next) = match (floor..limit).rev().find(|&i| is_clause_end(text[i])) {
            Some(i) => (i, i + 1),
            None => {
                let i = (floor..limit).rev().find(|&i| !text[i].is_alphanumeric()).map_or(limit, |i| i + 1);
                (i, i)
            }
        };
        out.push(Sentence { start, end });
        start = next;
    }
    out.push(Sentence { start, end: s.end });
    out
}

/// Clause spans of `[start, end)`, separators excluded.
pub fn clauses(text: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    let mut depth = 0i32;
    for (i, &c) in text.iter().enumerate().take(end).skip(start) {
        match c {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_on_sentences_are_cut_at_clause_ends() {
        let text: Vec<char> = "增长1%，".repeat(3000).chars().collect();
        let parts = split(&text, &[]);
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(p.end - p.start <= MAX_SENTENCE, "{p:?}");
            // Cut at a separator: no figure is split between two parts.
            assert!(p.end == text.len() || text[p.end] == '，', "{p:?}");
        }
        // Nothing is lost but the separators at the cuts.
        let kept: usize = parts.iter().map(|p| p.end - p.start).sum();
        assert_eq!(kept + parts.len() - 1, text.len());
    }

    #[test]
    fn a_run_on_without_separators_is_cut_between_words() {
        let text: Vec<char> = "规上工业产值48亿元 ".repeat(400).chars().collect();
        for p in split(&text, &[]) {
            assert!(p.end - p.start <= MAX_SENTENCE);
            assert!(p.start == 0 || !text[p.start - 1].is_alphanumeric());
        }
    }

    #[test]
    fn real_sentences_stay_whole() {
        let s = "1-10月规上工业产值48.78亿元，同比增长6.15%，排名A组镇街第9。";
        let text: Vec<char> = s.chars().collect();
        assert_eq!(split(&text, &[]), vec![Sentence { start: 0, end: text.len() - 1 }]);
    }
}
