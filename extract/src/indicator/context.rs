//! One sentence being read: its clauses, what each number is, the months its clauses speak of, and the
//! drafts made so far. Each phase of `read` (see mod.rs) reads and extends it.

use super::change::{self, ChangeMatch};
use super::completion::{self, CompletionMatch};
use super::rank::{self, RankMatch};
use super::{name, period, values, Draft, Env, Role, Rule, SentenceQ};
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
    /// The year a clause speaks of (2020年粮食作物总产量…), when the text names one.
    pub clause_years: Vec<Option<i32>>,
    /// The time still running at the sentence end, for a list that goes on after it.
    pub running: Time,
    pub drafts: Vec<Draft>,
    /// 分别增长5.1%和7.2% after figures: (clause, change numbers), attached once the figures exist.
    pub respective_changes: Vec<(usize, Vec<usize>)>,
    /// 由A为B: the later figure (its number) takes the subject of the earlier one.
    pub from_to_subject: Option<(usize, String)>,
}

impl<'a> Ctx<'a> {
    /// Phase 1: the clauses, the parts other figures claim (change, completion, rank), and the months.
    pub fn new(env: &'a Env<'a>, sent: Sentence, sq: &'a [SentenceQ<'a>], carried: Time) -> Ctx<'a> {
        let text = env.text;
        let clauses = sentence::clauses(text, sent.start, sent.end);
        let times = times(text, sent, &clauses, carried);
        let mut ctx = Ctx {
            env,
            text,
            sent,
            sq,
            clause_months: times.months,
            clause_years: times.years,
            running: times.running,
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
            year: self.clause_years[clause],
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
            && q.q.text.chars().next().is_some_and(|c| bullets.has(c))
            && (q.start == 0 || self.text[q.start - 1].is_whitespace())
    }
}

/// The months and year a list speaks of, running from clause to clause.
#[derive(Clone, Copy, Default, Debug)]
pub struct Time {
    pub months: Option<(u8, u8)>,
    pub year: Option<i32>,
}

/// The time of each clause of a sentence.
pub struct Times {
    pub months: Vec<Option<(u8, u8)>>,
    pub years: Vec<Option<i32>>,
    /// What runs on into the next sentence if the list goes on.
    pub running: Time,
}

/// A time phrase at the sentence head covers its list (or the time `carried` from the sentence before,
/// when the list goes on over a line break); a later clause head may restate it. A month that dates an
/// event (6月份启动…) holds for its clause only.
pub fn times(text: &[char], sent: Sentence, clauses: &[(usize, usize)], carried: Time) -> Times {
    let head_at = skip_marker(text, sent.start, sent.end);
    let head_months = period::months_at(text, head_at, sent.end).map(|(f, t, _)| (f, t)).or(carried.months);
    let mut running = Time { months: head_months, year: year_at(text, head_at, sent.end).or(carried.year) };
    let (mut months, mut years) = (Vec::with_capacity(clauses.len()), Vec::with_capacity(clauses.len()));
    for (k, &(cs, ce)) in clauses.iter().enumerate() {
        let cs = skip_marker(text, cs, ce);
        if k > 0 {
            if let Some((f, t, _)) = period::months_at(text, cs, ce) {
                running.months = Some((f, t));
            }
            running.year = year_at(text, cs, ce).or(running.year);
        }
        let event = period::event_month_at(text, cs, ce).map(|m| (m, m));
        months.push(if k == 0 && head_months.is_some() { head_months } else { event.or(running.months) });
        years.push(running.year);
    }
    Times { months, years, running }
}

/// Does the sentence end where a list goes on (；, ：, ，) rather than with a full stop?
pub fn list_goes_on(text: &[char], sent: Sentence) -> bool {
    sent.end > sent.start && LEXICON.figure.list_continues.has(text[sent.end - 1])
}

/// Does the sentence begin with the parts of what the sentence before stated (其中：…)?
pub fn starts_with_parts(text: &[char], sent: Sentence) -> bool {
    let at = skip_marker(text, sent.start, sent.end);
    word_at(text, at, &LEXICON.figure.part_cues).is_some()
}

/// A year at a clause head that the clause speaks of (2020年, 截至2023年底), not one it starts from
/// (2020年以来) or compares with.
fn year_at(text: &[char], at: usize, end: usize) -> Option<i32> {
    let words = &LEXICON.figure;
    let at = word_at(text, at, &LEXICON.period.until).map_or(at, |w| at + w.chars().count());
    let digits = text.get(at..at + 4).filter(|d| at + 4 < end && d.iter().all(char::is_ascii_digit))?;
    let after = at + 4;
    if !words.year_marks.has(text[after]) || word_at(text, after + 1, &words.not_period_after_year).is_some() {
        return None;
    }
    let year: i32 = digits.iter().collect::<String>().parse().ok()?;
    (1950..2100).contains(&year).then_some(year)
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

/// The figure's approximation: its own, else a qualifier written before it (the number layer's words,
/// which know that 约 ending 签约/节约 is none).
pub fn approx_of(text: &[char], q: &SentenceQ) -> Approx {
    if q.q.approx != Approx::Exact { q.q.approx } else { values::approx_before(text, q.start) }
}

/// Skips a list marker (一是, （一）, 1.) at the head of a sentence.
pub fn skip_marker(text: &[char], mut at: usize, end: usize) -> usize {
    let words = &LEXICON.figure;
    while at < end && (text[at].is_whitespace() || words.bullets.has(text[at])) {
        at += 1;
    }
    let j = name::count_numerals_end(text, at, end);
    if j > at && j < end && words.marker_ends.has(text[j]) {
        return j + 1;
    }
    at
}
