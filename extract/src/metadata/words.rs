//! The words of report metadata, read once from `data/metadata.toml`.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
pub struct MetaWords {
    pub fields: FieldWords,
    pub body: BodyWords,
    pub speech: SpeechWords,
    pub dates: DateWords,
    pub year: YearWords,
    pub title: TitleWords,
}

#[derive(Deserialize)]
pub struct FieldWords {
    pub issuer: Vec<String>,
    pub published: Vec<String>,
    pub index: Vec<String>,
    pub title: Vec<String>,
    pub other: Vec<String>,
    pub unknown: Vec<String>,
    pub separators: String,
    pub clutter: String,
}

#[derive(Deserialize)]
pub struct BodyWords {
    pub levels: Vec<Vec<String>>,
    pub government: Vec<String>,
    pub whole: Vec<String>,
    pub starts_after: Vec<String>,
    pub ordinal: String,
    pub offices: Vec<String>,
    pub own_place: Vec<String>,
    pub hidden: Vec<String>,
    pub not_places: Vec<String>,
    pub not_inside: String,
    pub not_first: String,
    pub not_after_place: String,
    pub level_list: String,
    pub generic: Vec<String>,
    pub longest: usize,
    pub longest_counted: usize,
    /// Every place ending, longest first (自治区 before 区), filled at load.
    #[serde(skip)]
    pub endings: Vec<String>,
}

#[derive(Deserialize)]
pub struct SpeechWords {
    pub dash: String,
    pub at: String,
    pub meetings: Vec<String>,
    pub congress: Vec<String>,
    pub not_place: Vec<String>,
}

#[derive(Deserialize)]
pub struct DateWords {
    pub year: String,
    pub month: String,
    pub day: String,
    pub brackets: String,
}

#[derive(Deserialize)]
pub struct YearWords {
    pub work_report: Vec<String>,
    pub looks_back: Vec<String>,
    pub plan_titles: Vec<String>,
    pub profile: Vec<String>,
    pub base_before: Vec<String>,
    pub base_after: Vec<String>,
    pub since: Vec<String>,
    pub founding: Vec<String>,
}

#[derive(Deserialize)]
pub struct TitleWords {
    pub crumb_marks: Vec<String>,
    pub crumb_starts: Vec<String>,
    pub clause_marks: Vec<String>,
}

pub static WORDS: LazyLock<MetaWords> = LazyLock::new(|| {
    let mut w: MetaWords =
        toml::from_str(include_str!("../../data/metadata.toml")).expect("data/metadata.toml is valid");
    // Longest key first, so 来源URL wins over 来源 where both start.
    let f = &mut w.fields;
    for keys in [&mut f.issuer, &mut f.published, &mut f.index, &mut f.title, &mut f.other] {
        keys.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
    }
    w.body.endings = w.body.levels.iter().flatten().cloned().collect();
    w.body.endings.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
    w
});

/// Does any of `words` occur in `text`?
pub fn any_in(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}
