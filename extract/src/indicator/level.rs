//! The level-figure phase: the words around each figure (its frame), its first name, the naming rules
//! that refine it (naming.rs), and the draft it becomes.

use super::context::{last_end_in_clause, Ctx};
use super::naming::{self, Named};
use super::{name, scene, Role};
use crate::lexicon::{starts_at, word_at, LEXICON};
use crate::token::{self, Tag};

/// The words around one level figure.
pub struct Frame {
    pub qi: usize,
    /// The clause and its bounds.
    pub k: usize,
    pub cs: usize,
    pub ce: usize,
    /// The end of the figure (or time) before it in the clause, if any.
    pub prev_end: Option<usize>,
    /// Where the words before it start, and where those after it start and end.
    pub from: usize,
    pub after_skip: usize,
    pub next_start: usize,
    /// The cleaned words before and after it.
    pub before: String,
    pub after: String,
}

/// Phase: every level figure of the sentence becomes a draft, named by the rules.
pub fn read(ctx: &mut Ctx) {
    for qi in 0..ctx.sq.len() {
        if ctx.role[qi] != Role::Level || !ctx.cuts[qi] {
            continue;
        }
        let frame = frame(ctx, qi);
        let named = naming::name(ctx, &frame);
        finish(ctx, &frame, named);
    }
    ctx.drafts.sort_by_key(|d| d.span.0);
}

fn frame(ctx: &Ctx, qi: usize) -> Frame {
    let (text, sq, words) = (ctx.text, ctx.sq, &LEXICON.figure);
    let q = &sq[qi];
    let k = ctx.clause_of(q.start);
    let (cs, ce) = ctx.clauses[k];
    let prev_end = last_end_in_clause(sq, qi, cs, q.start, |p| ctx.cuts[p]);
    // A time inside the clause (“7天34户全部签约”) also ends the words before a figure.
    let prev_end = last_end_in_clause(sq, qi, cs, q.start, |p| !ctx.cuts[p] && words.clause_times.has(&sq[p].q.unit))
        .max(prev_end);
    let from = words_start(ctx, qi, prev_end.unwrap_or(cs), prev_end.is_some());
    let from = scene::skip_manner(text, scene::skip_frames(text, from, q.start), q.start);
    let mut after_skip = q.end;
    for w in words.figure_suffixes.iter() {
        if starts_at(text, after_skip, w) {
            after_skip += w.chars().count();
        }
    }
    let next_start = ctx.next_cut_start(qi, ce);
    // 投资7.2亿元由江苏中圣集团建设的集中供热项目: who built it is no part of the name; the noun after 的 is.
    if starts_at(text, after_skip, &words.agent_mark) {
        let possessive = (after_skip + 2..next_start.min(after_skip + 16)).find(|&i| starts_at(text, i, &words.possessive));
        after_skip = possessive.unwrap_or(after_skip);
    }
    let before = before_words(ctx, from, q.start);
    let after = if after_skip < next_start { name::after_words(text, after_skip, next_start) } else { String::new() };
    // 城镇登记失业率控制在3.5%的较低水平: a rate named before its figure is not named by what follows.
    let rate_before = before.chars().count() >= 3 && before.ends_with(words.rate_suffix.as_str());
    let after = if q.q.unit == "%" && rate_before { String::new() } else { after };
    Frame { qi, k, cs, ce, prev_end, from, after_skip, next_start, before, after }
}

/// Where the words of a figure start, after the figure before it (`after_figure`) or the clause head.
fn words_start(ctx: &Ctx, qi: usize, mut from: usize, after_figure: bool) -> usize {
    let (text, words) = (ctx.text, &LEXICON.figure);
    let start = ctx.sq[qi].start;
    if after_figure {
        // 14座铁塔、384个电杆移建: what stands before 、 belongs to the figure before.
        if let Some(p) = (from..start).rev().find(|&i| words.item_separators.has(text[i]) && !joins_verbs(text, from, start, i)) {
            from = p + 1;
        }
        // 28天里完成: 里/内 after a duration.
        if from < start && words.duration_suffixes.has(text[from]) {
            from += 1;
        }
    }
    // 依托主题党日、干部会议等开展交通法规培训: the examples before 等 go.
    if let Some(p) = (from..start).rev().find(|&i| words.list_ends.has(text[i])) {
        let verb_follows = word_at(text, p + 1, &LEXICON.name.meaning_verbs).is_some();
        let listed = (from..p).any(|i| words.list_marks.has(text[i]));
        if listed && p + 1 < start && verb_follows {
            from = p + 1;
        }
    }
    from
}

