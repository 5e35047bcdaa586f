//! Target or actual: plan sections and 力争/确保/目标 sentences state targets.

use crate::lexicon::{find, LEXICON};
use crate::IndicatorKind;

pub fn kind_at(text: &[char], sentence_start: usize, pos: usize, in_plan: bool) -> IndicatorKind {
    if in_plan {
        return IndicatorKind::Target;
    }
    let cue = LEXICON.kind.target_cues.iter().any(|c| find(text, sentence_start, pos, c).is_some());
    if cue {
        IndicatorKind::Target
    } else {
        IndicatorKind::Actual
    }
}
