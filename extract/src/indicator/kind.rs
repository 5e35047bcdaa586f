//! Target or actual: plan sections and 力争/确保/预期目标 sentences state targets.

use crate::lexicon::{word_at, LEXICON};
use crate::IndicatorKind;

/// Where the first target cue of `[start, end)` stands, if the sentence has one.
/// A cue followed by 了 or 到 tells what was achieved (确保了…如期供暖, 争取到资金), not a target.
pub fn first_cue(text: &[char], start: usize, end: usize) -> Option<usize> {
    (start..end).find(|&i| {
        word_at(text, i, &LEXICON.kind.target_cues)
            .is_some_and(|w| !matches!(text.get(i + w.chars().count()), Some('了' | '到')))
    })
}

/// A figure is a target in a plan section, or after a target cue of its sentence.
pub fn kind_at(cue: Option<usize>, pos: usize, in_plan: bool) -> IndicatorKind {
    if in_plan || cue.is_some_and(|c| c < pos) {
        IndicatorKind::Target
    } else {
        IndicatorKind::Actual
    }
}
