//! One sentence being read: its clauses, what each number is, the months its clauses speak of, and the
//! drafts made so far. Each phase of `read` (see mod.rs) reads and extends it.

use super::change::{self, ChangeMatch};
use super::completion::{self, CompletionMatch};
use super::rank::{self, RankMatch};
use super::{period, values, Draft, Env, Role, Rule, SentenceQ};
use crate::lexicon::{word_at, LEXICON};
use crate::sentence::{self, Sentence};
use crate::{Approx, IndicatorKind};

pub struct Ctx<'a> {
    pub env: &'a Env<'a>,
    pub text: &'a [char],
    pub sent: Sentence,
    pub sq: &'a [SentenceQ<'a>],
    pub clauses: Vec<(usize, usize)>,
    pub changes: Vec<ChangeMatch>,
    pub comps: Vec<CompletionMatch>,
    pub ranks: Vec<RankMatch>,
    pub role: Vec<Role>,
    /// Numbers that end a name: figures and parts of figures; dates and thresholds stay inside names.
    pub cuts: Vec<bool>,
    pub clause_months: Vec<Option<(u8, u8)>>,
    pub drafts: Vec<Draft>,
    /// 分别增长5.1%和7.2% after figures: (clause, change numbers), attached once the figures exist.
    pub respective_changes: Vec<(usize, Vec<usize>)>,
    /// 由A为B: the later figure (its number) takes the subject of the earlier one.
    pub from_to_subject: Option<(usize, String)>,
}

impl<'a> Ctx<'a> {
    /// Phase 1: the clauses, the parts other figures claim (change, completion, rank), and the months.
    pub fn new(env: &'a Env<'a>, sent: Sentence, sq: &'a [SentenceQ<'a>]) -> Ctx<'a> {
        let text = env.text;
        let clauses = sentence::clauses(text, sent.start, sent.end);
        let mut ctx = Ctx {
            env,
            text,
            sent,
            sq,
            clause_months: Vec::new(),
            clauses,
            changes: Vec::new(),
            comps: Vec::new(),
            ranks: Vec::new(),
            role: vec![Role::Level; sq.len()],
            cuts: Vec::new(),
            drafts: Vec::new(),
            respective_changes: Vec::new(),
            from_to_subject: None,
        };
        ctx.claim_parts();
        ctx.clause_months = ctx.months();
        ctx
    }

    fn claim_parts(&mut self) {
        let (text, sq) = (self.text, self.sq);
        let clause_start_of = |pos: usize| self.clause_start_of(pos);
        let changes = change::find(text, sq, clause_start_of);
        let comps = completion::find_all(text, sq, clause_start_of);
        let ranks = rank::find(text, self.sent.start, self.sent.end, sq);
        for (ci, c) in changes.iter().enumerate() {
            self.role[c.q] = Role::Change(ci);
        }
        for (ci, c) in comps.iter().enumerate() {
            self.role[c.q] = Role::Completion(ci);
        }
        for r in &ranks {
            for &q in &r.consumed {
                self.role[q] = Role::Rank;
            }
        }
        (self.changes, self.comps, self.ranks) = (changes, comps, ranks);
    }

    /// A time phrase at the sentence head covers its list; a later clause head may restate it.
    fn months(&self) -> Vec<Option<(u8, u8)>> {
        let text = self.text;
        let (start, end) = (self.sent.start, self.sent.end);
        let head_months = period::months_at(text, skip_marker(text, start, end), end).map(|(f, t, _)| (f, t));
        let mut out = Vec::with_capacity(self.clauses.len());
        let mut running = head_months;
        for (k, &(cs, ce)) in self.clauses.iter().enumerate() {
            let cs = skip_marker(text, cs, ce);
            if k > 0 {
                if let Some((f, t, _)) = period::months_at(text, cs, ce) {
                    running = Some((f, t));
                }
            }
            let event = period::event_month_at(text, cs, ce).map(|m| (m, m));
            out.push(if k == 0 && head_months.is_some() { head_months } else { event.or(running) });
        }
        out
    }

    /// The clause holding `pos`. Clauses are sorted and disjoint: a binary search keeps long sentences linear.
    pub fn clause_of(&self, pos: usize) -> usize {
        let clauses = &self.clauses;
        let k = clauses.partition_point(|&(s, _)| s <= pos).saturating_sub(1);
        if pos >= clauses[k].0 && pos <= clauses[k].1 {
            k
        } else {
            0
        }
    }

    pub fn clause_start_of(&self, pos: usize) -> usize {
        self.clauses[self.clause_of(pos)].0
    }

    /// Does clause `k` hold no figure at all?
    pub fn figure_free(&self, k: usize) -> bool {
        let (ps, pe) = self.clauses[k];
        !self.sq.iter().any(|x| x.start >= ps && x.end <= pe)
    }

    /// The next figure after number `qi` that ends a name, if it starts before `limit`.
    pub fn next_cut_start(&self, qi: usize, limit: usize) -> usize {
        ((qi + 1)..self.sq.len())
            .filter(|&n| self.cuts[n])
            .map(|n| self.sq[n].start)
            .next()
            .filter(|&st| st < limit)
            .unwrap_or(limit)
    }

    /// The last draft made from a figure before number `qi`.
    pub fn prev_draft(&self, qi: usize) -> Option<&Draft> {
        self.drafts.iter().rev().find(|d| d.q.is_some_and(|p| p < qi))
    }

    /// A level draft of number `qi` in clause `clause`, before naming rules refine it.
    pub fn draft(&self, name: String, qi: usize, rule: Rule, clause: usize) -> Draft {
        let q = &self.sq[qi];
        Draft {
            name,
            value: Some(if self.is_bullet(q) { -q.q.value } else { q.q.value }),
            unit: values::base_unit(&q.q.unit),
            value_text: q.q.text.clone(),
            approx: approx_of(self.text, q),
            span: (q.start, q.end),
            change: None,
            rank: None,
            completion: None,
            months: self.clause_months[clause],
            year: None,
            kind: IndicatorKind::Actual,
            rule,
            sentence: self.sent,
            q: Some(qi),
            clause,
        }
    }

    /// A draft that carries only a change (no level figure of its own).
    pub fn change_draft(&self, name: String, qi: usize, rule: Rule, clause: usize, change: crate::Change) -> Draft {
        let mut d = self.draft(name, qi, rule, clause);
        d.value = None;
        d.unit = String::new();
        d.approx = Approx::Exact;
        d.change = Some(change);
        d.q = None;
        d
    }

    /// "- 24个": a list bullet, not a minus sign.
    fn is_bullet(&self, q: &SentenceQ) -> bool {
        let bullets = &LEXICON.figure.bullets;
        q.q.value < 0.0
            && q.q.text.chars().next().is_some_and(|c| bullets.has_char(c))
            && (q.start == 0 || self.text[q.start - 1].is_whitespace())
    }
}

