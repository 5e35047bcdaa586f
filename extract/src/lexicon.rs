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
    /// One bit per key character modulo 4096: most characters of a text start no word of a list, and the
    /// mask says so without a search.
    mask: Box<[u64; 64]>,
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
        let mut mask = Box::new([0u64; 64]);
        for &c in &keys {
            let (word, bit) = CharIndex::bit(c);
            mask[word] |= bit;
        }
        CharIndex { keys, ranges, words: order, mask }
    }

    /// The mask word and bit of a character.
    #[inline]
    fn bit(c: char) -> (usize, u64) {
        let n = c as usize % 4096;
        (n / 64, 1u64 << (n % 64))
    }

    /// Inlined where the word lists are read (most calls end at the mask), the search kept out of line.
    #[inline]
    fn get(&self, c: char) -> &[usize] {
        let (word, bit) = CharIndex::bit(c);
        if self.mask[word] & bit == 0 {
            return &[];
        }
        self.search(c)
    }

    #[inline(never)]
    fn search(&self, c: char) -> &[usize] {
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

/// A class of single characters that play one part (、和及: list joiners), written as one string.
pub struct Chars(Vec<char>);

impl Chars {
    // Read for most characters of every sentence, from every module of the indicator layer: inlined there.
    #[inline]
    pub fn has(&self, c: char) -> bool {
        self.0.contains(&c)
    }

    /// Is `text[at]` one of them?
    #[inline]
    pub fn at(&self, text: &[char], at: usize) -> bool {
        text.get(at).is_some_and(|&c| self.has(c))
    }
}

/// A character listed twice is rejected like a word listed twice (see `reject_duplicates`).
impl<'de> Deserialize<'de> for Chars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Chars, D::Error> {
        let chars: Vec<char> = String::deserialize(d)?.chars().collect();
        match chars.iter().enumerate().find(|(i, c)| chars[..*i].contains(c)) {
            Some((_, c)) => Err(serde::de::Error::custom(format!("lists {c:?} twice"))),
            None => Ok(Chars(chars)),
        }
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
    pub joins: JoinWords,
    pub rank: RankWords,
    pub completion: CompletionWords,
    pub kind: KindWords,
    pub period: PeriodWords,
    pub section: SectionWords,
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
    pub existence_verbs: Words,
    pub place_ends: Chars,
    pub named_place_ends: Chars,
    pub clause_conjunctions: Words,
    pub preposition_starts: Chars,
    pub after_stops: Words,
    pub money_words: Words,
    pub measures_of_things: Words,
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
    pub marks: Chars,
    pub head_skips: Chars,
    pub open_quote: Chars,
    pub close_quote: Chars,
    pub list_marker: Chars,
    pub year: Chars,
    pub year_span_ends: Vec<String>,
    pub head_times: Vec<String>,
    pub head_time_ends: Vec<String>,
    pub thresholds: Words,
    pub threshold_words: Words,
    pub by_means: Chars,
    pub tail_marks: Chars,
    pub tail_words: Vec<String>,
    pub rate: Chars,
    pub comparisons: Chars,
    pub compared_years: Chars,
    pub tie: Words,
    pub opening_stops: Words,
    pub noun_marks: Chars,
    pub done: Words,
    pub all_of_them: Words,
    pub whole_list: Words,
    pub achieved: Words,
    pub work_words: Vec<String>,
    pub building: Words,
    pub item_joiners: Chars,
    pub list_joiners: Chars,
    pub open_brackets: Chars,
    pub close_brackets: Chars,
    pub counters: Chars,
    pub done_adverbs: Words,
    pub done_ends: Words,
    pub new_prefix: Chars,
    pub verb_joiners: Words,
    pub places: Words,
    pub place_adverbs: Words,
    pub measures: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct ChangeWords {
    pub verbs: Vec<(String, i8)>,
    pub nouns: Vec<(String, i8)>,
    pub after_figure: Vec<(String, i8)>,
    pub yoy: Words,
    pub absolute_cues: Words,
    pub bridges: Words,
    pub compared_with: Chars,
    pub year_ends: Words,
    pub before_noun: Vec<String>,
    pub holding_verbs: Vec<String>,
    pub point_unit: String,
    pub times_unit: String,
}

#[derive(Deserialize)]
pub struct JoinWords {
    pub respectively: Words,
    pub name_joiners: Chars,
    pub long_joiners: Words,
    pub list_end: Chars,
    pub list_mark: Chars,
    pub covered: Words,
    pub covers: String,
}

#[derive(Deserialize)]
pub struct RankWords {
    pub verbs: Words,
    pub scopes: Words,
    pub suffixes: Words,
    pub from_bottom: Words,
    pub shared: Words,
    pub ordinal: Chars,
    pub ordinal_ties: Chars,
    pub clause_breaks: Chars,
    pub scope_heads: Vec<String>,
    pub total_words: Vec<String>,
    pub group_ends: Chars,
    pub group_ties: Chars,
}

#[derive(Deserialize)]
pub struct CompletionWords {
    pub cues: Words,
    pub lead_marks: Chars,
}

#[derive(Deserialize)]
pub struct KindWords {
    pub target_cues: Words,
    pub present_cues: Words,
    pub plan_cues: Words,
    pub obtain_cues: Words,
    pub obtained_modifiers: Words,
    pub achieved_after: Chars,
    pub lone_cue_not_after: Chars,
    pub lone_cue_not_before: Chars,
}

#[derive(Deserialize)]
pub struct PeriodWords {
    pub halves: Vec<(String, u8, u8)>,
    pub until: Words,
    pub year_words: Words,
    pub year: Chars,
    pub month: Chars,
    pub until_month_ends: Vec<String>,
    pub range_month_ends: Vec<String>,
    pub not_event: Chars,
}

#[derive(Deserialize)]
pub struct SectionWords {
    pub plan: Words,
    pub problems: Words,
    pub review: Words,
}

#[derive(Deserialize)]
pub struct QuantityWords {
    pub time_units: Words,
}

/// The words with which a sentence's figures are read, named and attached (indicator/*.rs).
#[derive(Deserialize)]
pub struct FigureWords {
    pub time_counts: Words,
    pub time_count_reach: usize,
    pub bullets: Chars,
    pub marker_ends: Chars,
    pub comparing_units: Words,
    pub class_units: Words,
    pub points_units: Words,
    pub not_measure_before: Chars,
    pub not_measure_after: Chars,
    pub open_quotes: Chars,
    pub close_quotes: Chars,
    pub curly_quotes: Chars,
    pub over_words: Words,
    pub comparing_chars: Chars,
    pub bounds: Words,
    pub count_leads: Chars,
    pub bound_change_nouns: Words,
    pub bound_continuations: Chars,
    pub clause_times: Words,
    pub figure_suffixes: Words,
    pub item_separators: Chars,
    pub duration_suffixes: Chars,
    pub list_ends: Chars,
    pub list_marks: Chars,
    pub list_breaks: Chars,
    pub base_year_marks: Chars,
    pub from_marks: Chars,
    pub to_marks: Chars,
    pub year_marks: Chars,
    pub money_magnitudes: Words,
    pub spending_words: Words,
    pub project_words: Words,
    pub people_units: Words,
    pub visit_units: Words,
    pub village_kinds: Words,
    pub outcome_nouns: Vec<(String, String)>,
    pub household_unit: String,
    pub households_alone: String,
    pub household_people: Vec<(String, String)>,
    pub people_word: String,
    pub all_words: Words,
    pub total_attributes: Words,
    pub share_words: Words,
    pub total_leads: Words,
    pub part_cues: Words,
    pub each_cues: Chars,
    pub subject_trailers: Words,
    pub rank_marks: Chars,
    pub winning_chars: Chars,
    pub winning_verbs: Words,
    pub duration_leads: Words,
    pub bridges: Words,
    pub bridge_fillers: Words,
    pub figure_leads: Words,
    pub action_ends: Chars,
    pub done_verbs: Words,
    pub done_particles: Chars,
    pub list_continues: Chars,
    pub not_period_after_year: Words,
    pub not_each_words: Words,
    pub scene_frames: Words,
    pub object_frames: Words,
    pub noun_inner_marks: Chars,
    pub carrier_verbs: Words,
    pub kept_adverbs: Words,
    pub modal_leads: Words,
    pub spending_pursuits: Words,
    pub purpose_leads: Words,
    pub people_nouns: Words,
    pub person_unit: String,
    pub target_words: Words,
    pub footnote_brackets: Vec<(String, String)>,
    pub possessive: String,
    pub agent_mark: String,
    pub rate_suffix: String,
    pub items_joiner: String,
    pub money_unit: String,
    pub money_amount: String,
    pub village: String,
    pub new_prefix: String,
    pub share_lead: String,
    pub share_noun: String,
    pub share_tail: String,
    pub whole_attribute: String,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let text = include_str!("../data/lexicon.toml");
    let tables: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("data/lexicon.toml: {e}"));
    reject_duplicates(&tables);
    let mut lex: Lexicon = toml::Value::Table(tables).try_into().unwrap_or_else(|_| {
        // Only the text gives an error its line (the list a character is listed twice in).
        toml::from_str(text).unwrap_or_else(|e| panic!("data/lexicon.toml: {e}"))
    });
    lex.change.verbs.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex.change.nouns.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    lex
});