/// 投资3.9亿元新修和改造道路7.1万平米: 和 between two verbs joins the actions of one item.
fn joins_verbs(text: &[char], from: usize, to: usize, at: usize) -> bool {
    if !LEXICON.name.verb_joiners.iter().any(|w| w.chars().eq([text[at]])) {
        return false;
    }
    let words = token::tokens(text, from, to);
    let Some(i) = words.iter().position(|t| t.start == at && t.end == at + 1) else { return false };
    let verb = |t: Option<&token::Token>| t.is_some_and(|t| t.tag == Tag::Verb);
    i > 0 && verb(words.get(i - 1)) && verb(words.get(i + 1))
}

/// The words before a figure, without the issuer at their head (稠江街道共实现… → 规上工业总产值).
fn before_words(ctx: &Ctx, from: usize, to: usize) -> String {
    let before = name::before_words(ctx.text, from, to);
    let issuer = ctx.env.issuer;
    match before.strip_prefix(issuer).filter(|_| !issuer.is_empty()) {
        Some(rest) => name::before_words(&rest.chars().collect::<Vec<_>>(), 0, rest.chars().count()),
        None => before,
    }
}

/// The draft a named figure becomes, if it has a name and a unit.
fn finish(ctx: &mut Ctx, f: &Frame, named: Named) {
    let q = &ctx.sq[f.qi];
    let words = &LEXICON.figure;
    let raw = &ctx.text[f.from..q.start];
    let mut d = ctx.draft(named.name, f.qi, named.rule, f.k);
    // 由2010年的95亿元增加到2015年的162亿元: the first is the base year's, the second the same measure's.
    let named_year = year_after(raw, &words.base_year_marks).or_else(|| year_after(raw, &words.to_marks));
    d.year = named_year.or(d.year);
    if d.unit.is_empty() {
        // 惠及1100多万学生: people said without 人; 水利民生实事项目投资300余万: money said without 元.
        let magnitude = words.money_magnitudes.iter().any(|m| q.q.text.contains(m.as_str()));
        let people = words.people_nouns.iter().any(|n| f.after.starts_with(n.as_str()));
        if magnitude && people {
            d.unit = words.person_unit.clone();
        } else if magnitude && name::speaks_of_money(&(d.name.clone() + &f.before)) {
            d.unit = words.money_unit.clone();
        } else if magnitude && name::speaks_of_people(&d.name) {
            // 脱贫人口务工规模超过3300万: people named before the figure.
            d.unit = words.person_unit.clone();
        } else {
            return;
        }
    }
    // 经济增长预期目标为5%左右, 地区生产总值增长 12%左右: a rate named as growth is a change, not a level,
    // of what grew (地区生产总值) when that is said.
    if let Some((sign, grown)) = growth_of(&d.name).filter(|_| q.q.unit == "%") {
        let approx = std::mem::take(&mut d.approx);
        let pct = sign as f64 * d.value.take().unwrap_or_default();
        d.change = Some(crate::Change { pct, approx, unit: crate::ChangeUnit::Percent });
        d.unit.clear();
        if grown.chars().count() >= 4 {
            d.name = grown;
        }
    }
    if d.name.is_empty() {
        return;
    }
    if !naming::shared_rate(ctx, f, &d) && !naming::shared_figure(ctx, f, &d) {
        ctx.drafts.push(d);
    }
}

/// The sign of the change a name ends with, target words aside, and what changed (经济增长预期目标 → +, 经济;
/// 地区生产总值增长 → +, 地区生产总值).
fn growth_of(name: &str) -> Option<(i8, String)> {
    let lex = &LEXICON.change;
    let name = LEXICON.figure.target_words.ending(name).map_or(name, |w| &name[..name.len() - w.len()]);
    let (word, sign) = lex.verbs.iter().chain(&lex.nouns).find(|(w, _)| w.chars().count() >= 2 && name.ends_with(w.as_str()))?;
    Some((*sign, name[..name.len() - word.len()].to_string()))
}

/// The year written right after one of `marks` (由2010年, 到2015年), if any.
pub fn year_after(raw: &[char], marks: &crate::lexicon::Chars) -> Option<i32> {
    let p = raw.iter().position(|&c| marks.has(c))?;
    let digits = raw.get(p + 1..p + 5)?;
    let year_mark = raw.get(p + 5).is_some_and(|&c| LEXICON.figure.year_marks.has(c));
    if !digits.iter().all(|c| c.is_ascii_digit()) || !year_mark {
        return None;
    }
    digits.iter().collect::<String>().parse().ok()
}

/// Is `text[a..b]` only a to-verb (整合为, 增加到, 压减至, or any verb ending in 到/至: 拓展到, 调至)?
pub fn is_to_verb(text: &[char], a: usize, b: usize) -> bool {
    let listed = word_at(text, a, &LEXICON.name.to_verbs).is_some_and(|w| a + w.chars().count() == b);
    b > a && (listed || name::to_verb_start(text, a, b) == Some(a))
}
