//! Report texts for `bench-load --parse-reports`: a synthetic report's indicators (names
//! as reports write them, values of their unit's magnitude, changes, ranks, targets,
//! part-year periods) written out as the sentences of a 工作总结, several templates each,
//! under section headings, for the engine to read back.

use super::Rng;
use crate::domain::{IndicatorRecord, ReportRecord};
use govreport_extract::IndicatorKind;

const HEADINGS: &[&str] = &[
    "经济运行稳中有进",
    "项目招引积蓄动能",
    "城市更新加快推进",
    "民生保障持续改善",
    "生态环境不断优化",
    "社会治理扎实有效",
    "产业转型步伐加快",
];
const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const FILLERS: &[&str] = &[
    "面对复杂形势，我们坚持稳中求进。",
    "各项工作扎实推进，群众获得感不断增强。",
    "围绕年度目标，全力以赴抓落实。",
];

/// The text of `report`: a title, a review section of its actual figures, a plan section
/// of its targets, eight sentences to a subsection.
pub fn report_text(report: &ReportRecord, rng: &mut Rng) -> String {
    let year = report.report_year.unwrap_or(2024);
    let (targets, actuals): (Vec<&IndicatorRecord>, Vec<&IndicatorRecord>) = report
        .indicators
        .iter()
        .partition(|i| i.kind == IndicatorKind::Target);
    let mut out = format!("{}{year}年工作总结\n一、{year}年工作回顾\n", report.issuer);
    for (n, chunk) in actuals.chunks(8).enumerate() {
        let heading = HEADINGS[rng.below(HEADINGS.len())];
        out += &format!(
            "（{}）{heading}\n{}",
            NUMERALS[n % NUMERALS.len()],
            FILLERS[rng.below(FILLERS.len())]
        );
        for ind in chunk {
            out += &actual_sentence(ind, rng);
        }
        out.push('\n');
    }
    out += &format!("二、{}年工作计划\n", year + 1);
    for ind in targets {
        out += &format!(
            "{}年力争{}达到{}。",
            year + 1,
            ind.name,
            amount(ind.value.unwrap_or(0.0), &ind.unit)
        );
    }
    out.push('\n');
    out
}

fn actual_sentence(ind: &IndicatorRecord, rng: &mut Rng) -> String {
    let value = amount(ind.value.unwrap_or(0.0), &ind.unit);
    let period = if ind.to_month < 12 {
        format!("1-{}月", ind.to_month)
    } else {
        String::new()
    };
    let name = &ind.name;
    // A name written with a verb or 全年 in front takes no other.
    let bare = name.starts_with("完成") || name.starts_with("全年");
    let mut s = match if bare { 0 } else { rng.below(4) } {
        0 => format!("{period}{name}{value}"),
        1 => format!("{period}完成{name}{value}"),
        2 => format!("{period}{name}达到{value}"),
        _ => format!("{period}实现{name}{value}"),
    };
    if let Some(change) = &ind.change {
        let (verb, pct) = if change.pct < 0.0 {
            ("下降", -change.pct)
        } else {
            ("增长", change.pct)
        };
        s += &format!("，同比{verb}{pct:.2}%");
    }
    if let Some(rank) = &ind.rank {
        s += &format!("，排名{}第{}", rank.scope, rank.position);
    }
    s += if rng.chance(0.5) { "；" } else { "。" };
    s
}

/// A value as reports write it: 元 in 万元 or 亿元, counts whole, others with two decimals.
fn amount(value: f64, unit: &str) -> String {
    match unit {
        "元" if value >= 1e8 => format!("{:.2}亿元", value / 1e8),
        "元" if value >= 1e4 => format!("{:.2}万元", value / 1e4),
        "%" => format!("{value:.2}%"),
        "亩" | "平方米" | "公里" | "吨" | "平方公里" | "美元" | "元" => {
            format!("{value:.2}{unit}")
        }
        _ => format!("{}{unit}", value.round().max(1.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::synthetic_report;
    use super::*;
    use govreport_extract::catalog::Catalog;

    #[test]
    fn the_engine_reads_most_figures_of_a_synthetic_text() {
        let catalog = Catalog::embedded();
        let (mut written, mut read) = (0, 0);
        for n in 0..20u64 {
            let mut rng = Rng::new(n);
            let report = synthetic_report(&mut rng, catalog, n as usize, 2023, 50);
            let text = report_text(&report, &mut rng);
            let parsed = govreport_extract::parse(&text, &Default::default());
            if n == 0 {
                eprintln!("{text}\n{} indicators", parsed.indicators.len());
            }
            written += report.indicators.len();
            read += parsed.indicators.len();
        }
        eprintln!("{read} of {written} figures read");
        assert!(read * 10 >= written * 8, "{read} of {written} figures read");
    }
}
