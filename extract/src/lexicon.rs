//! The words of the indicator layer, read once from `data/lexicon.toml`.

use serde::{Deserialize, Deserializer};
use std::sync::LazyLock;

/// A word list, longest word first, with each word's characters ready for matching on `&[char]`
/// and an index by first and by last character.
pub struct Words {
    list: Vec<String>,
    chars: Vec<Vec<char>>,
    by_first: CharIndex,
    by_last: CharIndex,
}

/// Word numbers grouped by one of their characters, sorted by that character (longest word first within).
struct CharIndex {
    keys: Vec<char>,
    ranges: Vec<(usize, usize)>,
    words: Vec<usize>,
}

impl CharIndex {
    fn new(chars: &[Vec<char>], pick: impl Fn(&[char]) -> char) -> CharIndex {
        let mut order: Vec<usize> = (0..chars.len()).collect();
        order.sort_by_key(|&i| (pick(&chars[i]), i));
        let (mut keys, mut ranges) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < order.len() {
            let k = pick(&chars[order[i]]);
            let start = i;
            while i < order.len() && pick(&chars[order[i]]) == k {
                i += 1;
            }
            keys.push(k);
            ranges.push((start, i));
        }
        CharIndex { keys, ranges, words: order }
    }

    fn get(&self, c: char) -> &[usize] {
        match self.keys.binary_search(&c) {
            Ok(k) => &self.words[self.ranges[k].0..self.ranges[k].1],
            Err(_) => &[],
        }
    }
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Words, D::Error> {
        let mut list = Vec::<String>::deserialize(d)?;
        list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        list.retain(|w| !w.is_empty());
        let chars: Vec<Vec<char>> = list.iter().map(|w| w.chars().collect()).collect();
        let by_first = CharIndex::new(&chars, |w| w[0]);
        let by_last = CharIndex::new(&chars, |w| w[w.len() - 1]);
        Ok(Words { list, chars, by_first, by_last })
    }
}

impl std::ops::Deref for Words {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.list
    }
}

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
    pub figure: FigureWords,
}

#[derive(Deserialize)]
pub struct NameWords {
    pub filler_verbs: Words,
    pub inner_fillers: Words,
    pub meaning_verbs: Words,
    pub object_taking_verbs: Words,
    pub light_verbs: Words,
    pub funded_heads: Words,
    pub pursuit_verbs: Words,
    pub lead_words: Words,
    pub scene_ends: Words,
    pub after_stops: Words,
    pub money_words: Words,
    pub attributes: Words,
    pub paired_heads: Vec<(String, String, String)>,
    pub figure_joiners: Words,
    pub joiner_words: Words,
    pub built_things: Words,
    pub outcome_verbs: Words,
    pub handling_verbs: Words,
    pub tail_particles: Words,
    pub listing_verbs: Words,
    pub state_verbs: Words,
    pub to_verbs: Words,
}

#[derive(Deserialize)]
pub struct ChangeWords {
    pub verbs: Vec<(String, i8)>,
    pub nouns: Vec<(String, i8)>,
    pub yoy: Words,
    pub absolute_cues: Words,
}

#[derive(Deserialize)]
pub struct RankWords {
    pub verbs: Words,
    pub scopes: Words,
    pub suffixes: Words,
    pub from_bottom: Words,
    pub shared: Words,
}

#[derive(Deserialize)]
pub struct CompletionWords {
    pub cues: Words,
}

#[derive(Deserialize)]
pub struct KindWords {
    pub target_cues: Words,
    pub present_cues: Words,
    pub plan_cues: Words,
}

#[derive(Deserialize)]
pub struct PeriodWords {
    pub halves: Vec<(String, u8, u8)>,
    pub until: Words,
}

#[derive(Deserialize)]
pub struct SectionWords {
    pub plan: Words,
    pub problems: Words,
    pub review: Words,
}

#[derive(Deserialize)]
pub struct MetadataWords {
    pub issuer_fields: Words,
    pub published_fields: Words,
    pub index_fields: Words,
    pub title_fields: Words,
    pub body_suffixes: Words,
    pub plan_titles: Words,
    pub not_places: Words,
    pub not_after_place: String,
}

#[derive(Deserialize)]
pub struct QuantityWords {
    pub time_units: Words,
}

