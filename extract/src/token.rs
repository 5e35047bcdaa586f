//! Words with parts of speech: `jieba-rs` segmentation of a span of clean
//! text, with a user dictionary built from the project's own data so that
//! indicator names, units and the lexicon's words come out whole.
//!
//! Offsets are code points, like every span in the engine. [`tokens`]
//! covers the span it is given exactly, in order, with no gaps: the caller
//! segments only the words it needs (those before a figure), so a call is
//! cheap and allocates its output only.
//!
//! Where user words come from, and their tag:
//! - `data/tokens.toml`: words jieba lacks (规上, 限上) or mistags (美丽 is a
//!   place to it, 上市 a place, 整顿 a numeral), with the tag they take;
//! - catalog names and aliases → [`Tag::Indicator`] (a noun the catalog knows);
//! - units as written, alone and after a magnitude (亿元, 万平方米, 万亿元) → [`Tag::Unit`];
//! - the lexicon's lists of one part of speech, whose tag wins over jieba's:
//!   verb lists (meaning, pursuit, handling, listing, change, rank verbs …)
//!   [`Tag::Verb`] (新建 is a county to jieba), half-years [`Tag::Time`], rank
//!   scopes (全县) [`Tag::Place`], year-on-year markers (同比, 比上年) [`Tag::Adverb`];
//! - the lexicon's mixed lists (filler phrases as verbs, attribute and money
//!   words as nouns, scene ends as localities) only for words jieba lacks:
//!   累计完成 and 提高到 become verbs, while 全年 or 已经 keep jieba's tag.
//!
//! The first source listing a word decides its tag, in that order. Words go
//! in with jieba's `suggest_freq`, just enough to beat their own pieces.
//! One-character words are never added (jieba has them all; whether 人 or 家
//! is a unit depends on the number before it, so a one-character unit or time
//! unit right after a numeral is tagged so after segmentation), nor lexicon
//! words with digits (a date-bound phrase such as 比2022年 is no word).

use jieba_rs::Jieba;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A part of speech, folded from jieba's ICTCLAS tags to what the engine asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// A catalog indicator name or alias (user dictionary).
    Indicator,
    /// A unit, alone or after a magnitude (user dictionary).
    Unit,
    /// n, nz, ng, nrfg and other common nouns.
    Noun,
    /// vn: a verb used as a noun (建设, 发展).
    VerbNoun,
    /// ns: a place name.
    Place,
    /// nt: an organization.
    Organization,
    /// nr: a person's name.
    Person,
    /// t: a time word (今年, 上半年).
    Time,
    /// f: a locality (以上, 内, 期间).
    Locality,
    /// s: a space word (城区, 农村).
    Space,
    /// v and its kinds.
    Verb,
    /// a, ad, an, b, z: adjectives and distinguishing words.
    Adjective,
    /// d: an adverb.
    Adverb,
    /// p: a preposition (为, 在, 围绕).
    Preposition,
    /// c: a conjunction.
    Conjunction,
    /// u: a particle (的, 了).
    Particle,
    /// r: a pronoun.
    Pronoun,
    /// m: a numeral (48.78, 十二).
    Numeral,
    /// q: a quantifier (个, 项).
    Quantifier,
    /// i, l, j: idioms, set phrases and abbreviations.
    Phrase,
    /// eng: Latin letters.
    Latin,
    /// Punctuation marks.
    Punctuation,
    /// Spaces and line breaks.
    Whitespace,
    /// Anything else (interjections, onomatopoeia, unknown).
    Other,
}

/// One word: `start..end` in code points of the text given to [`tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub tag: Tag,
}

/// Before a user word's tag in jieba, so it cannot be read as an ICTCLAS tag.
const USER_TAG_PREFIX: &str = "user_";

