//! Assembling indicators: how a sentence becomes indicators (see DESIGN.md, "Indicators").
//!
//! Each sentence is read in phases over one context (`context::Ctx`): claim the parts of other figures
//! (change, completion, rank) and the months; 分别 joins; level figures, named by the ordered rule lists
//! of `naming`; then changes, completions and ranks attached to the figure they follow; last the kind.

mod attach;
pub mod change;
pub mod completion;
mod context;
mod funded;
pub mod joins;
pub mod kind;
mod level;
mod measure;
pub mod name;
mod naming;
mod object;
pub mod period;
pub mod rank;
mod respective;
mod rule;
mod scene;
mod subject;
pub mod values;

use crate::lexicon::LEXICON;
use crate::sentence::Sentence;
use crate::structure::{self, Heading};
use crate::{Approx, Change, IndicatorKind, Quantity, Rank, SectionKind};
use context::Ctx;
pub use rule::Rule;

/// A quantity of the sentence being read, in clean-text code points.
pub struct SentenceQ<'a> {
    pub start: usize,
    pub end: usize,
    pub q: &'a Quantity,
}

/// An indicator before its spans are mapped back to the caller's text.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    pub value_text: String,
    pub approx: Approx,
    pub span: (usize, usize),
    pub change: Option<Change>,
    pub rank: Option<Rank>,
    pub completion: Option<(f64, Approx)>,
    pub months: Option<(u8, u8)>,
    /// A year the text names for this figure (由2010年的95亿元 → 2010), over the report year.
    pub year: Option<i32>,
    pub kind: IndicatorKind,
    pub rule: Rule,
    pub sentence: Sentence,
    /// Index of the level figure in the sentence's quantities (none for list copies).
    q: Option<usize>,
    clause: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Level,
    Change(usize),
    Completion(usize),
    Rank,
    Skip,
}

pub struct Env<'a> {
    pub text: &'a [char],
    pub quantities: &'a [Quantity],
    pub headings: &'a [Heading],
    /// The whole report plans (工作计划, 工作要点): figures outside a review section are targets.
    pub plan_report: bool,
    /// The issuer, dropped from the head of names (稠江街道共实现… → 规上工业总产值).
    pub issuer: &'a str,
}

/// Reads all sentences; `quantities` must be sorted by span start.
pub fn assemble(env: &Env, sentences: &[Sentence]) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut qi = 0;
    let mut last = (context::Time::default(), false);
    for &sent in sentences {
        // 截止10月,…;⏎…;⏎…: a list that goes on over line breaks keeps its time, and so do the parts
        // (其中：…) of the sentence before.
        let (running, goes_on) = last;
        let carried = if goes_on || context::starts_with_parts(env.text, sent) { running } else { context::Time::default() };
        while qi < env.quantities.len() && env.quantities[qi].span.start < sent.start {
            qi += 1;
        }
        let mut qj = qi;
        while qj < env.quantities.len() && env.quantities[qj].span.end <= sent.end {
            qj += 1;
        }
        // A sentence without numbers may still rank something (覆盖率全区排名第一).
        let ranks = &LEXICON.figure.rank_marks;
        let goes_on = context::list_goes_on(env.text, sent);
        let running = if qj == qi && !env.text[sent.start..sent.end].iter().any(|&c| ranks.has(c)) {
            // A sentence without figures matters only as the head of a list that goes on (截止10月，⏎…).
            if goes_on {
                let clauses = crate::sentence::clauses(env.text, sent.start, sent.end);
                context::times(env.text, sent, &clauses, carried).running
            } else {
                context::Time::default()
            }
        } else {
            let sq: Vec<SentenceQ> = env.quantities[qi..qj]
                .iter()
                .filter(|q| q.span.start >= sent.start)
                .map(|q| SentenceQ { start: q.span.start, end: q.span.end, q })
                .collect();
            read(env, sent, &sq, carried, &mut out)
        };
        last = (running, goes_on);
        qi = qj;
    }
    out
}

/// Reads one sentence, phase by phase; returns the time still running at its end.
fn read(env: &Env, sent: Sentence, sq: &[SentenceQ], carried: context::Time, out: &mut Vec<Draft>) -> context::Time {
    let mut ctx = Ctx::new(env, sent, sq, carried);
    respective::read(&mut ctx);
    ctx.cuts = (0..sq.len())
        .map(|i| ctx.role[i] != Role::Level || measure::measures_something(env.text, &sq[i], sent.end))
        .collect();
    level::read(&mut ctx);
    respective::attach_waiting_changes(&mut ctx);
    attach::changes(&mut ctx);
    attach::completions(&mut ctx);
    attach::ranks(&mut ctx);
    kinds(&mut ctx, out);
    ctx.running
}

/// Phase: kind and year follow the section and the sentence; names lose their footnote markers.
fn kinds(ctx: &mut Ctx, out: &mut Vec<Draft>) {
    let (text, sent) = (ctx.text, ctx.sent);
    let counts_in_clause = |i: usize| {
        let clause = ctx.clause_of(i);
        ctx.sq.iter().any(|q| q.start > i && ctx.clause_of(q.start) == clause)
    };
    let cue = kind::first_cue(text, sent.start, sent.end, counts_in_clause);
    ctx.drafts.sort_by_key(|d| d.span.0);
    for mut d in std::mem::take(&mut ctx.drafts) {
        let (cs, ce) = ctx.clauses[ctx.clause_of(d.span.0)];
        let present = cue.is_none_or(|c| c > d.span.0) && kind::states_present(text, sent.start, cs, ce);
        let plan = in_plan(ctx.env, d.span.0) && !present;
        d.kind = kind::kind_at(cue, d.span.0, plan);
        d.name = naming::without_footnotes(&d.name);
        out.push(d);
    }
}

fn in_plan(env: &Env, pos: usize) -> bool {
    let path = structure::path_at(env.headings, pos);
    let kind_in = |k: SectionKind| path.iter().any(|&h| env.headings[h].kind == k);
    kind_in(SectionKind::Plan) || (env.plan_report && !kind_in(SectionKind::Review))
}
