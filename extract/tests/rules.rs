//! The one runner for the rule corpora in `tests/corpus/*.toml`.
//!
//! A corpus file names its `target` (what is run on each case's text):
//! `quantities`, `indicators`, `sections`, `metadata`, `catalog`, `checks` (the consistency checks of
//! the parsed report) or `tokens`
//! (one record: the words in order as `tokens`, and as `word/tag` in `tagged`). Each `[[case]]` has
//! `text` and `expect` (and a `name` that a failure reports), a list of partial records: every expected record must
//! match some output record on the fields it names (numbers within 1e-6).
//! `exact = true` on a case (or on the file) also forbids any other output;
//! a negative corpus is a file with `exact = true` and `expect = []` cases.

use govreport_extract::{parse, quantities, Hints};
use serde_json::Value;
use std::path::Path;

#[derive(serde::Deserialize)]
struct CorpusFile {
    target: String,
    #[serde(default)]
    exact: bool,
    #[serde(default)]
    hints: Option<CaseHints>,
    case: Vec<Case>,
}

#[derive(serde::Deserialize, Clone, Default)]
struct CaseHints {
    issuer: Option<String>,
    report_year: Option<i32>,
}

#[derive(serde::Deserialize)]
struct Case {
    /// Says which case failed; unnamed cases are known by their number in the file.
    name: Option<String>,
    text: String,
    #[serde(default)]
    expect: Vec<toml::Value>,
    exact: Option<bool>,
    hints: Option<CaseHints>,
}

fn run(target: &str, text: &str, hints: &Hints) -> Vec<Value> {
    match target {
        "quantities" => to_json(&quantities(text)),
        "indicators" => to_json(&parse(text, hints).indicators),
        "sections" => to_json(&parse(text, hints).sections),
        "metadata" => {
            let mut report = parse(text, hints);
            report.indicators.clear();
            report.sections.clear();
            to_json(&[report])
        }
        "checks" => to_json(&govreport_extract::checks::check(&parse(text, hints))),
        "catalog" => to_json(govreport_extract::catalog::Catalog::embedded().link(text).as_slice()),
        "tokens" => vec![segmented(text)],
        other => panic!("unknown corpus target {other:?}"),
    }
}

/// One record of the text's words: `tokens` (as written) and `tagged` (`word/tag`), in order.
fn segmented(text: &str) -> Value {
    let chars: Vec<char> = text.chars().collect();
    let found = govreport_extract::token::tokens(&chars, 0, chars.len());
    let words: Vec<String> = found.iter().map(|t| govreport_extract::token::word(&chars, t)).collect();
    let tagged: Vec<String> = found.iter().zip(&words).map(|(t, w)| format!("{w}/{}", t.tag.name())).collect();
    serde_json::json!({ "tokens": words, "tagged": tagged })
}

fn to_json<T: serde::Serialize>(items: &[T]) -> Vec<Value> {
    items.iter().map(|i| serde_json::to_value(i).expect("model types serialize")).collect()
}

/// Does `actual` carry every field of `expected` with the same value?
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            e.iter().all(|(k, ev)| a.get(k).map_or(ev.is_null(), |av| matches(ev, av)))
        }
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y)),
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            (e - a).abs() <= 1e-6 * e.abs().max(1.0)
        }
        _ => expected == actual,
    }
}

fn to_hints(h: Option<CaseHints>) -> Hints {
    let h = h.unwrap_or_default();
    Hints { issuer: h.issuer, report_year: h.report_year }
}

#[test]
fn rule_corpora() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let (mut cases, mut failures) = (0, Vec::new());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file: CorpusFile = toml::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (i, case) in file.case.iter().enumerate() {
            cases += 1;
            let hints = to_hints(case.hints.clone().or(file.hints.clone()));
            let out = run(&file.target, &case.text, &hints);
            let expect: Vec<Value> = case.expect.iter().map(|e| serde_json::to_value(e).unwrap()).collect();
            let missing: Vec<_> = expect.iter().filter(|e| !out.iter().any(|a| matches(e, a))).collect();
            let exact = case.exact.unwrap_or(file.exact);
            if !missing.is_empty() || (exact && out.len() != expect.len()) {
                let which = case.name.clone().unwrap_or_else(|| format!("case {i}"));
                failures.push(format!(
                    "{name} {which}: {:?}\n  missing: {}\n  got: {}",
                    case.text,
                    serde_json::to_string(&missing).unwrap(),
                    serde_json::to_string(&out).unwrap()
                ));
            }
        }
    }
    assert!(cases > 0, "no corpus cases found in {}", dir.display());
    assert!(failures.is_empty(), "{} of {cases} corpus cases failed:\n{}", failures.len(), failures.join("\n"));
    println!("{cases} corpus cases passed");
}
