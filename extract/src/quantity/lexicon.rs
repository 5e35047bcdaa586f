//! The words of the number layer, read once from `data/numbers.toml`,
//! `data/units.toml` and `data/qualifiers.toml`.

use crate::Approx;
use serde::Deserialize;
// Keyed by one character (or a short word) and read for nearly every character of a text: rustc-hash's
// Fx hash is a few instructions where std's SipHash is dozens, and no lookup here takes untrusted keys
// that could be chosen to collide (the keys are the data files' words).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// What one character can be inside a numeral.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumeralChar {
    Digit(u8),
    /// 十 百 千
    SmallUnit(f64),
    /// 廿 卅 卌: a whole ten in one character.
    Tens(f64),
    /// 万 亿 兆
    Magnitude(f64),
    /// 半
    Half,
}

#[derive(Deserialize)]
struct NumbersFile {
    digits: HashMap<char, u8>,
    small_units: HashMap<char, f64>,
    tens: HashMap<char, f64>,
    magnitudes: HashMap<char, f64>,
    words: NumberWords,
}

#[derive(Deserialize)]
struct NumberWords {
    half: Vec<char>,
    points: Vec<char>,
    not_decimal: Vec<char>,
    capital: Vec<char>,
    negative: Vec<String>,
    negative_not_after: Vec<char>,
    range: Vec<String>,
    letter_magnitudes: HashMap<char, f64>,
    not_numbers: Vec<String>,
    time_words: Vec<String>,
    ordinal_prefixes: Vec<String>,
    bare_followers: Vec<String>,
    lone_digit_preceders: Vec<String>,
}

#[derive(Deserialize)]
struct UnitsFile {
    units: HashMap<String, (String, f64)>,
    prefixes: HashMap<String, String>,
    blocked_by: HashMap<char, String>,
    money_parts: HashMap<String, (String, f64)>,
    words: UnitWords,
    unit_words: HashMap<String, (String, f64)>,
}

#[derive(Deserialize)]
struct UnitWords {
    tenths_split: Vec<String>,
    discounts: Vec<String>,
    half_after: Vec<String>,
    money_joiners: Vec<String>,
}

#[derive(Deserialize)]
struct QualifiersFile {
    before: HashMap<String, String>,
    before_blocked_by: HashMap<char, String>,
    inside: HashMap<String, String>,
    after: HashMap<String, String>,
}

/// A unit as written, with its base unit and the factor to it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub base: String,
    pub factor: f64,
}

pub struct Lexicon {
    pub numeral: HashMap<char, NumeralChar>,
    /// One bit per Basic Multilingual Plane character: is it a numeral character? (a fast first test)
    numeral_bits: Vec<u64>,
    /// The same test for the first characters of `unit_words` (打对折), so the scan stays cheap.
    unit_word_bits: Vec<u64>,
    pub points: HashSet<char>,
    pub not_decimal: HashSet<char>,
    pub capital: HashSet<char>,
    pub letter_magnitudes: HashMap<char, f64>,
    pub negative: Words<()>,
    pub negative_not_after: HashSet<char>,
    pub range: Words<()>,
    pub not_numbers: Words<()>,
    pub time_words: Words<()>,
    pub ordinal_prefixes: Words<()>,
    pub bare_followers: Words<()>,
    pub lone_digit_preceders: Words<()>,
    pub units: Words<Unit>,
    pub unit_prefixes: Words<String>,
    /// A one-character unit followed by one of these characters is a word, not a unit (成立, 起步).
    pub unit_blocked_by: HashMap<char, Vec<char>>,
    /// Coins after an amount: 角 is 0.1 元, 美分 0.01 美元.
    pub money_parts: Words<(String, f64)>,
    /// Each currency's coin values, largest first.
    pub coins: HashMap<String, Vec<f64>>,
    /// 又 in 两美元又三美分.
    pub money_joiners: Words<()>,
    /// 成: a lone digit after it is in hundredths, 半 half a tenth (七成六, 三成半).
    pub tenths_split: Words<()>,
    /// 折: two digits are already percent; 十折 is no discount.
    pub discounts: Words<()>,
    /// 个: 半 after it adds a half (一个半).
    pub half_after: Words<()>,
    /// 对折: a quantity with no numeral; the value is the unit's factor.
    pub unit_words: Words<Unit>,
    pub approx_before: Words<Approx>,
    /// 签约, 最近: characters that make a one-character qualifier the end of a word.
    pub approx_before_blocked_by: HashMap<char, Vec<char>>,
    pub approx_inside: Words<Approx>,
    pub approx_after: Words<Approx>,
}

