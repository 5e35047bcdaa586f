//! Developer tool: run the engine without the service, in the shapes the
//! shared scorers read. `GOVREPORT_BIN=…/examples/dump ../shared/tools/eval.sh`
//!
//!   dump parse FILE      → {"report": {...}} (snake_case JSON of the model)
//!   dump quantities      ← JSON lines {"text": "..."}, → {"quantities": [...]}
//!   dump tokens          ← lines of text, → word/tag per token

use std::io::{BufRead, Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("parse") => {
            let path = args.get(2).expect("usage: dump parse FILE");
            let bytes = if path == "-" {
                let mut b = Vec::new();
                std::io::stdin().read_to_end(&mut b).unwrap();
                b
            } else {
                std::fs::read(path).unwrap()
            };
            let text = govreport_extract::decode(&bytes, None).unwrap();
            let report = govreport_extract::parse(&text, &Default::default());
            println!("{}", serde_json::json!({ "report": report }));
        }
        Some("quantities") => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for line in std::io::stdin().lock().lines() {
                let line = line.unwrap();
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let text = v["text"].as_str().unwrap_or_default();
                let qs: Vec<_> = govreport_extract::quantities(text)
                    .into_iter()
                    .map(|q| {
                        serde_json::json!({"start": q.span.start, "end": q.span.end, "text": q.text,
                            "value": q.value, "max": q.max, "unit": q.unit, "approx": q.approx})
                    })
                    .collect();
                writeln!(out, "{}", serde_json::json!({ "quantities": qs })).unwrap();
            }
        }
        Some("tokens") => {
            for line in std::io::stdin().lock().lines() {
                let chars: Vec<char> = line.unwrap().chars().collect();
                let words: Vec<String> = govreport_extract::token::tokens(&chars, 0, chars.len())
                    .iter()
                    .map(|t| format!("{}/{:?}", govreport_extract::token::word(&chars, t), t.tag))
                    .collect();
                println!("{}", words.join(" "));
            }
        }
        _ => eprintln!("usage: dump parse FILE | dump quantities | dump tokens"),
    }
}
