//! `govreport bench-load`: seeded synthetic reports for the query benchmark, written
//! through the store's bulk insert (one transaction and one UNNEST statement per report).
//!
//! Realistic shapes, not real data: issuers named like XX街道/XX镇/XX区, indicators drawn
//! from the catalog with a skewed popularity (a few indicators in every report, most in
//! few), written under their aliases (sometimes with a filler word or the place before
//! them) plus unlinked free names; values log-normal per definition and issuer, growing
//! over the years; changes, ranks, targets and part-year periods at typical rates.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use govreport_extract::catalog::{Catalog, Definition};
use govreport_extract::{Approx, ChangeUnit, IndicatorKind};

use crate::config::BenchLoadArgs;
use crate::domain::{self, ChangeRecord, IndicatorRecord, RankRecord, ReportRecord};
use crate::store::Store;

mod ingest;
mod text;

/// splitmix64: small, seeded, good enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

const PLACE_CHARS: &[&str] = &[
    "云", "江", "城", "东", "西", "南", "北", "新", "安", "和", "平", "兴", "华", "阳", "山", "湖",
    "河", "桥", "林", "石", "龙", "凤", "金", "银", "玉", "青", "清", "白", "黄", "长", "宁", "丰",
    "富", "乐", "康", "泰", "福", "瑞", "德", "光", "明", "秀", "水", "溪", "塘", "岭", "峰", "海",
    "滨", "港",
];

/// The `n`th issuer name: two place characters and a level (街道 60 %, 镇 30 %, 区 10 %).
pub fn issuer_name(n: usize) -> String {
    let a = PLACE_CHARS[n % PLACE_CHARS.len()];
    let b = PLACE_CHARS[(n / PLACE_CHARS.len()) % PLACE_CHARS.len()];
    let round = n / (PLACE_CHARS.len() * PLACE_CHARS.len());
    let level = match n % 10 {
        0..=5 => "街道",
        6..=8 => "镇",
        _ => "区",
    };
    if round == 0 {
        format!("{a}{b}{level}")
    } else {
        format!("{a}{b}{round}{level}")
    }
}

/// Names reports write that the catalog does not know.
const FREE_NAMES: &[&str] = &[
    "整治点位", "重点项目建设", "民生实事项目", "老旧管网改造", "志愿服务活动", "文化惠民演出",
    "村级集体经济收入", "招引亿元以上项目", "闲置土地盘活", "违法建筑拆除面积", "矛盾纠纷调处",
    "河道清淤长度", "绿道建设", "停车位新增", "农村道路硬化", "消防隐患整改",
];

/// A typical magnitude (log10 of the median) for a definition's unit.
fn median_log10(unit: &str, rng_code: u64) -> f64 {
    let jitter = (rng_code % 100) as f64 / 100.0;
    match unit {
        "元" | "美元" => 7.0 + 2.5 * jitter,
        "人" | "人次" => 2.0 + 2.5 * jitter,
        "平方米" | "亩" => 3.0 + 2.0 * jitter,
        "户" | "套" | "家" => 1.5 + 1.5 * jitter,
        _ => 0.7 + 1.8 * jitter,
    }
}