impl Tag {
    /// Every tag with its name: the name the runner's corpora and
    /// `data/tokens.toml` use, and (after [`USER_TAG_PREFIX`]) the tag the
    /// user dictionary gives jieba.
    const NAMES: &'static [(Tag, &'static str)] = &[
        (Tag::Indicator, "indicator"),
        (Tag::Unit, "unit"),
        (Tag::Noun, "noun"),
        (Tag::VerbNoun, "verb_noun"),
        (Tag::Place, "place"),
        (Tag::Organization, "organization"),
        (Tag::Person, "person"),
        (Tag::Time, "time"),
        (Tag::Locality, "locality"),
        (Tag::Space, "space"),
        (Tag::Verb, "verb"),
        (Tag::Adjective, "adjective"),
        (Tag::Adverb, "adverb"),
        (Tag::Preposition, "preposition"),
        (Tag::Conjunction, "conjunction"),
        (Tag::Particle, "particle"),
        (Tag::Pronoun, "pronoun"),
        (Tag::Numeral, "numeral"),
        (Tag::Quantifier, "quantifier"),
        (Tag::Phrase, "phrase"),
        (Tag::Latin, "latin"),
        (Tag::Punctuation, "punctuation"),
        (Tag::Whitespace, "whitespace"),
        (Tag::Other, "other"),
    ];

    pub fn name(self) -> &'static str {
        Tag::NAMES.iter().find(|(t, _)| *t == self).map(|(_, n)| *n).expect("every tag is named")
    }

    pub fn from_name(name: &str) -> Option<Tag> {
        Tag::NAMES.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }
}

/// jieba's hidden Markov model for words not in the dictionary is off: it
/// costs half as much again as the segmentation, and on report text it
/// glues across word ends (月限上, from 1-10月限上销售额). Without it an
/// unknown name (奶站, 强村) comes out as single characters, which the naming
/// grammar joins.
const USE_HMM: bool = false;

/// jieba with the user dictionary, and the one-character units and time
/// units (what a character after a numeral is).
struct Segmenter {
    jieba: Jieba,
    /// Sorted by character.
    after_numeral: Vec<(char, Tag)>,
}

static SEGMENTER: LazyLock<Segmenter> =
    LazyLock::new(|| Segmenter { jieba: build(), after_numeral: one_character_units() });

// The text of the span being segmented, reused between calls.
thread_local! {
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Loads the dictionary now rather than on the first call (it takes tens of milliseconds).
pub fn preload() {
    LazyLock::force(&SEGMENTER);
}

/// The words of `text[start..end]`, covering it exactly and in order.
/// Out-of-range bounds are clamped to the text.
pub fn tokens(text: &[char], start: usize, end: usize) -> Vec<Token> {
    let end = end.min(text.len());
    let start = start.min(end);
    if start == end {
        return Vec::new();
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        buffer.extend(&text[start..end]);
        let tagged = SEGMENTER.jieba.tag(&buffer, USE_HMM);
        let mut out: Vec<Token> = tagged
            .iter()
            .map(|t| Token { start: start + t.start, end: start + t.end, tag: tag_of(t.tag, t.word) })
            .collect();
        join_numbers(text, &mut out);
        tag_after_numerals(text, &SEGMENTER.after_numeral, &mut out);
        out
    })
}

/// The word of `text[start..end]` that position `at` falls inside: it starts before `at` and goes on past
/// it (合并 for its 并).
pub fn word_across(text: &[char], start: usize, end: usize, at: usize) -> Option<Token> {
    tokens(text, start, end).into_iter().find(|t| t.start < at && at < t.end)
}

/// The surface of a token.
pub fn word(text: &[char], token: &Token) -> String {
    text[token.start..token.end].iter().collect()
}

fn user_tag(tag: Tag) -> String {
    format!("{USER_TAG_PREFIX}{}", tag.name())
}

