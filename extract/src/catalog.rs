//! The indicator catalog: canonical indicators and the names reports write
//! them under, read from `catalog/indicators.toml` (data, not code).
//!
//! [`Catalog::link`] maps an indicator name as written (规上工业产值) to its
//! canonical definition (`industrial_output_above_scale`, 规模以上工业总产值).
//! Linking is exact on normalized names (see [`Catalog::normalize`]); there is
//! no fuzzy matching, because a wrong link is worse than none.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The catalog compiled into the crate.
const EMBEDDED_TOML: &str = include_str!("../../catalog/indicators.toml");

static EMBEDDED: LazyLock<Catalog> = LazyLock::new(|| {
    // The crate's tests load this file, so a malformed catalog fails them before it ships.
    Catalog::from_toml(EMBEDDED_TOML)
        .unwrap_or_else(|e| panic!("embedded catalog/indicators.toml: {e}"))
});

/// A group of indicators (经济运行, 生态环境 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    /// Chinese label.
    pub name: String,
}

/// One canonical indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Stable snake_case id, e.g. `industrial_output_above_scale`.
    pub code: String,
    /// Canonical Chinese name, e.g. 规模以上工业总产值.
    pub name: String,
    /// Names as written in reports.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Canonical base unit as the engine emits it (元, 人, %, …).
    pub unit: String,
    /// A [`Category`] code.
    pub category: String,
    /// Whether values add up across places (totals yes; rates, per-capita, averages no).
    pub additive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Why a catalog file was rejected; says which entry is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    /// Not valid TOML, or fields missing / unknown.
    Syntax(String),
    /// An entry breaks a rule (empty field, unknown category, bad code …).
    Invalid { entry: String, problem: String },
    /// Two entries answer to the same normalized name.
    AmbiguousName {
        name: String,
        normalized: String,
        first: String,
        second: String,
    },
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogError::Syntax(why) => write!(f, "catalog is not valid: {why}"),
            CatalogError::Invalid { entry, problem } => write!(f, "catalog entry {entry}: {problem}"),
            CatalogError::AmbiguousName { name, normalized, first, second } => write!(
                f,
                "catalog name {name:?} (normalized {normalized:?}) belongs to both {first} and {second}"
            ),
        }
    }
}

impl std::error::Error for CatalogError {}

/// The `[normalize]` table: the words normalization works with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NormalizeRules {
    #[serde(default)]
    strip_prefixes: Vec<String>,
    #[serde(default)]
    keep_words: Vec<String>,
    #[serde(default)]
    place_suffixes: Vec<String>,
    #[serde(default)]
    not_place_endings: Vec<String>,
    #[serde(default = "default_place_min_chars")]
    place_min_chars: usize,
}

fn default_place_min_chars() -> usize {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    normalize: NormalizeRules,
    #[serde(default)]
    category: Vec<Category>,
    #[serde(default)]
    indicator: Vec<Definition>,
}

/// A stripped remainder must keep at least this many characters (完成率 stays 完成率).
const MIN_REMAINDER_CHARS: usize = 2;

/// Canonical indicators, indexed by normalized name.
#[derive(Debug, Clone)]
pub struct Catalog {
    categories: Vec<Category>,
    definitions: Vec<Definition>,
    rules: NormalizeRules,
    /// Normalized name or alias → index into `definitions`.
    by_name: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
    fingerprint: String,
}

