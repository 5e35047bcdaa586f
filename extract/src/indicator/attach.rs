//! Attachment phases: changes, completions and ranks go to the figure they follow, or become figures of
//! their own when they have a subject and no figure.

use super::context::{last_end_in_clause, Ctx};
use super::{joins, name, naming, Draft, Role, Rule};
use crate::lexicon::LEXICON;
use crate::{Approx, Change, IndicatorKind, Rank};

/// Phase: each change goes to the figure right before it, or names its own subject.
pub fn changes(ctx: &mut Ctx) {
    for ci in 0..ctx.changes.len() {
        let c = &ctx.changes[ci];
        if ctx.role[c.q] == Role::Skip {
            continue;
        }
        let (qi, cue_start) = (c.q, c.cue_start);
        let k = ctx.clause_of(ctx.sq[qi].start);
        let from = last_end_in_clause(ctx.sq, qi, ctx.clauses[k].0, cue_start, |p| ctx.cuts[p]).unwrap_or(ctx.clauses[k].0);
        let subject = name::before_words(ctx.text, from, cue_start);
        let subject = LEXICON.figure.subject_trailers.iter().fold(subject, |s, w| s.trim_end_matches(w.as_str()).to_string());
        match ctx.changes[ci].absolute.clone() {
            Some(word) => absolute_change(ctx, qi, k, &subject, &word),
            None => relative_change(ctx, ci, k, &subject),
        }
    }
}

/// 增加1.2万人: an absolute change is a figure of its own, named by its subject (or, with none, the figure
/// before) and what it compares with, as written (一般公共预算支出规模28.5万亿元，比上年增加1.1万亿元 →
/// 一般公共预算支出规模比上年增加).
fn absolute_change(ctx: &mut Ctx, qi: usize, k: usize, subject: &str, word: &str) {
    let start = ctx.sq[qi].start;
    let compared = &LEXICON.change.compared_with;
    // A subject that is only the comparison (比上年…) names no subject of its own.
    let (own, comparison) = match subject.chars().next() {
        Some(c) if compared.has(c) => ("", subject.to_string()),
        _ => (subject, comparison(ctx, qi, word)),
    };
    let who = if own.is_empty() {
        let before = ctx.drafts.iter().rev().find(|d| d.span.0 < start && d.q.is_some() && d.rule != Rule::AbsoluteChange);
        before.map(|d| without_carrier_verb(&d.name)).unwrap_or_default()
    } else {
        own.to_string()
    };
    if !who.is_empty() {
        let d = ctx.draft(format!("{who}{comparison}{word}"), qi, Rule::AbsoluteChange, k);
        ctx.drafts.push(d);
    }
}

/// 安排地方政府专项债券3.9万亿元，比上年增加1000亿元: what changed is the thing, not the verb that set it
/// (安排); a verb that changes what is counted (新增市场主体) stays.
fn without_carrier_verb(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let words = crate::token::tokens(&chars, 0, chars.len());
    match words.as_slice() {
        [verb, rest @ ..]
            if verb.tag == crate::token::Tag::Verb
                && !rest.is_empty()
                && !LEXICON.name.meaning_verbs.has(&crate::token::word(&chars, verb)) =>
        {
            chars[verb.end..].iter().collect()
        }
        _ => name.to_string(),
    }
}

/// What an absolute change compares with, as written before its verb in its clause (比上年, 比2010年).
fn comparison(ctx: &Ctx, qi: usize, word: &str) -> String {
    let (text, start) = (ctx.text, ctx.sq[qi].start);
    let clause_start = ctx.clause_start_of(start);
    let verb = (clause_start..start).rev().find(|&i| crate::lexicon::starts_at(text, i, word));
    let head = verb.and_then(|v| (clause_start..v).find(|&i| LEXICON.change.compared_with.has(text[i])));
    match (head, verb) {
        (Some(h), Some(v)) => text[h..v].iter().collect(),
        _ => String::new(),
    }
}

/// 同比增长6.15%: the level figure of the clause (or the nearest one) takes it; a change with a subject
/// of its own and no figure is a figure of its own, one per listed subject.
fn relative_change(ctx: &mut Ctx, ci: usize, k: usize, subject: &str) {
    let c = &ctx.changes[ci];
    let (qi, change) = (c.q, Change { pct: c.pct, approx: c.approx, unit: c.unit });
    let start = ctx.sq[qi].start;
    let same_clause_level = ctx.drafts.iter().rposition(|d| d.clause == k && d.span.0 < start && d.q.is_some());
    let nearest = (0..qi).rev().find(|&p| ctx.cuts[p] && ctx.role[p] == Role::Level);
    let target = if same_clause_level.is_some() {
        same_clause_level
    } else if subject.is_empty() || is_bridge_subject(subject) {
        nearest.and_then(|p| ctx.drafts.iter().rposition(|d| d.q == Some(p)))
    } else {
        None
    };
    match target {
        Some(i) => {
            ctx.drafts[i].change.get_or_insert(change);
        }
        None if !subject.is_empty() => {
            let names = subject_names(ctx, qi, subject);
            let rule = if names.len() > 1 { Rule::ListSharedChange } else { Rule::ChangeOnly };
            for n in names {
                let d = ctx.change_draft(n, qi, rule, k, change);
                ctx.drafts.push(d);
            }
        }
        None => {}
    }
}