/// Maps a jieba tag (the ICTCLAS set, or one of ours) to a [`Tag`].
fn tag_of(tag: &str, word: &str) -> Tag {
    if let Some(ours) = tag.strip_prefix(USER_TAG_PREFIX) {
        return Tag::from_name(ours).unwrap_or(Tag::Other);
    }
    let mut letters = tag.chars();
    match (letters.next(), letters.next()) {
        (Some('n'), Some('s')) => Tag::Place,
        (Some('n'), Some('t')) => Tag::Organization,
        (Some('n'), Some('r')) if tag != "nrfg" => Tag::Person,
        (Some('v'), Some('n')) => Tag::VerbNoun,
        (Some('n'), _) => Tag::Noun,
        (Some('v'), _) => Tag::Verb,
        (Some('t'), _) => Tag::Time,
        (Some('f'), _) => Tag::Locality,
        (Some('s'), _) => Tag::Space,
        (Some('a' | 'b' | 'z'), _) => Tag::Adjective,
        (Some('d'), _) => Tag::Adverb,
        (Some('p'), _) => Tag::Preposition,
        (Some('c'), _) => Tag::Conjunction,
        (Some('u'), _) => Tag::Particle,
        (Some('r'), _) => Tag::Pronoun,
        (Some('m'), _) => Tag::Numeral,
        (Some('q'), _) => Tag::Quantifier,
        (Some('i' | 'l' | 'j'), _) => Tag::Phrase,
        (Some('e'), Some('n')) => Tag::Latin,
        _ => by_characters(word),
    }
}

