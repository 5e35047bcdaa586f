//! Cleaning the caller's text for matching, keeping a map back to its offsets.
//!
//! Cleaning removes HTML tags (block tags become line breaks, inline tags
//! vanish so `<span>1</span>2` reads `12`), decodes entities, turns CRLF and
//! literal `\r\n` escapes left by scrapers into line breaks, and folds
//! full-width digits, letters, spaces and `％ ． － ＋ ／` to ASCII. Every clean
//! character remembers the caller's code points it came from.

use crate::Span;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

#[derive(Deserialize)]
struct HtmlWords {
    block: HashSet<String>,
    skip: HashSet<String>,
    inline: HashSet<String>,
    entities: HashMap<String, String>,
}

static HTML: LazyLock<HtmlWords> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/html.toml")).expect("data/html.toml is valid")
});

/// The longest tag we read (attributes included), in characters.
const MAX_TAG: usize = 4096;

/// The text the matchers read, and where each of its characters came from.
pub struct CleanText {
    pub text: String,
    /// `origin[i]` is the caller's code point offset of clean character `i`;
    /// one extra entry holds the caller's length.
    origin: Vec<usize>,
    /// `origin_end[i]` is where the caller's text for clean character `i` ends.
    origin_end: Vec<usize>,
}

impl CleanText {
    pub fn new(raw: &str) -> CleanText {
        let chars: Vec<char> = raw.chars().collect();
        CleanText::from_chars(&chars)
    }

    /// [`CleanText::new`] on the caller's text as characters, for a caller that has them already.
    pub fn from_chars(chars: &[char]) -> CleanText {
        let mut out = Builder::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '<' => {
                    if let Some(next) = read_tag(chars, i, &mut out) {
                        i = next;
                        continue;
                    }
                    out.push('<', i, i + 1);
                }
                '&' => {
                    if let Some((text, next)) = read_entity(chars, i) {
                        for ch in text.chars() {
                            out.push(fold(ch), i, next);
                        }
                        i = next;
                        continue;
                    }
                    out.push('&', i, i + 1);
                }
                '\r' => {
                    // CRLF and lone CR both become one line break.
                    let next = if chars.get(i + 1) == Some(&'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    out.push('\n', i, next);
                    i = next;
                    continue;
                }
                '\\' => {
                    if let Some((ch, next)) = read_escape(chars, i) {
                        if let Some(ch) = ch {
                            out.push(ch, i, next);
                        }
                        i = next;
                        continue;
                    }
                    out.push('\\', i, i + 1);
                }
                _ => out.push(fold(c), i, i + 1),
            }
            i += 1;
        }
        out.finish(chars.len())
    }

    /// Maps a span of the clean text (code points) to the caller's text.
    /// Spans past the end of the clean text are clamped to it.
    pub fn to_caller(&self, span: Span) -> Span {
        let len = self.origin_end.len();
        let start = self.origin[span.start.min(len)];
        let end = match span.end.min(len) {
            end if end > span.start => self.origin_end[end - 1],
            _ => start,
        };
        Span {
            start,
            end: end.max(start),
        }
    }
}

struct Builder {
    text: String,
    origin: Vec<usize>,
    origin_end: Vec<usize>,
}

impl Builder {
    fn with_capacity(n: usize) -> Builder {
        Builder {
            text: String::with_capacity(n * 3),
            origin: Vec::with_capacity(n + 1),
            origin_end: Vec::with_capacity(n),
        }
    }

    // Once per character of every text: inlined into the cleaning loop.
    #[inline]
    fn push(&mut self, c: char, from: usize, to: usize) {
        self.text.push(c);
        self.origin.push(from);
        self.origin_end.push(to);
    }

    /// A line break for a block tag, unless the text already ends a line.
    fn line_break(&mut self, from: usize, to: usize) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.push('\n', from, to);
        }
    }

    fn finish(mut self, raw_len: usize) -> CleanText {
        self.origin.push(raw_len);
        CleanText {
            text: self.text,
            origin: self.origin,
            origin_end: self.origin_end,
        }
    }
}

/// Full-width and no-break forms that matter to number matching, folded to ASCII.
fn fold(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' | '－' | '＋' | '／' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' | '\u{a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
        _ => c,
    }
}