impl Catalog {
    /// The catalog shipped with the crate (`catalog/indicators.toml`), parsed once.
    pub fn embedded() -> &'static Catalog {
        &EMBEDDED
    }

    /// Parses and validates a catalog: codes unique and snake_case, names and
    /// units non-empty, categories declared, and no normalized name or alias
    /// shared by two entries.
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile =
            toml::from_str(text).map_err(|e| CatalogError::Syntax(e.to_string()))?;
        let mut rules = file.normalize;
        // The words are compared with folded names, so fold them the same way.
        for words in [
            &mut rules.strip_prefixes,
            &mut rules.keep_words,
            &mut rules.place_suffixes,
            &mut rules.not_place_endings,
        ] {
            *words = words
                .iter()
                .map(|w| fold(w))
                .filter(|w| !w.is_empty())
                .collect();
        }
        // Longest first, so 达到 is stripped whole rather than as 达 + 到.
        rules
            .strip_prefixes
            .sort_by_key(|p| std::cmp::Reverse(p.chars().count()));

        let invalid = |entry: String, problem: &str| CatalogError::Invalid {
            entry,
            problem: problem.to_string(),
        };
        let mut category_codes = HashSet::new();
        for (i, c) in file.category.iter().enumerate() {
            let entry = format!("category #{} ({:?})", i + 1, c.code);
            if !is_snake_case(&c.code) {
                return Err(invalid(
                    entry,
                    "code must be non-empty snake_case (a-z, 0-9, _)",
                ));
            }
            if c.name.trim().is_empty() {
                return Err(invalid(entry, "name is empty"));
            }
            if !category_codes.insert(c.code.as_str()) {
                return Err(invalid(entry, "duplicate category code"));
            }
        }

        let mut catalog = Catalog {
            categories: file.category.clone(),
            definitions: Vec::new(),
            rules,
            by_name: HashMap::new(),
            by_code: HashMap::new(),
            fingerprint: String::new(),
        };
        for (i, d) in file.indicator.into_iter().enumerate() {
            let entry = format!("indicator #{} ({:?})", i + 1, d.code);
            if !is_snake_case(&d.code) {
                return Err(invalid(
                    entry,
                    "code must be non-empty snake_case (a-z, 0-9, _)",
                ));
            }
            if catalog.by_code.contains_key(&d.code) {
                return Err(invalid(entry, "duplicate code"));
            }
            if d.name.trim().is_empty() {
                return Err(invalid(entry, "name is empty"));
            }
            if d.unit.trim().is_empty() {
                return Err(invalid(entry, "unit is empty"));
            }
            if !category_codes.contains(d.category.as_str()) {
                return Err(invalid(
                    entry,
                    &format!("unknown category {:?}", d.category),
                ));
            }
            for written in std::iter::once(&d.name).chain(&d.aliases) {
                let key = catalog.normalize(written);
                if key.is_empty() {
                    return Err(invalid(
                        entry,
                        &format!("name {written:?} is empty once normalized"),
                    ));
                }
                match catalog.by_name.get(&key) {
                    Some(&other) if other != i => {
                        return Err(CatalogError::AmbiguousName {
                            name: written.clone(),
                            normalized: key,
                            first: catalog.definitions[other].code.clone(),
                            second: d.code.clone(),
                        })
                    }
                    Some(_) => {} // the same entry lists it twice (e.g. 完成X beside X): harmless
                    None => {
                        catalog.by_name.insert(key, i);
                    }
                }
            }
            catalog.by_code.insert(d.code.clone(), i);
            catalog.definitions.push(d);
        }
        catalog.fingerprint = catalog.compute_fingerprint();
        Ok(catalog)
    }

    /// Every definition, in file order.
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// Every category, in file order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The definition with this code.
    pub fn get(&self, code: &str) -> Option<&Definition> {
        self.by_code.get(code).map(|&i| &self.definitions[i])
    }

    /// The category with this code.
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The canonical definition of an indicator name as written, if any.
    ///
    /// 1. The normalized name equals a normalized canonical name or alias.
    /// 2. Otherwise, when the name starts with a place (a head of at least
    ///    `place_min_chars` characters ending in a `place_suffixes` word but not
    ///    in a `not_place_endings` word, e.g. 云驿小镇快递业务量 but not
    ///    陕西城镇居民人均可支配收入), the rest after the place, normalized
    ///    again, equals one. The longest rest wins.
    ///
    /// Nothing else: no substring or similarity matching.
    pub fn link(&self, name: &str) -> Option<&Definition> {
        let key = self.normalize(name);
        if let Some(&i) = self.by_name.get(&key) {
            return Some(&self.definitions[i]);
        }
        let chars: Vec<char> = key.chars().collect();
        let min_head = self.rules.place_min_chars.max(1);
        for head_len in min_head..chars.len().saturating_sub(MIN_REMAINDER_CHARS - 1) {
            let head: String = chars[..head_len].iter().collect();
            let ends_with_any = |words: &[String]| words.iter().any(|w| head.ends_with(w.as_str()));
            if !ends_with_any(&self.rules.place_suffixes)
                || ends_with_any(&self.rules.not_place_endings)
            {
                continue;
            }
            let rest: String = chars[head_len..].iter().collect();
            if let Some(&i) = self.by_name.get(&self.strip_fillers(rest)) {
                return Some(&self.definitions[i]);
            }
        }
        None
    }

    /// The form names are compared in:
    ///
    /// 1. full-width forms folded to ASCII (ＰＭ２．５ → PM2.5), ASCII lowercased;
    /// 2. everything that is not a letter or digit removed: whitespace, quotes,
    ///    brackets, punctuation (“共享社·幸福里” → 共享社幸福里; PM2.5 → pm25);
    /// 3. leading filler words of `[normalize] strip_prefixes` (完成, 实现, 累计,
    ///    全年, 共, 已, 达 …) removed repeatedly, longest first, unless the name
    ///    there starts with a `keep_words` word (共享, 达标 …) or fewer than two
    ///    characters would remain. Meaning verbs (新增, 签约, 排查 …) are never
    ///    in that list.
    pub fn normalize(&self, name: &str) -> String {
        self.strip_fillers(fold(name))
    }

    /// Step 3 of [`Catalog::normalize`], on an already folded name.
    fn strip_fillers(&self, mut name: String) -> String {
        'strip: loop {
            if self
                .rules
                .keep_words
                .iter()
                .any(|k| name.starts_with(k.as_str()))
            {
                return name;
            }
            for prefix in &self.rules.strip_prefixes {
                if let Some(rest) = name.strip_prefix(prefix.as_str()) {
                    if rest.chars().count() >= MIN_REMAINDER_CHARS {
                        name = rest.to_string();
                        continue 'strip;
                    }
                }
            }
            return name;
        }
    }

    /// A stable hash (FNV-1a, 64 bits, as 16 hex digits) of everything that
    /// decides links and what a link carries: normalization words, categories,
    /// and every definition field. Independent of comments and layout, so the
    /// service re-links stored indicators only when this changes.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn compute_fingerprint(&self) -> String {
        let mut h = Fnv1a::new();
        let r = &self.rules;
        h.field("normalize");
        h.list(&r.strip_prefixes);
        h.list(&r.keep_words);
        h.list(&r.place_suffixes);
        h.list(&r.not_place_endings);
        h.field(&r.place_min_chars.to_string());
        for c in &self.categories {
            h.field("category");
            h.field(&c.code);
            h.field(&c.name);
        }
        for d in &self.definitions {
            h.field("indicator");
            h.field(&d.code);
            h.field(&d.name);
            h.list(&d.aliases);
            h.field(&d.unit);
            h.field(&d.category);
            h.field(if d.additive {
                "additive"
            } else {
                "not additive"
            });
            h.field(d.description.as_deref().unwrap_or(""));
        }
        format!("{:016x}", h.0)
    }
}

