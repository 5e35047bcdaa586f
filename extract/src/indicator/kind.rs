//! Target or actual: plan sections and 力争/确保/预期目标 sentences state targets.

use crate::lexicon::{word_at, LEXICON};
use crate::IndicatorKind;

/// Where the first target cue of `[start, end)` stands, if the sentence has one.
pub fn first_cue(text: &[char], start: usize, end: usize) -> Option<usize> {
    (start..end).find(|&i| word_at(text, i, &LEXICON.kind.target_cues).is_some())
}

/// A figure is a target in a plan section, or after a target cue of its sentence.
pub fn kind_at(cue: Option<usize>, pos: usize, in_plan: bool) -> IndicatorKind {
    if in_plan || cue.is_some_and(|c| c < pos) {
        IndicatorKind::Target
    } else {
        IndicatorKind::Actual
    }
}
