//! Scene frames before a figure's words: a preposition or frame verb with its object (为全部学校,
//! 通过招商引资, 结合乡村振兴战略, 在全市) says for whom, how or where, not what is measured.

use crate::lexicon::{is_han, word_at, LEXICON};
use crate::token::{self, Tag, Token};

/// Where the words of a figure start once the scene frames at their head are passed over
/// (为全部学校配置教学触控一体机 → 配置教学触控一体机); `from` when there is none.
pub fn skip_frames(text: &[char], from: usize, to: usize) -> usize {
    let mut at = from;
    while let Some(end) = frame_at(text, at, to) {
        at = end;
    }
    at
}

/// The end of the frame that starts at `at` (after punctuation and lead words), if one does.
fn frame_at(text: &[char], at: usize, to: usize) -> Option<usize> {
    let head = skip_lead(text, at, to);
    let frame = word_at(text, head, &LEXICON.figure.scene_frames)?;
    let tokens = token::tokens(text, head, to);
    // The frame word must be a word of its own (在建 is no 在, 通过率 no 通过).
    let first = tokens.first()?;
    if first.end - first.start != frame.chars().count() {
        return None;
    }
    object_end(text, &tokens[1..], to)
}

/// Where a frame's object ends: at the first word after it that starts a meaning verb (结合乡村振兴战略
/// 建成… stops at 建成, not 振兴), else at the first verb; an object holds no punctuation (为职工缴纳养老保险、
/// 发放安置费 stops at 缴纳). None when no action follows: the frame is then part of the name.
fn object_end(text: &[char], tokens: &[Token], to: usize) -> Option<usize> {
    let object = tokens.get(1..)?;
    let object = &object[..object.iter().position(|t| t.tag == Tag::Punctuation).unwrap_or(object.len())];
    let meaning = &LEXICON.name.meaning_verbs;
    // A verb, or a catalog name that starts with one (新增市场主体); 培训班 is a noun, though it starts with 培训.
    let verbal = |t: &&Token| matches!(t.tag, Tag::Verb | Tag::VerbNoun | Tag::Indicator);
    let action = object.iter().filter(verbal).find(|t| word_at(text, t.start, meaning).is_some());
    let end = action.or_else(|| object.iter().find(|t| t.tag == Tag::Verb))?.start;
    (end < to).then_some(end)
}

/// Past punctuation, spaces and lead words that are not frames themselves (积极为…, 全年在…).
fn skip_lead(text: &[char], mut at: usize, to: usize) -> usize {
    while at < to && !is_han(text[at]) && !text[at].is_ascii_alphanumeric() {
        at += 1;
    }
    let words = &LEXICON.figure.scene_frames;
    match word_at(text, at, &LEXICON.name.lead_words) {
        Some(w) if word_at(text, at, words).is_none() => at + w.chars().count(),
        _ => at,
    }
}