/// A word list for longest-match lookups at a position (forwards) or ending
/// at a position (backwards), keyed by first and last character.
pub struct Words<T> {
    by_first: HashMap<char, Vec<(Vec<char>, T)>>,
    by_last: HashMap<char, Vec<(Vec<char>, T)>>,
    pub longest: usize,
}

impl<T: Clone> Words<T> {
    fn new(entries: impl IntoIterator<Item = (String, T)>) -> Words<T> {
        let mut by_first: HashMap<char, Vec<(Vec<char>, T)>> = HashMap::default();
        let mut by_last: HashMap<char, Vec<(Vec<char>, T)>> = HashMap::default();
        let mut longest = 0;
        for (word, value) in entries {
            let chars: Vec<char> = word.chars().collect();
            let (Some(&first), Some(&last)) = (chars.first(), chars.last()) else {
                continue;
            };
            longest = longest.max(chars.len());
            by_first
                .entry(first)
                .or_default()
                .push((chars.clone(), value.clone()));
            by_last.entry(last).or_default().push((chars, value));
        }
        for list in by_first.values_mut().chain(by_last.values_mut()) {
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        Words {
            by_first,
            by_last,
            longest,
        }
    }

    /// The longest word starting at `at`: its length in chars and value.
    pub fn at(&self, text: &[char], at: usize) -> Option<(usize, &T)> {
        let list = self.by_first.get(text.get(at)?)?;
        list.iter()
            .find(|(w, _)| text[at..].starts_with(w))
            .map(|(w, v)| (w.len(), v))
    }

    /// Like [`Words::at`], but spaces between the word's characters are allowed
    /// (一 百 五 十 个 百 分 点); returns the span length in text.
    pub fn at_spaced(&self, text: &[char], at: usize) -> Option<(usize, &T)> {
        let list = self.by_first.get(text.get(at)?)?;
        list.iter().find_map(|(w, v)| {
            let mut j = at;
            for (k, &c) in w.iter().enumerate() {
                if k > 0 {
                    while text.get(j) == Some(&' ') {
                        j += 1;
                    }
                }
                if text.get(j) != Some(&c) {
                    return None;
                }
                j += 1;
            }
            Some((j - at, v))
        })
    }

    /// The longest word ending right before `end`.
    pub fn ending_at(&self, text: &[char], end: usize) -> Option<(usize, &T)> {
        if end == 0 {
            return None;
        }
        let list = self.by_last.get(text.get(end - 1)?)?;
        list.iter()
            .find(|(w, _)| text[..end].ends_with(w))
            .map(|(w, v)| (w.len(), v))
    }

    pub fn starts(&self, text: &[char], at: usize) -> bool {
        self.at(text, at).is_some()
    }

    pub fn ends(&self, text: &[char], end: usize) -> bool {
        self.ending_at(text, end).is_some()
    }
}

impl<T> Words<T> {
    /// Every word of the list, in no particular order (the token layer's user dictionary reads the units).
    pub fn words(&self) -> impl Iterator<Item = &[char]> + '_ {
        self.by_first.values().flatten().map(|(w, _)| w.as_slice())
    }
}

fn plain(words: Vec<String>) -> Words<()> {
    Words::new(words.into_iter().map(|w| (w, ())))
}

impl Lexicon {
    /// The qualifier written right before `at` (约4.3亿元), unless its one character ends a word
    /// there (签约3130亩).
    pub(crate) fn qualifier_before(&self, text: &[char], at: usize) -> Option<Approx> {
        let (n, approx) = self.approx_before.ending_at(text, at)?;
        let ends_word = n == 1
            && at >= 2
            && self
                .approx_before_blocked_by
                .get(&text[at - 1])
                .is_some_and(|b| b.contains(&text[at - 2]));
        (!ends_word).then_some(*approx)
    }

    pub fn is_numeral(&self, c: char) -> bool {
        let code = c as usize;
        if code < 0x10000 {
            self.numeral_bits[code / 64] & (1 << (code % 64)) != 0
        } else {
            self.numeral.contains_key(&c)
        }
    }

    /// Might a unit word (打对折) start at `at`?
    pub fn unit_word_at(&self, text: &[char], at: usize) -> bool {
        let code = text[at] as usize;
        let maybe = code >= 0x10000 || self.unit_word_bits[code / 64] & (1 << (code % 64)) != 0;
        maybe && self.unit_words.starts(text, at)
    }
}

