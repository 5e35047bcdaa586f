//! Cleaning the caller's text for matching, keeping a map back to its offsets.

use crate::Span;

/// The text the matchers read, and where each of its characters came from.
pub struct CleanText {
    pub text: String,
    /// `origin[i]` is the caller's code point offset of clean character `i`;
    /// one extra entry holds the caller's length.
    origin: Vec<usize>,
}

impl CleanText {
    pub fn new(raw: &str) -> CleanText {
        let n = raw.chars().count();
        CleanText { text: raw.to_string(), origin: (0..=n).collect() }
    }

    /// Maps a span of the clean text (code points) to the caller's text.
    pub fn to_caller(&self, span: Span) -> Span {
        let start = self.origin[span.start];
        let end = if span.end > span.start { self.origin[span.end - 1] + 1 } else { start };
        Span { start, end }
    }
}