/// Steps 1 and 2 of [`Catalog::normalize`]: fold widths and case, keep only letters and digits.
fn fold(name: &str) -> String {
    name.chars()
        .map(fold_width)
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to their ASCII forms.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// FNV-1a over fields, each terminated by a separator byte that cannot occur in UTF-8.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn field(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xFF]);
    }

    fn list(&mut self, items: &[String]) {
        for item in items {
            self.field(item);
        }
        self.bytes(&[0xFE]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[normalize]
strip_prefixes = ["完成", "共", "达", "达到", "全区"]
keep_words = ["共享"]
place_suffixes = ["镇", "区", "乡"]
not_place_endings = ["城镇", "城乡"]

[[category]]
code = "economy"
name = "经济运行"

[[indicator]]
code = "gdp"
name = "地区生产总值"
aliases = ["生产总值", "GDP"]
unit = "元"
category = "economy"
additive = true

[[indicator]]
code = "shared_home"
name = "共享社幸福里"
unit = "处"
category = "economy"
additive = true
"#;

    #[test]
    fn embedded_catalog_loads_with_at_least_60_definitions() {
        let catalog = Catalog::from_toml(EMBEDDED_TOML).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            catalog.definitions().len() >= 60,
            "only {} definitions",
            catalog.definitions().len()
        );
        assert_eq!(
            Catalog::embedded().definitions().len(),
            catalog.definitions().len()
        );
        for d in catalog.definitions() {
            assert!(catalog.category(&d.category).is_some());
            assert_eq!(
                catalog.link(&d.name).map(|l| l.code.as_str()),
                Some(d.code.as_str())
            );
            for alias in &d.aliases {
                assert_eq!(
                    catalog.link(alias).map(|l| l.code.as_str()),
                    Some(d.code.as_str()),
                    "{alias}"
                );
            }
        }
    }

    #[test]
    fn normalization_folds_width_strips_punctuation_and_fillers() {
        let c = Catalog::from_toml(SMALL).unwrap();
        assert_eq!(c.normalize("全区完成　ＧＤＰ"), "gdp");
        assert_eq!(c.normalize("“共享社·幸福里”"), "共享社幸福里");
        assert_eq!(c.normalize("达到地区生产总值"), "地区生产总值");
        assert_eq!(c.normalize("完成率"), "完成率");
        assert_eq!(
            c.link("共计生产总值").map(|d| d.code.as_str()),
            None,
            "共计 is not listed here"
        );
        assert_eq!(c.link("共生产总值").unwrap().code, "gdp");
        assert_eq!(c.link("“共享社·幸福里”").unwrap().code, "shared_home");
    }

    #[test]
    fn place_heads_are_dropped_only_when_long_enough() {
        let c = Catalog::from_toml(SMALL).unwrap();
        assert_eq!(c.link("云驿小镇地区生产总值").unwrap().code, "gdp");
        assert_eq!(c.link("海拉尔区GDP").unwrap().code, "gdp");
        assert!(
            c.link("城镇生产总值").is_none(),
            "a two-character head is not a place"
        );
        assert!(
            c.link("陕西城镇生产总值").is_none(),
            "城镇 is a kind of area, not a place"
        );
        assert!(c.link("陕西城乡生产总值").is_none());
        assert_eq!(c.link("时家店乡生产总值").unwrap().code, "gdp");
        assert!(c.link("工业生产总值").is_none());
    }

    #[test]
    fn rejects_bad_catalogs_naming_the_entry() {
        let dup_alias = SMALL.replace(
            r#"name = "共享社幸福里""#,
            "name = \"共享社幸福里\"\naliases = [\"GDP\"]",
        );
        let err = Catalog::from_toml(&dup_alias).unwrap_err();
        assert!(
            matches!(&err, CatalogError::AmbiguousName { first, second, .. } if first == "gdp" && second == "shared_home"),
            "{err}"
        );

        let dup_code = SMALL.replace(r#"code = "shared_home""#, r#"code = "gdp""#);
        assert!(Catalog::from_toml(&dup_code)
            .unwrap_err()
            .to_string()
            .contains("indicator #2"));

        let unknown_category = SMALL.replace(
            r#"unit = "处"
category = "economy""#,
            r#"unit = "处"
category = "housing""#,
        );
        let err = Catalog::from_toml(&unknown_category)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("shared_home") && err.contains("housing"),
            "{err}"
        );

        let empty_name = SMALL.replace(r#"name = "地区生产总值""#, r#"name = " ""#);
        assert!(Catalog::from_toml(&empty_name)
            .unwrap_err()
            .to_string()
            .contains("\"gdp\""));

        let bad_code = SMALL.replace(r#"code = "gdp""#, r#"code = "GDP value""#);
        assert!(matches!(
            Catalog::from_toml(&bad_code),
            Err(CatalogError::Invalid { .. })
        ));

        let unknown_field = SMALL.replace(
            "additive = true\n\n[[indicator]]",
            "additive = true\nadditve = false\n\n[[indicator]]",
        );
        assert!(matches!(
            Catalog::from_toml(&unknown_field),
            Err(CatalogError::Syntax(_))
        ));

        assert!(matches!(
            Catalog::from_toml("indicator = 3"),
            Err(CatalogError::Syntax(_))
        ));
    }

    #[test]
    fn fingerprint_follows_content_not_layout() {
        let base = Catalog::from_toml(SMALL).unwrap();
        assert_eq!(base.fingerprint().len(), 16);
        let commented = Catalog::from_toml(&format!("# a comment\n{SMALL}\n\n")).unwrap();
        assert_eq!(base.fingerprint(), commented.fingerprint());
        let new_alias =
            Catalog::from_toml(&SMALL.replace(r#""GDP"]"#, r#""GDP", "经济总量"]"#)).unwrap();
        assert_ne!(base.fingerprint(), new_alias.fingerprint());
        let not_additive =
            Catalog::from_toml(&SMALL.replacen("additive = true", "additive = false", 1)).unwrap();
        assert_ne!(base.fingerprint(), not_additive.fingerprint());
    }
}