/// One bit per Basic Multilingual Plane character in `chars`.
fn char_bits(chars: impl IntoIterator<Item = char>) -> Vec<u64> {
    let mut bits = vec![0u64; 0x10000 / 64];
    for c in chars {
        let code = c as usize;
        if code < 0x10000 {
            bits[code / 64] |= 1 << (code % 64);
        }
    }
    bits
}

/// The data files are part of the build; a broken one is a bug, reported briefly.
fn read<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("data/{name}: {}", e.message()))
}

fn approx_words(words: HashMap<String, String>) -> Words<Approx> {
    Words::new(words.into_iter().map(|(w, a)| {
        let approx = match a.as_str() {
            "over" => Approx::Over,
            "nearly" => Approx::Nearly,
            "about" => Approx::About,
            "under" => Approx::Under,
            other => panic!("data/qualifiers.toml: unknown approx {other:?}"),
        };
        (w, approx)
    }))
}

fn coin_values(parts: &HashMap<String, (String, f64)>) -> HashMap<String, Vec<f64>> {
    let mut coins: HashMap<String, Vec<f64>> = HashMap::default();
    for (base, value) in parts.values() {
        coins.entry(base.clone()).or_default().push(*value);
    }
    for values in coins.values_mut() {
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
    }
    coins
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let numbers: NumbersFile = read("numbers.toml", include_str!("../../data/numbers.toml"));
    let units: UnitsFile = read("units.toml", include_str!("../../data/units.toml"));
    let qualifiers: QualifiersFile = read(
        "qualifiers.toml",
        include_str!("../../data/qualifiers.toml"),
    );
    let mut numeral = HashMap::default();
    numeral.extend(
        numbers
            .digits
            .into_iter()
            .map(|(c, d)| (c, NumeralChar::Digit(d))),
    );
    numeral.extend(
        numbers
            .small_units
            .into_iter()
            .map(|(c, v)| (c, NumeralChar::SmallUnit(v))),
    );
    numeral.extend(
        numbers
            .tens
            .into_iter()
            .map(|(c, v)| (c, NumeralChar::Tens(v))),
    );
    numeral.extend(
        numbers
            .magnitudes
            .into_iter()
            .map(|(c, v)| (c, NumeralChar::Magnitude(v))),
    );
    let w = numbers.words;
    numeral.extend(w.half.iter().map(|&c| (c, NumeralChar::Half)));
    let numeral_bits = char_bits(numeral.keys().copied());
    let unit_word_bits = char_bits(units.unit_words.keys().filter_map(|w| w.chars().next()));
    Lexicon {
        numeral,
        numeral_bits,
        unit_word_bits,
        points: w.points.into_iter().collect(),
        not_decimal: w.not_decimal.into_iter().collect(),
        capital: w.capital.into_iter().collect(),
        letter_magnitudes: w.letter_magnitudes,
        negative: plain(w.negative),
        negative_not_after: w.negative_not_after.into_iter().collect(),
        range: plain(w.range),
        not_numbers: plain(w.not_numbers),
        time_words: plain(w.time_words),
        ordinal_prefixes: plain(w.ordinal_prefixes),
        bare_followers: plain(w.bare_followers),
        lone_digit_preceders: plain(w.lone_digit_preceders),
        units: Words::new(
            units
                .units
                .into_iter()
                .map(|(s, (base, factor))| (s, Unit { base, factor })),
        ),
        unit_prefixes: Words::new(units.prefixes),
        coins: coin_values(&units.money_parts),
        money_parts: Words::new(units.money_parts),
        money_joiners: plain(units.words.money_joiners),
        tenths_split: plain(units.words.tenths_split),
        discounts: plain(units.words.discounts),
        half_after: plain(units.words.half_after),
        unit_words: Words::new(
            units
                .unit_words
                .into_iter()
                .map(|(s, (base, factor))| (s, Unit { base, factor })),
        ),
        unit_blocked_by: units
            .blocked_by
            .into_iter()
            .map(|(u, s)| (u, s.chars().collect()))
            .collect(),
        approx_before: approx_words(qualifiers.before),
        approx_before_blocked_by: qualifiers
            .before_blocked_by
            .into_iter()
            .map(|(q, s)| (q, s.chars().collect()))
            .collect(),
        approx_inside: approx_words(qualifiers.inside),
        approx_after: approx_words(qualifiers.after),
    }
});

pub fn lexicon() -> &'static Lexicon {
    &LEXICON
}