fn code_hash(code: &str) -> u64 {
    code.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// The written name of an indicator: an alias or the canonical name, sometimes with a
/// filler word or the issuer in front (both normalize away when linking).
fn written_name(rng: &mut Rng, def: &Definition, issuer: &str) -> String {
    let base = if def.aliases.is_empty() || rng.chance(0.3) {
        def.name.clone()
    } else {
        def.aliases[rng.below(def.aliases.len())].clone()
    };
    match rng.below(10) {
        0 => format!("全年{base}"),
        1 => format!("完成{base}"),
        2 => format!("{issuer}{base}"),
        _ => base,
    }
}

/// One synthetic report of `issuer` for `year`.
pub fn synthetic_report(
    rng: &mut Rng,
    catalog: &Catalog,
    issuer_no: usize,
    year: i32,
    per_report: usize,
) -> ReportRecord {
    let issuer = issuer_name(issuer_no);
    let defs = catalog.definitions();
    // The issuer's size: log-normal around 1.
    let scale = {
        let mut r = Rng::new(issuer_no as u64 * 7919 + 1);
        (0.8 * r.normal()).exp()
    };
    let mut indicators = Vec::with_capacity(per_report);
    let mut used = std::collections::HashSet::new();
    for ord in 0..per_report {
        let free = rng.chance(0.15);
        let (name, unit, value) = if free {
            let name = FREE_NAMES[rng.below(FREE_NAMES.len())].to_owned();
            let value = (10f64.powf(1.0 + 2.0 * rng.unit()) * scale).round();
            (name, "个".to_owned(), value)
        } else {
            // Skewed popularity: the square of a uniform favours the catalog's first entries.
            let mut idx = ((rng.unit().powi(2)) * defs.len() as f64) as usize;
            while !used.insert(idx) {
                idx = rng.below(defs.len());
            }
            let def = &defs[idx.min(defs.len() - 1)];
            let h = code_hash(&def.code);
            let value = if def.unit == "%" {
                (100.0 * (0.3 + 0.6 * rng.unit())).clamp(0.0, 100.0)
            } else {
                let growth = 1.06f64.powi(year - 2015);
                let log10 = median_log10(&def.unit, h) + 0.25 * rng.normal();
                10f64.powf(log10) * scale * growth
            };
            (
                written_name(rng, def, &issuer),
                def.unit.clone(),
                (value * 100.0).round() / 100.0,
            )
        };
        let target = rng.chance(0.15);
        let part_year = !target && rng.chance(0.1);
        indicators.push(IndicatorRecord {
            id: None,
            name: name.clone(),
            value: Some(value),
            unit: unit.clone(),
            value_text: format!("{value}{unit}"),
            approx: if rng.chance(0.1) {
                Approx::Over
            } else {
                Approx::Exact
            },
            period_year: Some(if target { year + 1 } else { year }),
            from_month: 1,
            to_month: if part_year { 6 + rng.below(5) as u8 } else { 12 },
            kind: if target {
                IndicatorKind::Target
            } else {
                IndicatorKind::Actual
            },
            change: rng.chance(0.4).then(|| ChangeRecord {
                pct: ((rng.normal() * 8.0 + 6.0) * 100.0).round() / 100.0,
                approx: Approx::Exact,
                unit: ChangeUnit::Percent,
            }),
            rank: rng.chance(0.05).then(|| RankRecord {
                position: 1 + rng.below(20) as u32,
                scope: "全区".into(),
            }),
            completion_pct: None,
            completion_approx: Approx::Exact,
            span: (ord as u32 * 40, ord as u32 * 40 + 12),
            sentence: format!("{year}年，{name}{value}{unit}。"),
            section_path: vec![format!("一、{year}年工作回顾")],
            rule: "level".into(),
            canonical: None,
            report: None,
            ..Default::default()
        });
    }
    domain::link_indicators(&mut indicators);
    let title = format!("{issuer}{year}年工作总结");
    ReportRecord {
        title: title.clone(),
        issuer,
        report_year: Some(year),
        published: chrono::NaiveDate::from_ymd_opt(year + 1, 1, 15),
        sha256: domain::hex_sha256(&title),
        source_uri: format!("bench://{issuer_no}/{year}"),
        parser_version: "bench".into(),
        text_length: 10_000,
        indicator_count: indicators.len() as u32,
        indicators,
        ..Default::default()
    }
}

/// Loads `issuers × years` reports with `writers` concurrent transactions; prints rows/s.
/// With `--parse-reports`: report texts through ParseReports beside a raw COPY (`ingest`).
pub async fn load(store: &Store, args: &BenchLoadArgs) -> Result<()> {
    if args.parse_reports {
        return ingest::run(store, args).await;
    }
    let catalog = Catalog::embedded();
    let total_reports = args.issuers as u64 * args.years as u64;
    let next = Arc::new(AtomicU64::new(0));
    let rows = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.writers.max(1) {
        let (store, next, rows) = (store.clone(), next.clone(), rows.clone());
        let (years, per, seed) = (args.years, args.indicators_per_report as usize, args.seed);
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total_reports {
                    return anyhow::Ok(());
                }
                let issuer = (n / years as u64) as usize;
                let year = 2024 - (years as i32 - 1) + (n % years as u64) as i32;
                let mut rng = Rng::new(seed ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
                let report = synthetic_report(&mut rng, catalog, issuer, year, per);
                let count = report.indicators.len() as u64;
                store.insert_report(&report).await?;
                let done = rows.fetch_add(count, Ordering::Relaxed) + count;
                if n > 0 && n % 2000 == 0 {
                    eprintln!(
                        "{n} reports, {done} indicators, {:.0} rows/s",
                        done as f64 / started.elapsed().as_secs_f64()
                    );
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    let done = rows.load(Ordering::Relaxed);
    println!(
        "loaded {total_reports} reports, {done} indicators in {secs:.1}s: {:.0} rows/s",
        done as f64 / secs
    );
    // What autovacuum would do soon: statistics, and the visibility map for index-only counts.
    sqlx::query("VACUUM (ANALYZE) indicators").execute(store.pool()).await?;
    sqlx::query("VACUUM (ANALYZE) reports").execute(store.pool()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_reports_are_seeded_and_mostly_linked() {
        let catalog = Catalog::embedded();
        let a = synthetic_report(&mut Rng::new(1), catalog, 5, 2020, 50);
        let b = synthetic_report(&mut Rng::new(1), catalog, 5, 2020, 50);
        assert_eq!(a, b, "the same seed gives the same report");
        let linked = a.indicators.iter().filter(|i| i.canonical.is_some()).count();
        assert!(linked >= 30, "{linked} of 50 linked");
        let names: std::collections::HashSet<_> = (0..2000).map(issuer_name).collect();
        assert_eq!(names.len(), 2000, "issuer names are distinct");
    }
}
