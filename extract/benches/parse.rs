//! Throughput of `parse` over every report of the shared corpus, on one core.
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

criterion_group!(benches, bench_parse);
criterion_main!(benches);