/// A tag for what jieba leaves untagged (`x`): punctuation, spaces, symbols.
fn by_characters(word: &str) -> Tag {
    if word.chars().all(char::is_whitespace) {
        Tag::Whitespace
    } else if word.chars().all(is_punctuation) {
        Tag::Punctuation
    } else {
        Tag::Other
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || ('\u{2010}'..='\u{205e}').contains(&c) // general punctuation: dashes, quotes, ellipsis
        || ('\u{3000}'..='\u{303f}').contains(&c) // CJK punctuation: 、。「」【】
        || ('\u{ff01}'..='\u{ff0f}').contains(&c) // full-width ！＂…／
        || ('\u{ff1a}'..='\u{ff20}').contains(&c) // full-width ：；？＠
        || ('\u{ff3b}'..='\u{ff40}').contains(&c)
        || ('\u{ff5b}'..='\u{ff65}').contains(&c)
}

/// Without its hidden Markov model jieba cuts 48.78 into 48 . 78, 1,234.5
/// into 1 , 234 . 5 and 1-10 into 1 - 10: the engine reads each as one
/// numeral. A comma joins only before a group of three digits, so 1,2,3 stays
/// a list.
fn join_numbers(text: &[char], out: &mut Vec<Token>) {
    let surface = |t: &Token| &text[t.start..t.end];
    let digits = |t: &Token| surface(t).iter().all(char::is_ascii_digit);
    // A numeral joined so far (48, 1,234, 1.5-2), and whether its last part
    // (after a range dash) may still take a point or a thousands group.
    let numeral = |t: &Token| {
        let s = surface(t);
        s.first().is_some_and(char::is_ascii_digit) && s.iter().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'))
    };
    let open = |t: &Token| numeral(t) && !surface(t).iter().rev().take_while(|c| **c != '-').any(|c| *c == '.');
    let group = |t: &Token| surface(t).len() == 3 && digits(t);
    let mark = |t: &Token| matches!(surface(t), ['.'] | [','] | ['-']);
    if !out.iter().any(mark) {
        return;
    }
    // Compacted in place: out[..kept] are final, `t` is the next one read.
    let mut kept = 0;
    for i in 0..out.len() {
        let t = out[i];
        let joins = kept >= 2 && {
            let (before, between) = (&out[kept - 2], surface(&out[kept - 1]));
            match between {
                ['.'] => open(before) && digits(&t),
                [','] => open(before) && group(&t),
                ['-'] => numeral(before) && digits(&t),
                _ => false,
            }
        };
        if joins {
            kept -= 1;
            out[kept - 1].end = t.end;
            out[kept - 1].tag = Tag::Numeral;
        } else {
            out[kept] = t;
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// A one-character unit or time unit right after a numeral is one whatever
/// jieba tags it (5200人, 126件, 10月): jieba tags the character alone.
fn tag_after_numerals(text: &[char], after_numeral: &[(char, Tag)], out: &mut [Token]) {
    for i in 1..out.len() {
        let t = out[i];
        if t.end - t.start == 1 && out[i - 1].tag == Tag::Numeral {
            if let Ok(k) = after_numeral.binary_search_by_key(&text[t.start], |(c, _)| *c) {
                out[i].tag = after_numeral[k].1;
            }
        }
    }
}

/// The default dictionary plus the project's words (see the module comment).
fn build() -> Jieba {
    let forced = forced_words();
    // A word jieba already knows keeps the tag it is first loaded with, so
    // the words whose tag we decide go in before the default dictionary.
    let mut jieba = Jieba::empty();
    for (word, tag) in &forced {
        jieba.add_word(word, Some(1), Some(&user_tag(*tag)));
    }
    jieba.load_default_dict();
    // Now that the dictionary is loaded, give each word just the frequency
    // that keeps it whole against its own pieces (jieba's suggest_freq).
    for (word, _) in &forced {
        jieba.add_word(word, None, None);
    }
    for (word, tag) in lexicon_words(false) {
        if word.chars().count() >= 2 && !jieba.has_word(&word) {
            jieba.add_word(&word, None, Some(&user_tag(tag)));
        }
    }
    jieba
}

/// One-character units (Unit) and time units (Time, first: 天 and 周 are both).
fn one_character_units() -> Vec<(char, Tag)> {
    let mut map = HashMap::new();
    let single = |w: &[char]| (w.len() == 1).then(|| w[0]);
    for w in crate::quantity::lexicon().units.words().filter_map(single) {
        map.insert(w, Tag::Unit);
    }
    for w in crate::lexicon::LEXICON.quantity.time_units.iter() {
        let chars: Vec<char> = w.chars().collect();
        if let Some(c) = single(&chars) {
            map.insert(c, Tag::Time);
        }
    }
    let mut sorted: Vec<(char, Tag)> = map.into_iter().collect();
    sorted.sort_by_key(|(c, _)| *c);
    sorted
}

/// `data/tokens.toml`.
#[derive(serde::Deserialize)]
struct TokensFile {
    words: std::collections::BTreeMap<String, String>,
}

/// Words the token layer adds or corrects itself (`data/tokens.toml`).
fn own_words() -> Vec<(String, Tag)> {
    let file: TokensFile =
        toml::from_str(include_str!("../data/tokens.toml")).unwrap_or_else(|e| panic!("data/tokens.toml: {e}"));
    let tag = |name: &str| Tag::from_name(name).unwrap_or_else(|| panic!("data/tokens.toml: unknown tag {name:?}"));
    file.words.iter().map(|(word, name)| (word.clone(), tag(name))).collect()
}

/// Words whose tag we decide even where jieba knows them: our own, catalog
/// names, units, and the lexicon's lists of one part of speech.
fn forced_words() -> Vec<(String, Tag)> {
    let mut words: Vec<(String, Tag)> = own_words();
    for d in crate::catalog::Catalog::embedded().definitions() {
        for name in std::iter::once(&d.name).chain(&d.aliases) {
            words.push((name.clone(), Tag::Indicator));
        }
    }
    words.extend(unit_words().into_iter().map(|w| (w, Tag::Unit)));
    words.extend(lexicon_words(true));
    words.retain(|(w, _)| w.chars().count() >= 2);
    // Stable: a word listed twice keeps its first tag (ours, catalog, units, lexicon).
    words.sort_by(|a, b| a.0.cmp(&b.0));
    words.dedup_by(|a, b| a.0 == b.0);
    words
}

/// Every unit as written, alone and after a magnitude: 元, 万元, 亿元, 千万元
/// (a magnitude is read with the number, so units.toml lists only the units).
fn unit_words() -> Vec<String> {
    use crate::quantity::NumeralChar;
    let lex = crate::quantity::lexicon();
    let chars_of = |pick: fn(&NumeralChar) -> bool| -> Vec<char> {
        lex.numeral.iter().filter(|(_, n)| pick(n)).map(|(c, _)| *c).collect()
    };
    let big = chars_of(|n| matches!(n, NumeralChar::Magnitude(_)));
    let small = chars_of(|n| matches!(n, NumeralChar::SmallUnit(_)));
    // 万, 亿; 千万, 百亿; 万亿 (magnitudes stack).
    let mut magnitudes: Vec<String> = big.iter().map(|b| b.to_string()).collect();
    for first in small.iter().chain(&big) {
        magnitudes.extend(big.iter().map(|b| format!("{first}{b}")));
    }
    let units: Vec<String> = lex.units.words().map(|w| w.iter().collect()).collect();
    let mut words = units.clone();
    // Only Chinese units take a magnitude (万元, not 万%).
    let chinese = units.iter().filter(|u| u.chars().all(crate::lexicon::is_han));
    let chinese: Vec<&String> = chinese.collect();
    for m in &magnitudes {
        words.extend(chinese.iter().map(|u| format!("{m}{u}")));
    }
    words
}

/// The lexicon's word lists with the part of speech of each: with `forced`
/// the lists that hold only that part of speech (verb lists, scopes, halves,
/// year-on-year markers), else the mixed ones, whose words jieba knows keep
/// jieba's tag (filler phrases, nouns of attributes and money).
fn lexicon_words(forced: bool) -> Vec<(String, Tag)> {
    let lex = &crate::lexicon::LEXICON;
    let n = &lex.name;
    let verbs = [
        &n.meaning_verbs,
        &n.object_taking_verbs,
        &n.light_verbs,
        &n.pursuit_verbs,
        &n.handling_verbs,
        &n.outcome_verbs,
        &n.listing_verbs,
        &n.state_verbs,
        &n.to_verbs,
        &lex.rank.verbs,
    ];
    let lists: Vec<(Vec<&str>, Tag)> = if forced {
        vec![
            (strs(&verbs), Tag::Verb),
            (firsts(&lex.change.verbs), Tag::Verb),
            (lex.period.halves.iter().map(|(w, _, _)| w.as_str()).collect(), Tag::Time),
            (strs(&[&lex.rank.scopes]), Tag::Place),
            (strs(&[&lex.change.yoy, &lex.change.absolute_cues]), Tag::Adverb),
        ]
    } else {
        vec![
            (strs(&[&n.filler_verbs, &n.inner_fillers]), Tag::Verb),
            (strs(&[&n.attributes, &n.money_words, &n.built_things, &n.funded_heads]), Tag::Noun),
            (firsts(&lex.change.nouns), Tag::Noun),
            (strs(&[&n.scene_ends]), Tag::Locality),
        ]
    };
    let mut words = Vec::new();
    for (list, tag) in lists {
        // A word with digits is a date-bound phrase (比2022年), not a word.
        words.extend(list.into_iter().filter(|w| !w.chars().any(|c| c.is_ascii_digit())).map(|w| (w.to_string(), tag)));
    }
    words
}

fn strs<'a>(lists: &[&'a crate::lexicon::Words]) -> Vec<&'a str> {
    lists.iter().flat_map(|l| l.iter().map(String::as_str)).collect()
}

fn firsts<T>(pairs: &[(String, T)]) -> Vec<&str> {
    pairs.iter().map(|(w, _)| w.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(text: &str, start: usize, end: usize) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokens(&chars, start, end).iter().map(|t| word(&chars, t)).collect()
    }

    #[test]
    fn a_span_is_covered_exactly_and_bounds_are_clamped() {
        let chars: Vec<char> = "全年实现规上工业产值48.78亿元".chars().collect();
        let found = tokens(&chars, 2, 100);
        assert_eq!(found.first().map(|t| t.start), Some(2));
        assert_eq!(found.last().map(|t| t.end), Some(chars.len()));
        assert!(found.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end));
        assert!(tokens(&chars, 5, 3).is_empty());
    }

    #[test]
    fn only_the_span_is_segmented() {
        // The window starts inside the name, so the name cannot come out whole.
        assert_eq!(words_of("规上工业产值48.78亿元", 2, 6), ["工业产值"]);
    }

    #[test]
    fn tag_names_are_unique_and_match_serde() {
        for (tag, name) in Tag::NAMES {
            assert_eq!(Tag::from_name(name), Some(*tag));
            assert_eq!(serde_json::to_value(tag).ok().and_then(|v| v.as_str().map(String::from)).as_deref(), Some(*name));
        }
    }

    #[test]
    fn the_data_words_load() {
        assert!(!own_words().is_empty());
        assert!(forced_words().len() > 1000, "catalog, units and lexicon words");
    }
}
