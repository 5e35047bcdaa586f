//! Peak memory of one parse, per input, each in a fresh child process so that peaks do not
//! mix (Linux: VmHWM of /proc/self/status after decode, parse and checks).
//!
//!   cargo run --release -p govreport-extract --example peak_rss -- FILE… [@SYNTHETIC…]
//!
//! Synthetic inputs, made in the child: `@list` (4 MB of `1、`), `@line` (one 2 MB line
//! without punctuation, a figure every few characters), `@digits` (1 MB of digits),
//! `@table` (a 1 MB table of `|` cells). `@empty` and `@tiny` (one sentence, every lexicon
//! loaded) are always measured first: "above" is the peak above `@tiny`'s, the ratio that over
//! the input's UTF-8 bytes (the bound: at most 30).

use std::process::Command;

const CHILD: &str = "GOVREPORT_PEAK_RSS_CHILD";
const BOUND: f64 = 30.0;

fn fill(piece: &str, bytes: usize) -> String {
    piece.repeat(bytes / piece.len())
}

/// The text of an input: a synthetic one by its name, else the file decoded as the service does.
fn text_of(spec: &str) -> String {
    match spec {
        "@empty" => String::new(),
        "@tiny" => "2023年全市地区生产总值达到100亿元，同比增长5%。".to_owned(),
        "@list" => fill("1、", 4 << 20),
        "@line" => fill("全市生产总值达到100亿元同比增长5个百分点", 2 << 20),
        "@digits" => fill("0123456789", 1 << 20),
        "@table" => fill("| 12 | 3.5 | 企业 | 68% |\n", 1 << 20),
        path => {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            govreport_extract::decode(&bytes, None).unwrap_or_else(|e| panic!("{path}: {e:?}"))
        }
    }
}

/// VmHWM of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmHWM in kB")
}

/// In the child: parse one input, print its UTF-8 bytes, indicators and peak.
fn child(spec: &str) {
    let text = text_of(spec);
    let report = govreport_extract::parse(&text, &Default::default());
    let checks = govreport_extract::checks::check(&report);
    println!("{} {} {} {}", text.len(), report.indicators.len(), checks.len(), peak_kib());
}

struct Measured {
    bytes: u64,
    indicators: u64,
    peak_kib: u64,
}

fn measure(spec: &str) -> Measured {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe).env(CHILD, spec).output().expect("child");
    assert!(out.status.success(), "{spec}: {}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8(out.stdout).expect("UTF-8");
    let n: Vec<u64> = line.split_whitespace().map(|f| f.parse().expect("numbers")).collect();
    Measured { bytes: n[0], indicators: n[1], peak_kib: n[3] }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    let specs: Vec<String> = std::env::args().skip(1).collect();
    let empty = measure("@empty");
    let base = measure("@tiny");
    println!("baseline: @empty {:.1} MiB, @tiny {:.1} MiB (the constant)", mib(empty.peak_kib), mib(base.peak_kib));
    println!("{:<48} {:>10} {:>6} {:>10} {:>10} {:>6}", "input", "bytes", "ind.", "peak MiB", "above MiB", "ratio");
    let mut over = 0;
    for spec in &specs {
        let m = measure(spec);
        let above = m.peak_kib.saturating_sub(base.peak_kib);
        let ratio = (above * 1024) as f64 / m.bytes.max(1) as f64;
        let flag = if ratio > BOUND { " OVER" } else { "" };
        over += usize::from(ratio > BOUND);
        let name = spec.rsplit('/').next().unwrap_or(spec);
        println!("{name:<48} {:>10} {:>6} {:>10.1} {:>10.1} {ratio:>6.1}{flag}", m.bytes, m.indicators, mib(m.peak_kib), mib(above));
    }
    println!("{over} of {} inputs above {BOUND}× their bytes over the baseline", specs.len());
}