/// A word listed twice in one list is a slip in the data (the second entry never matches, and an
/// edit to one copy silently keeps the other): loading stops with the list and the word.
/// The word of an entry like `["增长", 1]` is its first element.
fn reject_duplicates(tables: &toml::Table) {
    for (table, lists) in tables {
        for (list, entries) in lists.as_table().into_iter().flatten() {
            let words = entries.as_array().into_iter().flatten().filter_map(|e| match e {
                toml::Value::Array(tuple) => tuple.first().and_then(toml::Value::as_str),
                other => other.as_str(),
            });
            let mut seen = std::collections::HashSet::new();
            for word in words {
                assert!(seen.insert(word), "data/lexicon.toml: [{table}] {list} lists {word:?} twice");
            }
        }
    }
}

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
#[inline]
pub fn word_at<'a>(text: &[char], at: usize, words: &'a Words) -> Option<&'a str> {
    let rest = text.get(at..)?;
    let first = *rest.first()?;
    words.by_first.get(first).iter().find(|&&i| rest.starts_with(&words.chars[i])).map(|&i| words.list[i].as_str())
}

/// The first word of `words` (longest first) that `text[..end]` ends with.
#[inline]
pub fn word_before<'a>(text: &[char], end: usize, words: &'a Words) -> Option<&'a str> {
    let head = text.get(..end)?;
    let last = *head.last()?;
    words.by_last.get(last).iter().find(|&&i| head.ends_with(&words.chars[i])).map(|&i| words.list[i].as_str())
}

