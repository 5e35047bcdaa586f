//! Where each figure stands in the sentence the engine quotes with it.
//!
//! The Report carries each indicator's sentence (clean text) and its span (offsets into the caller's
//! text, which cleaning may have changed), not where in the sentence the figure is. The checks read
//! the words between figures, so they find each figure's `value_text` (cleaned like the sentence) in
//! its sentence, in the order of the spans: a figure is searched after the one before it.

use super::words::WORDS;
use crate::text::CleanText;
use crate::{Indicator, Report};

/// A figure's place: which sentence, and its characters there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
}

pub struct Located<'r> {
    pub report: &'r Report,
    /// The sentences, as characters.
    pub sentences: Vec<Vec<char>>,
    /// Per sentence, its indicators in order.
    pub members: Vec<Vec<usize>>,
    /// Per indicator, its place, when its figure was found in its sentence.
    pub at: Vec<Option<Place>>,
}

impl<'r> Located<'r> {
    pub fn new(report: &'r Report) -> Located<'r> {
        let mut l = Located { report, sentences: Vec::new(), members: Vec::new(), at: Vec::new() };
        for (i, ind) in report.indicators.iter().enumerate() {
            if l.starts_sentence(i, ind) {
                l.sentences.push(ind.sentence.chars().collect());
                l.members.push(Vec::new());
            }
            let s = l.sentences.len() - 1;
            let place = l.find(s, i);
            l.members[s].push(i);
            l.at.push(place);
        }
        l
    }

    pub fn indicator(&self, i: usize) -> &'r Indicator {
        &self.report.indicators[i]
    }

    /// Another sentence than the one before, or the same words again further on (a repeated passage).
    fn starts_sentence(&self, i: usize, ind: &Indicator) -> bool {
        let Some(prev) = i.checked_sub(1).map(|p| &self.report.indicators[p]) else { return true };
        let len = self.sentences.last().map_or(0, Vec::len);
        prev.sentence != ind.sentence || ind.span.start > prev.span.start + len
    }

    /// Finds indicator `i` in sentence `s`, after the figure before it.
    fn find(&self, s: usize, i: usize) -> Option<Place> {
        let ind = self.indicator(i);
        let prev = self.members[s].last().map(|&p| (self.indicator(p), self.at[p]));
        if let Some((p, Some(place))) = prev {
            if p.span == ind.span {
                return Some(place);
            }
        }
        let needle: Vec<char> = CleanText::new(&ind.value_text).text.chars().collect();
        let from = prev.and_then(|(_, p)| p).map_or(0, |p| p.end);
        let chars = &self.sentences[s];
        let hit = search(chars, &needle, from).or_else(|| search(chars, &needle, 0))?;
        Some(Place { sentence: s, start: hit, end: hit + needle.len() })
    }

    /// The characters of sentence `s` from `from` to `to`, as a string.
    pub fn text(&self, s: usize, from: usize, to: usize) -> String {
        let chars = &self.sentences[s];
        chars[from.min(chars.len())..to.min(chars.len())].iter().collect()
    }

    /// The located indicators of `i`'s sentence that stand before it, nearest first.
    pub fn before(&self, i: usize) -> impl Iterator<Item = (usize, Place)> + '_ {
        let here = self.at[i];
        let s = here.map_or(usize::MAX, |p| p.sentence);
        let members = self.members.get(s).map_or(&[][..], Vec::as_slice);
        members.iter().rev().filter_map(move |&j| Some((j, self.at[j]?))).filter(move |(_, p)| here.is_some_and(|h| p.end <= h.start))
    }

    /// The located indicators of `i`'s sentence that stand after it, nearest first.
    pub fn after(&self, i: usize) -> impl Iterator<Item = (usize, Place)> + '_ {
        let here = self.at[i];
        let s = here.map_or(usize::MAX, |p| p.sentence);
        let members = self.members.get(s).map_or(&[][..], Vec::as_slice);
        members.iter().filter_map(move |&j| Some((j, self.at[j]?))).filter(move |(_, p)| here.is_some_and(|h| p.start >= h.end))
    }

    /// Does an item separator (；) stand between `from` and `to` of sentence `s`?
    pub fn separated(&self, s: usize, from: usize, to: usize) -> bool {
        self.text(s, from, to).chars().any(|c| WORDS.items.separators.contains(c))
    }
}

/// The first place at or after `from` where `needle` stands as a whole number (no digit or point
/// right before it: 5% is not found inside 15%).
fn search(chars: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || needle.len() > chars.len() {
        return None;
    }
    (from..=chars.len() - needle.len()).find(|&i| {
        chars[i..i + needle.len()] == *needle && !(i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_found_as_a_whole_number_after_the_one_before() {
        let chars: Vec<char> = "增长15%，占5%，再占5%".chars().collect();
        let five: Vec<char> = "5%".chars().collect();
        assert_eq!(search(&chars, &five, 0), Some(7));
        assert_eq!(search(&chars, &five, 8), Some(12));
        assert_eq!(search(&chars, &[], 0), None);
    }

    #[test]
    fn each_figure_has_its_place_in_its_sentence() {
        let report = crate::parse("化解积案20件,其中国家级积案9件、省级积案11件。", &Default::default());
        let l = Located::new(&report);
        let places: Vec<_> = l.at.iter().map(|p| p.map(|p| (p.start, p.end))).collect();
        assert_eq!(places, vec![Some((4, 7)), Some((15, 17)), Some((22, 25))]);
    }
}
