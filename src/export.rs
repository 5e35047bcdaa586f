//! ExportIndicators' formats: an exported row as one CSV line (RFC 4180) or one JSON line
//! (the proto3 JSON of the Indicator, plus when it was written and its unit multiplier).

use std::fmt::Write as _;

use crate::convert;
use crate::domain::IndicatorRecord;
use crate::store::codes;
use crate::store::export::ExportRow;

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

pub const CSV_HEADER: &str = "id,report_id,issuer,report_year,period,canonical_code,canonical_name,\
name,value,unit,unit_multiplier,approx,kind,change_pct,change_unit,rank,rank_scope,\
completion_pct,span,rule,parser_version,ingested_at,failed_check\n";

/// The power of ten of the magnitude written after the number in `value_text`: 万 4, 亿 8,
/// 万亿 12, 千万 7, 百万 6, 千 3 (not 千瓦, 千克 …, units), k 3; 0 without one. A Chinese
/// numeral counts only its trailing 万/亿 (三千万 is 三千 × 万: 4; 一千零五十: 0). It is
/// read from the number as the engine kept it (`value_text`), not from the value, which the
/// engine already converted to base units.
pub fn unit_multiplier(value_text: &str) -> u8 {
    let chars: Vec<char> = value_text.chars().collect();
    let is_digit = |c: char| c.is_ascii_digit() || matches!(c, '.' | ',');
    let is_cjk_numeral = |c: char| "零〇一二两三四五六七八九十百千".contains(c);
    let Some(start) = chars.iter().position(|&c| is_digit(c) || is_cjk_numeral(c)) else {
        return 0;
    };
    let arabic = is_digit(chars[start]);
    let mut i = start;
    while i < chars.len() && (if arabic { is_digit(chars[i]) } else { is_cjk_numeral(chars[i]) }) {
        i += 1;
    }
    while i < chars.len() && matches!(chars[i], '余' | '多' | '几') {
        i += 1;
    }
    let mut power = 0u8;
    if arabic {
        let unit_after = |j: usize| chars.get(j).is_some_and(|c| "瓦克米伏帕焦卡赫".contains(*c));
        match chars.get(i) {
            Some('千') if !unit_after(i + 1) => (power, i) = (3, i + 1),
            Some('百') if matches!(chars.get(i + 1), Some('万' | '亿')) => (power, i) = (2, i + 1),
            Some('十') if matches!(chars.get(i + 1), Some('万' | '亿')) => (power, i) = (1, i + 1),
            Some('k' | 'K') => return 3,
            _ => {}
        }
    }
    while let Some(c) = chars.get(i) {
        match c {
            '万' => power += 4,
            '亿' => power += 8,
            _ => break,
        }
        i += 1;
    }
    power
}

fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// `2023-01/2023-12`: the months of the period year (empty without a year).
fn period(i: &IndicatorRecord) -> String {
    i.period_year
        .map(|y| format!("{y}-{:02}/{y}-{:02}", i.from_month, i.to_month))
        .unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One CSV line (with its line feed) for `row`, in the columns of [`CSV_HEADER`].
pub fn csv_line(out: &mut String, row: &ExportRow) {
    let i = &row.indicator;
    let report = i.report.as_ref();
    let canonical = i.canonical.as_ref();
    let fields = [
        opt(i.id),
        opt(report.map(|r| r.id)),
        report.map(|r| r.issuer.clone()).unwrap_or_default(),
        opt(report.and_then(|r| r.report_year)),
        period(i),
        canonical.map(|c| c.code.clone()).unwrap_or_default(),
        canonical.map(|c| c.name.clone()).unwrap_or_default(),
        i.name.clone(),
        opt(i.value),
        i.unit.clone(),
        i.value.map(|_| unit_multiplier(&i.value_text).to_string()).unwrap_or_default(),
        codes::approx(i.approx).to_owned(),
        codes::kind(i.kind).to_owned(),
        opt(i.change.as_ref().map(|c| c.pct)),
        opt(i.change.as_ref().map(|c| codes::change_unit(c.unit))),
        opt(i.rank.as_ref().map(|r| r.position)),
        i.rank.as_ref().map(|r| r.scope.clone()).unwrap_or_default(),
        opt(i.completion_pct),
        format!("{}-{}", i.span.0, i.span.1),
        i.rule.clone(),
        report.map(|r| r.parser_version.clone()).unwrap_or_default(),
        row.ingested_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        i.failed_check.to_string(),
    ];
    for (n, field) in fields.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        csv_field(out, field);
    }
    out.push('\n');
}

/// One JSON line: the Indicator's proto3 JSON (`failedCheck` left out when false, as proto3 JSON
/// leaves defaults) with `ingestTime` (the same time as `ingestedAt`, kept for earlier readers)
/// and `unitMultiplier`.
pub fn json_line(out: &mut String, row: &ExportRow) {
    let mut value = serde_json::to_value(convert::indicator(&row.indicator, None))
        .expect("an Indicator serializes");
    let time = row.ingested_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    value["ingestTime"] = serde_json::Value::String(time);
    if row.indicator.value.is_some() {
        value["unitMultiplier"] = unit_multiplier(&row.indicator.value_text).into();
    }
    let _ = writeln!(out, "{value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipliers_as_written() {
        for (text, power) in [
            ("48.78亿元", 8),
            ("200余万元", 4),
            ("1.8万平方米", 4),
            ("3.2万亿元", 12),
            ("5千万元", 7),
            ("1131人", 0),
            ("98.3%", 0),
            ("5000千瓦时", 0),
            ("3千元", 3),
            ("15k", 3),
            ("三千万元", 4),
            ("一千零五十", 0),
            ("两亿", 8),
        ] {
            assert_eq!(unit_multiplier(text), power, "{text}");
        }
    }

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        let mut out = String::new();
        csv_field(&mut out, "a,\"b\"");
        assert_eq!(out, "\"a,\"\"b\"\"\"");
    }
}