/// Past each of `words` in turn, each taken once where it stands (6月份以来: 份, then 以来).
pub fn skip_each(text: &[char], mut at: usize, words: &[String]) -> usize {
    for w in words {
        if starts_at(text, at, w) {
            at += w.chars().count();
        }
    }
    at
}

/// Back over each of `words` in turn, each taken once where it ends, never below `floor`.
pub fn skip_each_back(text: &[char], mut end: usize, floor: usize, words: &[String]) -> usize {
    for w in words {
        let n = w.chars().count();
        if ends_at(text, end, w) && end - n >= floor {
            end -= n;
        }
    }
    end
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_loads() {
        assert!(!LEXICON.name.meaning_verbs.is_empty());
    }

    #[test]
    #[should_panic(expected = "[name] meaning_verbs lists \"培训\" twice")]
    fn a_word_listed_twice_stops_the_load() {
        reject_duplicates(&toml::from_str("[name]\nmeaning_verbs = [\"培训\", \"举办\", \"培训\"]").unwrap());
    }

    #[test]
    fn a_character_listed_twice_is_an_error() {
        #[derive(Deserialize)]
        struct Marks {
            #[allow(dead_code)]
            marks: Chars,
        }
        let err = toml::from_str::<Marks>("marks = \"、和及和\"").err().expect("a duplicate fails").to_string();
        assert!(err.contains("marks") && err.contains("lists '和' twice"), "{err}");
    }

    #[test]
    #[should_panic(expected = "[change] verbs lists \"增长\" twice")]
    fn a_tuple_word_listed_twice_stops_the_load() {
        reject_duplicates(&toml::from_str("[change]\nverbs = [[\"增长\", 1], [\"增长\", -1]]").unwrap());
    }
}
