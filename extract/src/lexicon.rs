//! The words of the indicator layer, read once from `data/lexicon.toml`.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
pub struct Lexicon {
    pub name: NameWords,
    pub change: ChangeWords,
    pub rank: RankWords,
    pub completion: CompletionWords,
    pub kind: KindWords,
    pub period: PeriodWords,
    pub section: SectionWords,
    pub metadata: MetadataWords,
    pub quantity: QuantityWords,
}

#[derive(Deserialize)]
pub struct NameWords {
    pub filler_verbs: Vec<String>,
    pub meaning_verbs: Vec<String>,
    pub object_taking_verbs: Vec<String>,
    pub lead_words: Vec<String>,
    pub after_stops: Vec<String>,
    pub money_words: Vec<String>,
}

#[derive(Deserialize)]
pub struct ChangeWords {
    pub verbs: Vec<(String, i8)>,
    pub nouns: Vec<(String, i8)>,
    pub yoy: Vec<String>,
    pub absolute_cues: Vec<String>,
}

#[derive(Deserialize)]
pub struct RankWords {
    pub verbs: Vec<String>,
    pub scopes: Vec<String>,
    pub suffixes: Vec<String>,
    pub from_bottom: Vec<String>,
    pub shared: Vec<String>,
}

#[derive(Deserialize)]
pub struct CompletionWords {
    pub cues: Vec<String>,
}

#[derive(Deserialize)]
pub struct KindWords {
    pub target_cues: Vec<String>,
}

#[derive(Deserialize)]
pub struct PeriodWords {
    pub halves: Vec<(String, u8, u8)>,
    pub until: Vec<String>,
}

#[derive(Deserialize)]
pub struct SectionWords {
    pub plan: Vec<String>,
    pub problems: Vec<String>,
    pub review: Vec<String>,
}

#[derive(Deserialize)]
pub struct MetadataWords {
    pub issuer_fields: Vec<String>,
    pub published_fields: Vec<String>,
    pub index_fields: Vec<String>,
    pub title_fields: Vec<String>,
    pub body_suffixes: Vec<String>,
    pub plan_titles: Vec<String>,
    pub not_places: Vec<String>,
    pub not_after_place: String,
}

#[derive(Deserialize)]
pub struct QuantityWords {
    pub time_units: Vec<String>,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lex: Lexicon = toml::from_str(include_str!("../data/lexicon.toml")).expect("data/lexicon.toml is valid");
    // Longest first, so a prefix never shadows a longer word.
    for list in [
        &mut lex.name.filler_verbs,
        &mut lex.name.meaning_verbs,
        &mut lex.name.lead_words,
        &mut lex.name.after_stops,
        &mut lex.change.yoy,
        &mut lex.change.absolute_cues,
        &mut lex.rank.verbs,
        &mut lex.rank.scopes,
        &mut lex.rank.from_bottom,
        &mut lex.completion.cues,
        &mut lex.period.until,
        &mut lex.metadata.body_suffixes,
    ] {
        list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    }
    lex.change.verbs.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex.change.nouns.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex
});

/// Chars of a word list, for matching on `&[char]`.
pub fn chars(w: &str) -> Vec<char> {
    w.chars().collect()
}

/// Does `text[at..]` start with `word`?
pub fn starts_at(text: &[char], at: usize, word: &str) -> bool {
    let mut i = at;
    for c in word.chars() {
        if i >= text.len() || text[i] != c {
            return false;
        }
        i += 1;
    }
    true
}

/// Does `text[..end]` end with `word`?
pub fn ends_at(text: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    n <= end && starts_at(text, end - n, word)
}

/// The first word of `words` (longest first) that `text[at..]` starts with.
pub fn word_at<'a>(text: &[char], at: usize, words: &'a [String]) -> Option<&'a str> {
    words.iter().find(|w| starts_at(text, at, w)).map(String::as_str)
}

/// The first word of `words` (longest first) that `text[..end]` ends with.
pub fn word_before<'a>(text: &[char], end: usize, words: &'a [String]) -> Option<&'a str> {
    words.iter().find(|w| ends_at(text, end, w)).map(String::as_str)
}

/// Where `word` first occurs in `text[from..to]`.
pub fn find(text: &[char], from: usize, to: usize, word: &str) -> Option<usize> {
    let n = word.chars().count();
    let first = word.chars().next()?;
    (from..to.saturating_sub(n - 1).max(from)).find(|&i| text[i] == first && i + n <= to && starts_at(text, i, word))
}

pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}
