//! The indicator layer's house rules, checked on its source (and on the consistency checks', which
//! read its output): words live in `data/`, not in code (no Chinese string or character literal
//! outside tests), and no function needs a scroll bar.

use std::path::Path;

const MAX_FUNCTION_LINES: usize = 120;

/// The sources these rules hold for.
const DIRS: [&str; 2] = ["src/indicator", "src/checks"];

fn indicator_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read_dir = |d: &str| std::fs::read_dir(root.join(d)).unwrap().map(|e| e.unwrap().path());
    let mut files: Vec<_> = DIRS.iter().flat_map(|d| read_dir(d)).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    files.sort();
    let name = |p: &Path| p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
    let read = |p: &Path| (name(p), std::fs::read_to_string(p).unwrap());
    files.iter().map(|p| read(p)).collect()
}

/// The code of a file before its test module.
fn non_test_code(source: &str) -> &str {
    source.find("#[cfg(test)]").map_or(source, |p| &source[..p])
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c) || ('\u{2014}'..='\u{201d}').contains(&c)
}

/// The string and character literals of one line of code (comments dropped), roughly: enough for
/// the plain literals this crate writes.
fn literals(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => break,
            '"' => {
                let end = (i + 1..chars.len()).find(|&j| chars[j] == '"' && chars[j - 1] != '\\').unwrap_or(chars.len());
                out.push(chars[i + 1..end].iter().collect());
                i = end + 1;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => {
                out.push(chars[i + 1].to_string());
                i += 3;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn no_chinese_literals_in_indicator_code() {
    let mut found = Vec::new();
    for (file, source) in indicator_sources() {
        for (n, line) in non_test_code(&source).lines().enumerate() {
            for lit in literals(line).into_iter().filter(|l| l.chars().any(is_han)) {
                found.push(format!("{file}:{}: {lit:?}", n + 1));
            }
        }
    }
    assert!(found.is_empty(), "words belong in extract/data/, not in code:\n{}", found.join("\n"));
}

#[test]
fn no_long_functions_in_indicator_code() {
    let mut long = Vec::new();
    for (file, source) in indicator_sources() {
        let lines: Vec<&str> = source.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let code = line.trim_start();
            let head = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "].iter().any(|p| code.starts_with(p));
            if !head {
                continue;
            }
            let close = format!("{}}}", &line[..line.len() - code.len()]);
            let end = (start..lines.len()).find(|&j| lines[j] == close || lines[j].ends_with(';') && j == start);
            let n = end.map_or(0, |e| e - start + 1);
            if n > MAX_FUNCTION_LINES {
                long.push(format!("{file}:{}: {n} lines", start + 1));
            }
        }
    }
    assert!(long.is_empty(), "functions over {MAX_FUNCTION_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn the_checks_see_what_they_check() {
    assert_eq!(literals(r#"if c == '等' || s == "其中" { // 分别"#), vec!["等".to_string(), "其中".to_string()]);
    assert!(literals("let x = '%'; // '等'").iter().all(|l| !l.chars().any(is_han)));
}
