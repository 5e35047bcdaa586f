//! The engine's output types: what a report is, once read.
//!
//! Every span is a pair of Unicode code point offsets (end exclusive) into the
//! text the caller passed to [`crate::parse`] / [`crate::quantities`].

use serde::Serialize;

/// Code point offsets into the caller's text, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// How a number bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Approx {
    #[default]
    Exact,
    /// 余 多 超 以上 突破
    Over,
    /// 近 接近
    Nearly,
    /// 约 左右
    About,
    /// 不足 不到 以内
    Under,
}

/// A number with its unit, as found in running text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    pub span: Span,
    /// The surface text of the number with magnitude word and unit.
    pub text: String,
    /// In base units (亿 ×1e8 …); percentages in percent (6.15% is 6.15).
    pub value: f64,
    /// Upper end of a range (3-5, 3至5, 两三个); `value` holds the lower end.
    pub max: Option<f64>,
    /// Base unit (元, 人, 平方米, `%`, 个百分点 …); empty for a bare number.
    pub unit: String,
    pub approx: Approx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorKind {
    #[default]
    Actual,
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// 工作回顾 / 总结: what was done.
    Review,
    /// 问题 / 不足.
    Problems,
    /// 下步打算 / 工作计划 / 思路: what is planned.
    Plan,
    #[default]
    Other,
}

/// The time a number covers: a year, and the months within it (1..=12 for the whole year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub year: Option<i32>,
    pub from_month: u8,
    pub to_month: u8,
}

impl Default for Period {
    fn default() -> Self {
        Period { year: None, from_month: 1, to_month: 12 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeUnit {
    #[default]
    Percent,
    /// 个百分点
    Points,
}

/// A year-on-year change stated with a figure (同比增长 6.15% → +6.15).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// Signed: 增长/提高 +, 下降/减少 −.
    pub pct: f64,
    pub approx: Approx,
    pub unit: ChangeUnit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rank {
    /// 1 is first, counted from the top.
    pub position: u32,
    /// The group ranked in: 全市, A组镇街 …
    pub scope: String,
}

/// One quantitative fact of a report (see ../shared/spec/indicators.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub name: String,
    /// In base units; `None` for change-only facts.
    pub value: Option<f64>,
    /// Base unit; empty for change-only facts.
    pub unit: String,
    /// The number with its magnitude word and unit, as written.
    pub value_text: String,
    pub approx: Approx,
    pub period: Period,
    pub kind: IndicatorKind,
    pub change: Option<Change>,
    pub rank: Option<Rank>,
    pub completion_pct: Option<f64>,
    pub completion_approx: Approx,
    /// Where the number stands in the caller's text.
    pub span: Span,
    pub sentence: String,
    /// Titles of the enclosing sections, outermost first.
    pub section_path: Vec<String>,
    /// Which rule produced this fact, so it can explain itself.
    pub rule: String,
}

/// A heading of the report and the text it governs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The heading without its list marker.
    pub title: String,
    /// The list marker as written: 一、 （一） 一是 1. （1）
    pub marker: String,
    /// 1 for the outermost level.
    pub level: u8,
    pub kind: SectionKind,
    /// From the heading to the start of the next heading at the same or an outer level.
    pub span: Span,
}

/// A report, read.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    pub title: String,
    /// 发布机构, or the body the text names as itself; empty when hidden.
    pub issuer: String,
    /// 索引号
    pub index_no: String,
    /// ISO date (YYYY-MM-DD) from 生成日期 / 成文日期 / 发布日期.
    pub published: Option<String>,
    /// The year the report looks back on.
    pub report_year: Option<i32>,
    pub sections: Vec<Section>,
    pub indicators: Vec<Indicator>,
}