/// Reads an HTML tag or comment at `i`; returns where the text resumes, or
/// `None` when the `<` does not open a tag we know.
fn read_tag(chars: &[char], i: usize, out: &mut Builder) -> Option<usize> {
    if chars[i + 1..].starts_with(&['!', '-', '-']) {
        let end = find(chars, i + 4, &['-', '-', '>']).map_or(chars.len(), |e| e + 3);
        return Some(end);
    }
    let mut j = i + 1;
    let closing = chars.get(j) == Some(&'/');
    if closing {
        j += 1;
    }
    let name_start = j;
    while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == ':') {
        j += 1;
    }
    if j == name_start || j - name_start > 20 {
        return None;
    }
    let name: String = chars[name_start..j]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let html = &*HTML;
    let known =
        html.block.contains(&name) || html.skip.contains(&name) || html.inline.contains(&name);
    if !known || !matches!(chars.get(j), Some('>' | '/' | ' ' | '\t' | '\n' | '\r')) {
        return None;
    }
    // A tag closes within a bounded reach; a stray `<p ` with no `>` stays text.
    let close = chars[j..]
        .iter()
        .take(MAX_TAG)
        .position(|&c| c == '>')
        .map(|p| j + p + 1)?;
    if html.skip.contains(&name) && !closing {
        // Drop everything up to the matching end tag.
        let end_tag: Vec<char> = format!("</{name}").chars().collect();
        let end = find_ci(chars, close, &end_tag)
            .and_then(|e| chars[e..].iter().position(|&c| c == '>').map(|p| e + p + 1))
            .unwrap_or(chars.len());
        return Some(end);
    }
    if html.block.contains(&name) {
        out.line_break(i, close);
    }
    Some(close)
}

/// Reads `&name;`, `&#NN;` or `&#xHH;` at `i`.
fn read_entity(chars: &[char], i: usize) -> Option<(String, usize)> {
    let end = chars
        .iter()
        .skip(i + 1)
        .take(10)
        .position(|&c| c == ';')
        .map(|p| i + 1 + p)?;
    let body: String = chars[i + 1..end].iter().collect();
    let text = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)
            .filter(|c| !c.is_control() || *c == '\n')?
            .to_string()
    } else {
        HTML.entities.get(&body)?.clone()
    };
    Some((text, end + 1))
}

/// Reads a literal escape left by a scraper (`\r\n`, `\n`, `\t`) at `i`:
/// the character it stands for (or none for a lone `\r`) and where the text resumes.
fn read_escape(chars: &[char], i: usize) -> Option<(Option<char>, usize)> {
    match chars.get(i + 1)? {
        'r' if chars.get(i + 2) == Some(&'\\') && chars.get(i + 3) == Some(&'n') => {
            Some((Some('\n'), i + 4))
        }
        'r' => Some((None, i + 2)),
        'n' => Some((Some('\n'), i + 2)),
        't' => Some((Some(' '), i + 2)),
        _ => None,
    }
}

fn find(chars: &[char], from: usize, needle: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&k| chars[k..].starts_with(needle))
}

fn find_ci(chars: &[char], from: usize, needle: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&k| {
        chars.len() - k >= needle.len()
            && chars[k..k + needle.len()]
                .iter()
                .zip(needle)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        CleanText::new(s).text
    }

    #[test]
    fn joins_numbers_split_across_spans() {
        assert_eq!(
            clean("<p>距县城<span lang=\"EN-US\">45</span>公里</p><p>二</p>"),
            "距县城45公里\n二\n"
        );
    }

    #[test]
    fn folds_and_unescapes() {
        assert_eq!(
            clean("增长１２．５％&nbsp;a\\r\\nb\r\nc"),
            "增长12.5% a\nb\nc"
        );
    }

    #[test]
    fn maps_spans_back_through_entities_and_tags() {
        let raw = "<b>3</b>&#37;x";
        let c = CleanText::new(raw);
        assert_eq!(c.text, "3%x");
        assert_eq!(
            c.to_caller(Span { start: 0, end: 2 }),
            Span { start: 3, end: 13 }
        );
    }

    #[test]
    fn clamps_spans_outside_the_text() {
        let empty = CleanText::new("<p></p>");
        assert_eq!(
            empty.to_caller(Span { start: 0, end: 3 }),
            Span { start: 7, end: 7 }
        );
        let c = CleanText::new("ab");
        assert_eq!(
            c.to_caller(Span { start: 1, end: 9 }),
            Span { start: 1, end: 2 }
        );
        assert_eq!(
            c.to_caller(Span { start: 5, end: 9 }),
            Span { start: 2, end: 2 }
        );
    }

    #[test]
    fn drops_scripts_and_comments() {
        assert_eq!(
            clean("a<script>var x=1<2;</script><!-- 3 -->b<style>p{}</style>c"),
            "abc"
        );
    }
}
