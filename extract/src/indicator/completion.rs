//! Completion of a plan stated after a figure: 完成率59.97%, 完成率超100%, 占年计划投资的126.5%.

use super::values::approx_before;
use super::SentenceQ;
use crate::lexicon::{find, LEXICON};
use crate::Approx;

#[derive(Debug, Clone)]
pub struct CompletionMatch {
    pub q: usize,
    pub pct: f64,
    pub approx: Approx,
}

pub fn find_all(text: &[char], sq: &[SentenceQ], clause_start_of: impl Fn(usize) -> usize) -> Vec<CompletionMatch> {
    let mut out = Vec::new();
    for (i, q) in sq.iter().enumerate() {
        if q.q.unit != "%" {
            continue;
        }
        let floor = clause_start_of(q.start).max(q.start.saturating_sub(14));
        // The cue must come after any other number of the clause.
        // Figures are sorted and do not overlap: only those ending after `floor` can raise it.
        let floor = sq[..i]
            .iter()
            .rev()
            .take_while(|p| p.end >= floor || p.start >= floor)
            .map(|p| p.end)
            .filter(|&e| e <= q.start)
            .max()
            .unwrap_or(0)
            .max(floor);
        let cue = LEXICON.completion.cues.iter().filter_map(|c| find(text, floor, q.start, c)).min();
        // 整改完成率100%: a cue with a noun of its own before it is a rate, not a completion.
        let clause_start = clause_start_of(q.start);
        let marks = &LEXICON.completion.lead_marks;
        let cue = cue.filter(|&c| text[clause_start..c].iter().all(|&ch| ch.is_whitespace() || marks.has(ch)));
        if cue.is_some() {
            let approx = if q.q.approx != Approx::Exact { q.q.approx } else { approx_before(text, q.start) };
            out.push(CompletionMatch { q: i, pct: q.q.value, approx });
        }
    }
    out
}
