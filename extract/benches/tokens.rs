//! Cost of the token layer on the bulk reports (`shared/corpus/bulk`, or the
//! seeds when it is absent), on one core:
//! - `tokens/whole_texts`: every report segmented whole;
//! - `tokens/windows_24_before_every_digit_run`: only the 24 characters before
//!   each run of ASCII digits (48.78 is two runs);
//! - `tokens/windows_24_before_each_number`: the 24 characters before each
//!   number (48.78, 1,234 and 1-10 are one), not reaching back past the
//!   number before it;
//! - `tokens/windows_24_in_clause_before_each_quantity`: what naming a figure
//!   needs: the words before each quantity the engine finds (`quantities`, so
//!   no dates), back to the quantity before or the clause break (，。；：),
//!   at most 24 characters;
//! - `engine/parse`, `engine/parse_and_number_windows` and
//!   `engine/parse_and_quantity_windows`: `parse` alone and with the windows
//!   above, in the same run, so their ratio holds on a
//!   busy machine (throughputs are per byte of report, like `--bench parse`);
//! - printed once at start: the dictionary's load time (first call) and the
//!   memory it takes (resident set before and after).
//!
//! `cargo bench -p govreport-extract --bench tokens`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govreport_extract::token;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Characters segmented before each number.
const WINDOW: usize = 24;

fn corpus_dir() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let bulk = shared.join("bulk/hebei_baoding");
    if bulk.is_dir() { bulk } else { shared.join("seeds") }
}

fn load_texts(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    paths.sort();
    paths.iter().filter_map(|p| govreport_extract::decode(&std::fs::read(p).ok()?, None).ok()).collect()
}

/// Resident memory of this process in KiB (Linux), 0 elsewhere.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn report_load_cost() {
    let before = resident_kib();
    let start = Instant::now();
    token::preload();
    let took = start.elapsed();
    let after = resident_kib();
    println!(
        "token dictionary load (first call): {:.1} ms, resident memory {} → {} KiB (+{:.1} MiB)",
        took.as_secs_f64() * 1e3,
        before,
        after,
        (after.saturating_sub(before)) as f64 / 1024.0
    );
}

/// Where each run of ASCII digits starts.
fn digit_run_starts(chars: &[char]) -> Vec<usize> {
    (0..chars.len()).filter(|&i| chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit())).collect()
}

/// The span before each number: `WINDOW` characters, cut at the end of the
/// number before (a number is digits with `.` `,` `-` inside).
fn number_windows(chars: &[char]) -> Vec<(usize, usize)> {
    let inside = |c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '-');
    let mut windows = Vec::new();
    let mut previous_end = 0;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        windows.push((i.saturating_sub(WINDOW).max(previous_end), i));
        while i < chars.len() && inside(chars[i]) {
            i += 1;
        }
        previous_end = i;
    }
    windows
}

/// The span before each quantity: at most `WINDOW` characters, cut at the
/// quantity before and at the last clause break.
fn quantity_windows(text: &str, chars: &[char]) -> Vec<(usize, usize)> {
    let clause_break = |c: char| matches!(c, '，' | '。' | '；' | '：' | '！' | '？' | '\n' | ',' | ';');
    let mut windows = Vec::new();
    let mut previous_end = 0;
    for q in govreport_extract::quantities(text) {
        let at = q.span.start.min(chars.len());
        let mut from = at.saturating_sub(WINDOW).max(previous_end.min(at));
        if let Some(b) = chars[from..at].iter().rposition(|&c| clause_break(c)) {
            from += b + 1;
        }
        windows.push((from, at));
        previous_end = q.span.end;
    }
    windows
}

fn segment_windows(chars: &[char], windows: &[(usize, usize)]) -> usize {
    windows.iter().map(|&(from, to)| token::tokens(std::hint::black_box(chars), from, to).len()).sum()
}

struct Doc {
    text: String,
    chars: Vec<char>,
    every_run: Vec<(usize, usize)>,
    per_number: Vec<(usize, usize)>,
    per_quantity: Vec<(usize, usize)>,
}

fn bench_tokens(c: &mut Criterion) {
    report_load_cost();
    let dir = corpus_dir();
    let texts = load_texts(&dir);
    assert!(!texts.is_empty(), "no texts under {}", dir.display());
    let bytes: usize = texts.iter().map(String::len).sum();
    let docs: Vec<Doc> = texts
        .into_iter()
        .map(|text| {
            let chars: Vec<char> = text.chars().collect();
            let every_run = digit_run_starts(&chars).iter().map(|&at| (at.saturating_sub(WINDOW), at)).collect();
            let per_number = number_windows(&chars);
            let per_quantity = quantity_windows(&text, &chars);
            Doc { text, chars, every_run, per_number, per_quantity }
        })
        .collect();
    let runs: usize = docs.iter().map(|d| d.every_run.len()).sum();
    let numbers: usize = docs.iter().map(|d| d.per_number.len()).sum();
    let quantities: usize = docs.iter().map(|d| d.per_quantity.len()).sum();
    let mean = |pick: fn(&Doc) -> &Vec<(usize, usize)>| {
        let spans: Vec<&(usize, usize)> = docs.iter().flat_map(pick).collect();
        spans.iter().map(|(a, b)| b - a).sum::<usize>() as f64 / spans.len().max(1) as f64
    };
    println!(
        "{} texts from {}, {:.2} MiB; {runs} digit runs, {numbers} numbers ({:.1} characters before each), \
         {quantities} quantities ({:.1} characters before each in its clause)",
        docs.len(),
        dir.display(),
        bytes as f64 / (1 << 20) as f64,
        mean(|d| &d.per_number),
        mean(|d| &d.per_quantity)
    );

    let mut group = c.benchmark_group("tokens");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function(format!("whole_texts_{}_docs", docs.len()), |b| {
        b.iter(|| docs.iter().map(|d| token::tokens(std::hint::black_box(&d.chars), 0, d.chars.len()).len()).sum::<usize>())
    });
    group.bench_function(format!("windows_{WINDOW}_before_every_digit_run_{runs}"), |b| {
        b.iter(|| docs.iter().map(|d| segment_windows(&d.chars, &d.every_run)).sum::<usize>())
    });
    group.bench_function(format!("windows_{WINDOW}_before_each_number_{numbers}"), |b| {
        b.iter(|| docs.iter().map(|d| segment_windows(&d.chars, &d.per_number)).sum::<usize>())
    });
    group.bench_function(format!("windows_{WINDOW}_in_clause_before_each_quantity_{quantities}"), |b| {
        b.iter(|| docs.iter().map(|d| segment_windows(&d.chars, &d.per_quantity)).sum::<usize>())
    });
    group.finish();

    let hints = govreport_extract::Hints::default();
    let parse = |d: &Doc| govreport_extract::parse(std::hint::black_box(&d.text), &hints).indicators.len();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("parse", |b| b.iter(|| docs.iter().map(parse).sum::<usize>()));
    group.bench_function("parse_and_number_windows", |b| {
        b.iter(|| docs.iter().map(|d| parse(d) + segment_windows(&d.chars, &d.per_number)).sum::<usize>())
    });
    group.bench_function("parse_and_quantity_windows", |b| {
        b.iter(|| docs.iter().map(|d| parse(d) + segment_windows(&d.chars, &d.per_quantity)).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench_tokens);
criterion_main!(benches);
