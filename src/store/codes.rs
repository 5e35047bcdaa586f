//! How the engine's enums are spelled in the database (stable text codes).

use govreport_extract::{Approx, ChangeUnit, IndicatorKind, SectionKind};

use crate::error::{Error, Result};

pub fn approx(a: Approx) -> &'static str {
    match a {
        Approx::Exact => "exact",
        Approx::Over => "over",
        Approx::Nearly => "nearly",
        Approx::About => "about",
        Approx::Under => "under",
    }
}

pub fn parse_approx(s: &str) -> Result<Approx> {
    Ok(match s {
        "exact" => Approx::Exact,
        "over" => Approx::Over,
        "nearly" => Approx::Nearly,
        "about" => Approx::About,
        "under" => Approx::Under,
        other => return Err(bad("approx", other)),
    })
}

pub fn kind(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Actual => "actual",
        IndicatorKind::Target => "target",
    }
}

pub fn parse_kind(s: &str) -> Result<IndicatorKind> {
    Ok(match s {
        "actual" => IndicatorKind::Actual,
        "target" => IndicatorKind::Target,
        other => return Err(bad("kind", other)),
    })
}

pub fn change_unit(u: ChangeUnit) -> &'static str {
    match u {
        ChangeUnit::Percent => "percent",
        ChangeUnit::Points => "points",
    }
}

pub fn parse_change_unit(s: &str) -> Result<ChangeUnit> {
    Ok(match s {
        "percent" => ChangeUnit::Percent,
        "points" => ChangeUnit::Points,
        other => return Err(bad("change_unit", other)),
    })
}

pub fn section_kind(k: SectionKind) -> &'static str {
    match k {
        SectionKind::Review => "review",
        SectionKind::Problems => "problems",
        SectionKind::Plan => "plan",
        SectionKind::Other => "other",
    }
}

pub fn parse_section_kind(s: &str) -> Result<SectionKind> {
    Ok(match s {
        "review" => SectionKind::Review,
        "problems" => SectionKind::Problems,
        "plan" => SectionKind::Plan,
        "other" => SectionKind::Other,
        other => return Err(bad("section kind", other)),
    })
}

fn bad(what: &str, code: &str) -> Error {
    Error::Internal(format!("unknown {what} code {code:?} in the database"))
}
