//! The 分别 join: names before it, figures (or changes) after it, in order.

use super::context::{approx_of, Ctx};
use super::{joins, values, Role, Rule};
use crate::lexicon::LEXICON;
use crate::{Approx, Change, ChangeUnit};

/// Phase: every clause with 分别 makes its drafts (or leaves its changes for the figures before it).
pub fn read(ctx: &mut Ctx) {
    for k in 0..ctx.clauses.len() {
        let Some(r) = joins::respectively(ctx.text, ctx.clauses[k], ctx.sq) else { continue };
        match r.change_sign {
            Some(sign) => changes(ctx, k, &r, sign),
            None => levels(ctx, k, &r),
        }
    }
}

/// 规上工业增加值、固定资产投资分别增长8.1%、12.3%: one change per name; with no names, the changes wait
/// for the figures before them (分别增长5.1%和7.2%).
fn changes(ctx: &mut Ctx, k: usize, r: &joins::Respectively, sign: i8) {
    if r.names.len() == r.qs.len() {
        for (n, &qi) in r.names.iter().zip(&r.qs) {
            let change = change_of(ctx, qi, sign);
            let d = ctx.change_draft(n.clone(), qi, Rule::Respectively, k, change);
            ctx.drafts.push(d);
            ctx.role[qi] = Role::Skip;
        }
    } else if r.names.is_empty() {
        ctx.respective_changes.push((k, r.qs.clone()));
        for &qi in &r.qs {
            ctx.role[qi] = Role::Skip;
        }
    }
}

fn levels(ctx: &mut Ctx, k: usize, r: &joins::Respectively) {
    let names: Vec<String> =
        if r.names.len() == 1 { vec![r.names[0].clone(); r.qs.len()] } else { with_shared_attribute(&r.names) };
    for (n, &qi) in names.iter().zip(&r.qs) {
        if ctx.role[qi] != Role::Level || !values::has_digit(ctx.sq[qi].q) {
            continue;
        }
        let mut d = ctx.draft(n.clone(), qi, Rule::Respectively, k);
        if d.unit.is_empty() {
            d.unit = r.unit.clone();
        }
        if d.approx == Approx::Exact {
            d.approx = r.approx;
        }
        ctx.drafts.push(d);
        ctx.role[qi] = Role::Skip;
    }
}

/// 肉、蛋、奶产量分别达到…: the attribute the last name ends with is said once for all (肉产量, 蛋产量).
/// Only one- or two-character items borrow it: a longer item names a thing of its own.
fn with_shared_attribute(names: &[String]) -> Vec<String> {
    let attributes = &LEXICON.name.attributes;
    let Some(last) = names.last() else { return Vec::new() };
    let attribute = attributes.ending(last).filter(|a| a.len() < last.len());
    let bare = |n: &String| n.chars().count() <= 2 && attributes.ending(n).is_none();
    names
        .iter()
        .map(|n| match attribute {
            Some(a) if bare(n) => format!("{n}{a}"),
            _ => n.clone(),
        })
        .collect()
}

/// The change number `qi` states, with the sign of the 分别 verb.
pub fn change_of(ctx: &Ctx, qi: usize, sign: i8) -> Change {
    let q = &ctx.sq[qi];
    let points = LEXICON.figure.points_units.ending(&q.q.unit).is_some();
    let unit = if points { ChangeUnit::Points } else { ChangeUnit::Percent };
    Change { pct: sign as f64 * q.q.value, approx: approx_of(ctx.text, q), unit }
}

/// Phase: 分别增长5.1%和7.2% after two figures: the changes go to them in order.
pub fn attach_waiting_changes(ctx: &mut Ctx) {
    for (k, qs) in std::mem::take(&mut ctx.respective_changes) {
        let start = ctx.clauses[k].0;
        let sign = joins::respectively(ctx.text, ctx.clauses[k], ctx.sq).and_then(|r| r.change_sign).unwrap_or(1);
        let before: Vec<usize> =
            (0..ctx.drafts.len()).filter(|&i| ctx.drafts[i].span.0 < start && ctx.drafts[i].q.is_some()).collect();
        if before.len() >= qs.len() {
            for (&di, &qi) in before[before.len() - qs.len()..].iter().zip(&qs) {
                ctx.drafts[di].change = Some(change_of(ctx, qi, sign));
            }
        }
    }
}
