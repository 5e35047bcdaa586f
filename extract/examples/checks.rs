//! Developer tool: the consistency checks of each document, and a count per kind.
//!
//!   checks FILE…   → one JSON line per check ({"document", "check", "figures"}), then a table
//!                    (kind, fired, failed) on stderr

use std::collections::BTreeMap;

fn main() {
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Ok(text) = govreport_extract::decode(&bytes, None) else { continue };
        let report = govreport_extract::parse(&text, &Default::default());
        for c in govreport_extract::checks::check(&report) {
            let n = counts.entry(c.kind.as_str()).or_default();
            n.0 += 1;
            n.1 += usize::from(!c.pass);
            let figures: Vec<_> = c.indicators.iter().map(|&i| &report.indicators[i]).map(|ind| {
                serde_json::json!({"name": ind.name, "value_text": ind.value_text, "rule": ind.rule, "sentence": ind.sentence})
            }).collect();
            println!("{}", serde_json::json!({"document": path, "check": c, "figures": figures}));
        }
    }
    eprintln!("{:<32} {:>6} {:>6}", "kind", "fired", "failed");
    for (kind, (fired, failed)) in &counts {
        eprintln!("{kind:<32} {fired:>6} {failed:>6}");
    }
}