/// The subjects a change is said of: a list ending in 等 (A、B、C等指标), or one said 均/都 of
/// (开发区营业收入、税收收入均实现20%以上增长); else the one subject.
fn subject_names(ctx: &Ctx, qi: usize, subject: &str) -> Vec<String> {
    let k = ctx.clause_of(ctx.sq[qi].start);
    let each = (ctx.clauses[k].0..ctx.sq[qi].start).any(|i| naming::said_of_each(ctx.text, i));
    let listed = subject.chars().any(|c| LEXICON.figure.list_marks.has(c));
    if each && listed {
        joins::split_list(subject)
    } else {
        joins::list_names(subject)
    }
}

/// Phase: a completion rate goes to the figure before it.
pub fn completions(ctx: &mut Ctx) {
    for c in &ctx.comps {
        let pos = ctx.sq[c.q].start;
        if let Some(d) = ctx.drafts.iter_mut().rev().find(|d| d.span.0 < pos && d.value.is_some()) {
            d.completion.get_or_insert((c.pct, c.approx));
        }
    }
}

/// Phase: a rank goes to the figure before it, or to all of them with 均/都 or a total; with a subject of
/// its own and no figure it is a figure of its own.
pub fn ranks(ctx: &mut Ctx) {
    for ri in 0..ctx.ranks.len() {
        let r = &ctx.ranks[ri];
        let k = ctx.clause_of(r.start);
        let head = name::before_words(ctx.text, ctx.clauses[k].0.max(r.head_from), r.start);
        let rank = Rank { position: r.position, scope: r.scope.clone() };
        let (start, shared) = (r.start, r.shared || r.total);
        if !head.is_empty() && !is_bridge_subject(&head) {
            let has_figure = ctx.drafts.iter().any(|d| d.clause == k && d.span.0 < start);
            if !has_figure {
                rank_only(ctx, ri, k, &head, rank);
            }
        } else if shared {
            // 均 covers the list it closes: back to the last semicolon.
            let text = ctx.text;
            let seg = (ctx.sent.start..start).rev().find(|&i| LEXICON.figure.list_breaks.has(text[i]));
            let seg = seg.unwrap_or(ctx.sent.start);
            for d in ctx.drafts.iter_mut().filter(|d| d.span.0 < start && d.span.0 >= seg && d.rank.is_none()) {
                d.rank = Some(rank.clone());
            }
        } else if let Some(d) = ctx.drafts.iter_mut().filter(|d| d.span.0 < start).max_by_key(|d| d.span.0) {
            d.rank.get_or_insert(rank);
        }
    }
}

/// 覆盖率全区排名第一, 获评全市第一名: a rank with a subject of its own and no figure.
fn rank_only(ctx: &mut Ctx, ri: usize, k: usize, head: &str, rank: Rank) {
    let (text, words) = (ctx.text, &LEXICON.figure);
    let r = &ctx.ranks[ri];
    let first = (r.start..r.end).find(|&i| words.rank_marks.has(text[i])).unwrap_or(r.start);
    let name = rank_subject(head);
    if name.is_empty() {
        return;
    }
    let d = Draft {
        name,
        value: None,
        unit: String::new(),
        value_text: text[first..r.end].iter().collect(),
        approx: Approx::Exact,
        span: (first, r.end),
        change: None,
        rank: Some(rank),
        completion: None,
        months: ctx.clause_months[k],
        year: ctx.clause_years[k],
        kind: IndicatorKind::Actual,
        rule: Rule::RankOnly,
        sentence: ctx.sent,
        q: None,
        clause: k,
    };
    ctx.drafts.push(d);
}

/// The subject of a rank without the verb of winning it, nor how long it has held it
/// (新开工面积连续三年居全省第一 → 新开工面积).
fn rank_subject(head: &str) -> String {
    let words = &LEXICON.figure;
    let name = head.trim_end_matches(|c| words.winning_chars.has(c));
    let name = words.winning_verbs.iter().find_map(|w| name.strip_suffix(w.as_str())).unwrap_or(name);
    match words.duration_leads.iter().find_map(|w| name.find(w.as_str())) {
        Some(p) if p > 0 => name[..p].to_string(),
        _ => name.to_string(),
    }
}

/// Words that lead to a part of the figure before (增幅达, 完成率, 规模总量), not a subject of their own.
pub fn is_bridge_subject(s: &str) -> bool {
    let words = &LEXICON.figure;
    let mut rest = s;
    loop {
        let before = rest;
        for b in words.bridges.iter().chain(words.bridge_fillers.iter()) {
            rest = rest.trim_start_matches(b.as_str());
        }
        if rest == before {
            break;
        }
    }
    rest.is_empty()
}
