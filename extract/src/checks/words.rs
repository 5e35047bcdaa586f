//! The words of the checks, read once from `data/checks.toml`.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
pub struct Words {
    pub items: Items,
    pub parts: Parts,
    pub share: Share,
    pub completion: Completion,
    pub change: ChangeWords,
}

#[derive(Deserialize)]
pub struct Items {
    pub separators: String,
}

#[derive(Deserialize)]
pub struct Parts {
    pub cues: Vec<String>,
    pub non_additive: Vec<String>,
}

#[derive(Deserialize)]
pub struct Share {
    pub cues: Vec<String>,
    pub stops: Vec<String>,
    pub scope_prefixes: Vec<String>,
}

#[derive(Deserialize)]
pub struct Completion {
    pub target_words: Vec<String>,
}

#[derive(Deserialize)]
pub struct ChangeWords {
    pub compare: Vec<String>,
    pub increase: Vec<String>,
    pub decrease: Vec<String>,
    pub particles: Vec<String>,
    pub annual: Vec<String>,
    pub year_mark: String,
}

pub static WORDS: LazyLock<Words> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/checks.toml")).unwrap_or_else(|e| panic!("data/checks.toml: {e}"))
});

/// Does `text` hold any of `words`?
pub fn holds(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}

/// The word of `words` that `text` ends with, longest first.
pub fn ending<'a>(text: &str, words: &'a [String]) -> Option<&'a str> {
    words.iter().filter(|w| text.ends_with(w.as_str())).max_by_key(|w| w.len()).map(String::as_str)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_words_load() {
        let w = &*super::WORDS;
        assert!(!w.parts.cues.is_empty() && !w.share.cues.is_empty() && !w.change.increase.is_empty());
    }
}
