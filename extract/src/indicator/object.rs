//! A count fronted by 对 or 为 is the object of the action after it, and that action says what is
//! counted: 对95名困难群众实施了有效救助 → 救助困难群众; 对116家有色金属摊点和22家造纸企业关停取缔 →
//! 关停取缔有色金属摊点, 关停取缔造纸企业.

use super::subject;
use crate::lexicon::LEXICON;
use crate::token::{self, Tag, Token};

/// Is the count at `at` the object of a frame word (对, 为) that opens its clause? Words before the frame
/// may place it (全县, 免费), and a clause closed by 的 may describe the object (对评选的30名…), but no
/// other verb may stand between the clause head and the count.
pub fn is_fronted(text: &[char], clause_start: usize, at: usize) -> bool {
    let tokens = token::tokens(text, clause_start, at);
    let words = &LEXICON.figure;
    let is_frame = |t: &Token| t.tag == Tag::Preposition && words.object_frames.has(&token::word(text, t));
    let Some(frame) = tokens.iter().position(is_frame) else {
        return false;
    };
    let described_until = tokens.iter().rposition(|t| token::word(text, t) == words.possessive).unwrap_or(frame);
    let verb_at = |i: usize| tokens[i].tag == Tag::Verb;
    !(0..frame).any(verb_at) && !(described_until + 1..tokens.len()).any(verb_at)
}

/// The action after the objects of a frame: the predicate after the last figure's noun (`from` its end
/// to the clause end), without the verbs that only carry it (实施了, 进行了, 完成) and the adverbs and
/// counts and manner before it (第一轮全面排查 → 排查). Also where
/// the predicate starts.
/// None when no short action follows, or when a quoted name cuts it (制定专项“政策服务包”).
pub fn action(text: &[char], from: usize, clause_end: usize) -> Option<(String, usize)> {
    let tokens = token::tokens(text, from, clause_end);
    let first_noun = tokens.iter().position(|t| subject::is_noun(t.tag))?;
    let before_noun = |i: usize| tokens.get(i + 1).is_some_and(|t| subject::is_noun(t.tag));
    let starts = |i: usize| match tokens[i].tag {
        Tag::Verb => true,
        Tag::Adverb => true,
        Tag::Adjective => !before_noun(i),
        _ => false,
    };
    let p = (first_noun + 1..tokens.len()).find(|&i| starts(i))?;
    let words = &LEXICON.figure;
    let carries = |t: &Token| {
        let w = token::word(text, t);
        words.carrier_verbs.has(&w) || subject::is_filler(&w)
    };
    let predicate: Vec<&Token> = tokens[p..].iter().take_while(|t| t.tag != Tag::Punctuation).collect();
    let quoted = tokens.get(p + predicate.len()).is_some_and(|t| words.open_quotes.has(text[t.start]));
    let lead = |t: &&Token| carries(t) || matches!(t.tag, Tag::Adverb | Tag::Numeral | Tag::Quantifier | Tag::Particle);
    let mut kept: Vec<&Token> = predicate.into_iter().skip_while(lead).filter(|t| t.tag != Tag::Particle).collect();
    // 全面排查, 有效救助: the manner of the action goes.
    if kept.len() > 1 && kept[0].tag == Tag::Adjective && kept[1].tag == Tag::Verb {
        kept.remove(0);
    }
    let action: String = kept.iter().map(|t| token::word(text, t)).collect();
    let verbal = kept.iter().any(|t| t.tag == Tag::Verb);
    (verbal && !quoted && action.chars().count() <= 8).then(|| (action, tokens[p].start))
}
