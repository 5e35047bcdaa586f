//! The year a report looks back on.

use super::speech::Speech;
use super::words::{any_in, WORDS};
use super::year_at;
use crate::lexicon::LEXICON;
use crate::structure::Heading;

/// What the year is read from.
pub struct Cues<'a> {
    pub title: &'a str,
    pub headings: &'a [Heading],
    pub chars: &'a [char],
    pub published: Option<&'a str>,
    pub speech: Option<&'a Speech>,
}

/// A 政府工作报告 delivered in year Y (its speech line's, else its title's) reviews Y−1; else the title's
/// year, the review heading's, the first year the text reviews; a profile that reviews no year has none.
pub fn report_year(cues: &Cues) -> Option<i32> {
    let w = &WORDS.year;
    let published_year = || cues.published?.get(..4)?.parse::<i32>().ok();
    let title_year = super::year_in(cues.title);
    let work_report = any_in(cues.title, &w.work_report) || cues.speech.is_some_and(|s| s.at_congress);
    if let Some(y) = cues.speech.and_then(|s| s.year).or(title_year).filter(|_| work_report) {
        return Some(y - 1);
    }
    if let Some(y) = title_year {
        // 2023年工作总结及2024年工作计划 looks back on 2023; a plan on the year before.
        return Some(if super::plans_only(cues.title) { y - 1 } else { y });
    }
    if let Some(y) = heading_year(cues.headings) {
        return Some(y);
    }
    // A work report dated only by its publication (which may be a later repost): after its review heading.
    if let Some(y) = published_year().filter(|_| work_report) {
        return Some(y - 1);
    }
    if profile(cues) {
        return None;
    }
    if let Some(y) = first_reviewed(cues.chars) {
        return Some(y);
    }
    // A summary published late in the year looks back on that year, one published early on the year before.
    let month: u32 = cues.published?.get(5..7)?.parse().ok()?;
    published_year().map(|y| if month >= 10 { y } else { y - 1 })
}

/// The year of the first top-level heading that reviews (its year) or plans (the year before).
fn heading_year(headings: &[Heading]) -> Option<i32> {
    let s = &LEXICON.section;
    headings.iter().filter(|h| h.level == 1).find_map(|h| {
        let y = super::year_in(&h.title)?;
        if s.review.iter().any(|w| h.title.contains(w.as_str())) {
            Some(y)
        } else {
            s.plan.iter().any(|w| h.title.contains(w.as_str())).then_some(y - 1)
        }
    })
}

/// A place profile (概况, 基本情况) in the title or the first top-level heading.
fn profile(cues: &Cues) -> bool {
    let first = cues.headings.iter().find(|h| h.level == 1).map_or("", |h| h.title.as_str());
    any_in(cues.title, &WORDS.year.profile) || any_in(first, &WORDS.year.profile)
}

/// The first year near the top that is not a comparison base (是2011年的, 比2015年), a start (2007年换届以来)
/// or a founding (2019年3月成立).
fn first_reviewed(chars: &[char]) -> Option<i32> {
    let w = &WORDS.year;
    let head = &chars[..chars.len().min(3000)];
    let before = |i: usize, word: &str| crate::lexicon::ends_at(head, i, word);
    let after = |i: usize, word: &str| crate::lexicon::starts_at(head, i, word);
    (0..head.len()).find_map(|i| {
        let (y, end) = year_at(head, i)?;
        let base = w.base_before.iter().any(|b| before(i, b)) || w.base_after.iter().any(|a| after(end, a));
        let near: String = head[end..head.len().min(end + 8)].iter().collect();
        let span = w.founding.iter().chain(&w.since).any(|f| near.contains(f.as_str()));
        (!base && !span).then_some(y)
    })
}