/// The words with which a sentence's figures are read, named and attached (indicator/*.rs).
#[derive(Deserialize)]
pub struct FigureWords {
    pub bullets: Words,
    pub marker_numerals: Words,
    pub marker_ends: Words,
    pub not_approx_words: Words,
    pub comparing_units: Words,
    pub points_units: Words,
    pub not_measure_before: Words,
    pub not_measure_after: Words,
    pub open_quotes: Words,
    pub close_quotes: Words,
    pub curly_quotes: Words,
    pub over_words: Words,
    pub comparing_chars: Words,
    pub bounds: Words,
    pub count_leads: Words,
    pub bound_change_nouns: Words,
    pub bound_continuations: Words,
    pub clause_times: Words,
    pub figure_suffixes: Words,
    pub item_separators: Words,
    pub duration_suffixes: Words,
    pub list_ends: Words,
    pub list_marks: Words,
    pub list_breaks: Words,
    pub base_year_marks: Words,
    pub from_marks: Words,
    pub to_marks: Words,
    pub year_marks: Words,
    pub money_magnitudes: Words,
    pub spending_words: Words,
    pub project_words: Words,
    pub people_units: Words,
    pub visit_units: Words,
    pub village_kinds: Words,
    pub outcome_nouns: Vec<(String, String)>,
    pub all_words: Words,
    pub total_attributes: Words,
    pub share_words: Words,
    pub total_leads: Words,
    pub part_cues: Words,
    pub each_cues: Words,
    pub subject_trailers: Words,
    pub rank_marks: Words,
    pub winning_chars: Words,
    pub winning_verbs: Words,
    pub duration_leads: Words,
    pub bridges: Words,
    pub bridge_fillers: Words,
    pub action_ends: Words,
    pub done_verbs: Words,
    pub done_particles: Words,
    pub list_continues: Words,
    pub not_period_after_year: Words,
    pub not_each_words: Words,
    pub scene_frames: Words,
    pub footnote_brackets: Vec<(String, String)>,
    pub possessive: String,
    pub agent_mark: String,
    pub rate_suffix: String,
    pub money_unit: String,
    pub money_amount: String,
    pub village: String,
    pub new_prefix: String,
    pub share_lead: String,
    pub share_tail: String,
    pub whole_attribute: String,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lex: Lexicon = toml::from_str(include_str!("../data/lexicon.toml")).expect("data/lexicon.toml is valid");
    lex.change.verbs.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex.change.nouns.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex
});

/// Does `text[at..]` start with `word`?
pub fn starts_at(text: &[char], at: usize, word: &str) -> bool {
    let mut rest = text.get(at..).unwrap_or(&[]).iter();
    word.chars().all(|c| rest.next() == Some(&c))
}

/// Does `text[..end]` end with `word`?
pub fn ends_at(text: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    n <= end && starts_at(text, end - n, word)
}

/// The first word of `words` (longest first) that `text[at..]` starts with.
pub fn word_at<'a>(text: &[char], at: usize, words: &'a Words) -> Option<&'a str> {
    let rest = text.get(at..)?;
    let first = *rest.first()?;
    words.by_first.get(first).iter().find(|&&i| rest.starts_with(&words.chars[i])).map(|&i| words.list[i].as_str())
}

/// The first word of `words` (longest first) that `text[..end]` ends with.
pub fn word_before<'a>(text: &[char], end: usize, words: &'a Words) -> Option<&'a str> {
    let head = text.get(..end)?;
    let last = *head.last()?;
    words.by_last.get(last).iter().find(|&&i| head.ends_with(&words.chars[i])).map(|&i| words.list[i].as_str())
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

impl Words {
    /// Is `c` one of the one-character words?
    pub fn has_char(&self, c: char) -> bool {
        self.by_first.get(c).iter().any(|&i| self.chars[i].len() == 1)
    }

    /// Is `s` one of the words?
    pub fn has(&self, s: &str) -> bool {
        self.list.iter().any(|w| w == s)
    }

    /// The first word (longest first) that `s` ends with.
    pub fn ending(&self, s: &str) -> Option<&str> {
        self.list.iter().find(|w| s.ends_with(w.as_str())).map(String::as_str)
    }
}

/// `at` past `word` when `text[at..]` starts with it, else `at`.
pub fn skip_word(text: &[char], at: usize, word: &str) -> usize {
    if starts_at(text, at, word) {
        at + word.chars().count()
    } else {
        at
    }
}