/// The largest end, within `[clause_start, limit]`, of the figures before `before` that pass `keep`.
/// Figures are sorted and do not overlap, so the scan stops at the clause start (bounded by the clause).
pub fn last_end_in_clause(
    sq: &[SentenceQ],
    before: usize,
    clause_start: usize,
    limit: usize,
    keep: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut best: Option<usize> = None;
    for p in (0..before).rev() {
        let e = sq[p].end;
        if e < clause_start && sq[p].start < clause_start {
            break;
        }
        if keep(p) && e <= limit && e >= clause_start {
            best = best.max(Some(e));
        }
    }
    best
}

/// The figure's approximation; 约 that ends 签约/节约 is no approximation.
pub fn approx_of(text: &[char], q: &SentenceQ) -> Approx {
    let a = if q.q.approx != Approx::Exact { q.q.approx } else { values::approx_before(text, q.start) };
    let mut at = q.start;
    while at > 0 && text[at - 1].is_whitespace() {
        at -= 1;
    }
    let word_ending_in_yue = crate::lexicon::word_before(text, at, &LEXICON.figure.not_approx_words).is_some();
    if a == Approx::About && word_ending_in_yue {
        Approx::Exact
    } else {
        a
    }
}

/// Skips a list marker (一是, （一）, 1.) at the head of a sentence.
pub fn skip_marker(text: &[char], mut at: usize, end: usize) -> usize {
    let words = &LEXICON.figure;
    while at < end && (text[at].is_whitespace() || words.bullets.has_char(text[at])) {
        at += 1;
    }
    let mut j = at;
    while j < end && words.marker_numerals.has_char(text[j]) {
        j += 1;
    }
    if j > at && j < end && word_at(text, j, &words.marker_ends).is_some() {
        return j + 1;
    }
    at
}
