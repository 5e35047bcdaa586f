//! Throughput of `parse` over every report of the shared corpus, on one core, and over
//! pathological input (one endless sentence of figures) in group `parse_pathological`:
//! compare the two groups' bytes/s to see that degenerate text costs no more per byte.
//!
//! `cargo bench -p govreport-extract --bench parse` (texts are loaded once, at bench start;
//! set GOVREPORT_CORPUS to read another folder tree).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    std::env::var_os("GOVREPORT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

fn load(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            load(&p, out);
        } else if p.extension().is_some_and(|e| e == "txt" || e == "html") {
            if let Ok(bytes) = std::fs::read(&p) {
                if let Ok(text) = govreport_extract::decode(&bytes, None) {
                    out.push(text);
                }
            }
        }
    }
}

fn bench_parse(c: &mut Criterion) {
    let mut texts = Vec::new();
    load(&corpus_root(), &mut texts);
    assert!(!texts.is_empty(), "no corpus texts under {}", corpus_root().display());
    let bytes: usize = texts.iter().map(String::len).sum();
    let hints = govreport_extract::Hints::default();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function(format!("shared_corpus_{}_docs", texts.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for t in &texts {
                found += govreport_extract::parse(std::hint::black_box(t), &hints).indicators.len();
            }
            found
        })
    });
    group.finish();
}

/// One sentence of `n` repetitions of `piece`, ended once.
fn repeated(piece: &str, n: usize) -> String {
    let mut s = piece.repeat(n);
    s.push('。');
    s
}

/// A single sentence of mixed figures: levels, changes, ranks, completions, 其中, 分别, 均.
fn mixed_sentence(n: usize) -> String {
    const PARTS: &[&str] = &[
        "规上工业产值48.78亿元",
        "同比增长6.15%",
        "排名A组镇街第9",
        "新增企业32家",
        "其中高新企业5家",
        "完成率98%",
        "快递业务量、中转量分别为29.5亿件、100亿件",
        "均列全市第一",
        "投资近1.2亿元的颐养院项目",
        "1-10月限上销售额3000余万",
    ];
    let mut s = String::new();
    for i in 0..n {
        // A fixed stride, not randomness: the same text on every run.
        s.push_str(PARTS[(i * 7 + i / 3) % PARTS.len()]);
        s.push('，');
    }
    s.push('。');
    s
}

fn bench_pathological(c: &mut Criterion) {
    let hints = govreport_extract::Hints::default();
    let cases = [
        ("digit_comma_x50000", repeated("1,", 50_000)),
        ("growth_pct_x30000", repeated("增长1%，", 30_000)),
        ("mixed_figures_x20000", mixed_sentence(20_000)),
    ];
    let mut group = c.benchmark_group("parse_pathological");
    group.sample_size(10);
    for (name, text) in &cases {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| govreport_extract::parse(std::hint::black_box(text), &hints).indicators.len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_pathological);
criterion_main!(benches);
