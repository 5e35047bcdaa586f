//! Scene frames before a figure's words: a preposition or frame verb with its object (为全部学校,
//! 通过招商引资, 结合乡村振兴战略, 在全市) says for whom, how or where, not what is measured.

use crate::lexicon::{is_han, word_at, LEXICON};
use crate::token::{self, Tag, Token};

const OBJECT_REACH: usize = 24;
/// An adverb and the action after it lie within this many characters.
const MANNER_REACH: usize = 8;

/// Where the words of a figure start once the scene frames at their head are passed over
/// (为全部学校配置教学触控一体机 → 配置教学触控一体机); `from` when there is none.
pub fn skip_frames(text: &[char], from: usize, to: usize) -> usize {
    let mut at = from;
    while let Some(end) = frame_at(text, at, to) {
        at = end;
    }
    at
}

/// Past manner adverbs and modal words before the action (同步建设…, 稳步推进…, 拟安排…): how it was done,
/// or that it is planned, is no part of what is measured. A negation (未, 不) changes what is counted and stays.
pub fn skip_manner(text: &[char], from: usize, to: usize) -> usize {
    let head = skip_lead(text, from, to);
    let tokens = token::tokens(text, head, to.min(head + MANNER_REACH));
    match tokens.as_slice() {
        [modal, _, ..] if LEXICON.figure.modal_leads.has(&token::word(text, modal)) => modal.end,
        [adverb, action, ..]
            if adverb.tag == Tag::Adverb
                && matches!(action.tag, Tag::Verb | Tag::Indicator)
                && !LEXICON.figure.kept_adverbs.has(&token::word(text, adverb)) =>
        {
            adverb.end
        }
        _ => from,
    }
}

/// The end of the frame that starts at `at` (after punctuation and lead words), if one does.
fn frame_at(text: &[char], at: usize, to: usize) -> Option<usize> {
    let head = skip_lead(text, at, to);
    let frame = word_at(text, head, &LEXICON.figure.scene_frames)?;
    // A frame's object is a short phrase: the words up to OBJECT_REACH after it are enough to find its end.
    let tokens = token::tokens(text, head, to.min(head + OBJECT_REACH));
    // The frame word must be a word of its own (在建 is no 在, 通过率 no 通过), or a noun that holds its object
    // (面向社会) right before an action.
    let first = tokens.first()?;
    if first.end - first.start == frame.chars().count() {
        return object_end(text, &tokens[1..], to);
    }
    (first.tag == Tag::Noun).then(|| action_next(text, &tokens[1..], to)).flatten()
}

/// 面向社会|公开招聘教师: where an action (a verb, not a filler: 通过率达到… has none) starts within the next
/// two words, if one does.
fn action_next(text: &[char], tokens: &[Token], to: usize) -> Option<usize> {
    let verb = tokens.iter().take(2).take_while(|t| t.tag != Tag::Punctuation).find(|t| t.tag == Tag::Verb)?;
    let filler = LEXICON.name.filler_verbs.has(&token::word(text, verb));
    (!filler && verb.start < to).then_some(verb.start)
}

/// Where a frame's object ends: at the first meaning verb (结合乡村振兴战略|建成… passes 振兴), else at the
/// first action after a noun (为全部学校|配置…, 面向征迁群众|开设…). An object holds no punctuation
/// (为职工|缴纳养老保险、发放安置费). None when no action follows: the frame is then part of the name.
fn object_end(text: &[char], tokens: &[Token], to: usize) -> Option<usize> {
    let object = &tokens[..tokens.iter().position(|t| t.tag == Tag::Punctuation).unwrap_or(tokens.len())];
    let meaning = &LEXICON.name.meaning_verbs;
    // A verb, or a catalog name that starts with one (新增市场主体); 培训班 is a noun, though it starts with 培训.
    let verbal = |t: &Token| matches!(t.tag, Tag::Verb | Tag::VerbNoun | Tag::Indicator);
    let meaning_action = (1..object.len()).find(|&i| verbal(&object[i]) && word_at(text, object[i].start, meaning).is_some());
    let action = meaning_action.or_else(|| (1..object.len()).find(|&i| verbal(&object[i]) && after_noun(&object[..i])));
    let action = &object[action?];
    (action.start < to).then_some(action.start)
}

/// Do these words end with a noun or a locality (周边), adverbs after it aside (全市率先)?
fn after_noun(words: &[Token]) -> bool {
    let last = words.iter().rev().find(|t| t.tag != Tag::Adverb);
    last.is_some_and(|t| {
        matches!(t.tag, Tag::Noun | Tag::Place | Tag::Organization | Tag::Person | Tag::Space | Tag::Locality | Tag::Indicator | Tag::Phrase)
    })
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
