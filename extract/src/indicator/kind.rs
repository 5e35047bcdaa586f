//! Target or actual: plan sections and 力争/确保/预期目标 sentences state targets.

use crate::lexicon::{word_at, LEXICON};
use crate::token::{tokens, word, Tag};
use crate::IndicatorKind;

/// Where the first target cue of `[start, end)` stands, if the sentence has one.
/// A cue followed by 了 or 到 tells what was achieved (确保了…如期供暖, 争取到资金), not a target;
/// so does an obtain cue before the thing obtained with its figure in the same clause
/// (`counts_in_clause(i)`: a figure follows `i` in its clause).
pub fn first_cue(text: &[char], start: usize, end: usize, counts_in_clause: impl Fn(usize) -> bool) -> Option<usize> {
    let kind = &LEXICON.kind;
    (start..end).find(|&i| {
        word_at(text, i, &kind.target_cues).is_some_and(|w| {
            let after = i + w.chars().count();
            let obtained = kind.obtain_cues.has(w) && counts_in_clause(i) && !aims_at_verb(text, after, end);
            !kind.achieved_after.at(text, after) && !obtained
        })
    })
}

/// After an obtain cue (争取), a verb makes it an aim (争取实现…); what was obtained
/// (争取专项债项目, 争取上级资金, 争取新增债券) makes it a report of the past.
fn aims_at_verb(text: &[char], after: usize, end: usize) -> bool {
    let next = tokens(text, after, end.min(after + 8)).into_iter().find(|t| t.tag != Tag::Whitespace);
    next.is_some_and(|t| {
        matches!(t.tag, Tag::Verb | Tag::Adverb) && !LEXICON.kind.obtained_modifiers.has(&word(text, &t))
    })
}

/// Does the clause `[clause_start, clause_end)` state what exists (现有, 接壤, 有3条高速), with no
/// plan word from the sentence start to the clause end? Such a figure in a plan section describes the present.
pub fn states_present(text: &[char], sent_start: usize, clause_start: usize, clause_end: usize) -> bool {
    let kind = &LEXICON.kind;
    let present = (clause_start..clause_end)
        .any(|i| word_at(text, i, &kind.present_cues).is_some_and(|w| w.chars().count() > 1 || stands_alone(text, i)));
    present && !(sent_start..clause_end).any(|i| word_at(text, i, &kind.plan_cues).is_some())
}

/// A one-character cue as a word of its own (有 as the verb “there are”: 有3条高速), not inside
/// 有效, 具有, 所有…; at the end of the text it has nothing to be the verb of.
fn stands_alone(text: &[char], i: usize) -> bool {
    let kind = &LEXICON.kind;
    let prev_ok = i == 0 || !kind.lone_cue_not_after.has(text[i - 1]);
    let next_ok = text.get(i + 1).is_some_and(|&c| !kind.lone_cue_not_before.has(c));
    prev_ok && next_ok
}

/// A figure is a target in a plan section (unless its sentence states the present), or after a
/// target cue of its sentence.
pub fn kind_at(cue: Option<usize>, pos: usize, in_plan: bool) -> IndicatorKind {
    if in_plan || cue.is_some_and(|c| c < pos) {
        IndicatorKind::Target
    } else {
        IndicatorKind::Actual
    }
}
