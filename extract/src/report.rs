//! The pipeline: clean text → headings and metadata → sentences → quantities → indicators.

use crate::indicator::{self, Env};
use crate::text::CleanText;
use crate::{metadata, quantity, sentence, structure, Hints, Indicator, IndicatorKind, Period, Report, Section, Span};

pub fn parse(text: &str, hints: &Hints) -> Report {
    // The caller's characters, read once: cleaning reads them, and each figure's text as written.
    let caller: Vec<char> = text.chars().collect();
    let clean = CleanText::from_chars(&caller);
    let chars: Vec<char> = clean.text.chars().collect();
    let mut headings = structure::headings(&chars, None);
    let meta = metadata::read(&clean.text, &chars, &headings);
    let report_year = hints.report_year.or(meta.report_year);
    let issuer = hints.issuer.clone().unwrap_or(meta.issuer);
    structure::assign_kinds(&mut headings, report_year);

    let mut breaks: Vec<usize> = headings.iter().flat_map(|h| [h.marker_start, h.title_end]).collect();
    breaks.sort_unstable();
    let sentences = sentence::split(&chars, &breaks);
    let mut quantities = quantity::scan_chars(&chars);
    // Found in text order already, no two with one span: an unstable sort is the same order
    // without the stable sort's buffer of half the list (50 MB for a text of a million numerals).
    quantities.sort_unstable_by_key(|q| (q.span.start, q.span.end));

    let plan_report = metadata::plans_only(&meta.title);
    let env = Env { text: &chars, quantities: &quantities, headings: &headings, plan_report, issuer: &issuer };
    let drafts = indicator::assemble(&env, &sentences);

    let indicators = drafts
        .into_iter()
        .map(|d| {
            let span = clean.to_caller(Span { start: d.span.0, end: d.span.1 });
            // As written: the caller's own characters (5.1％), unless markup sits inside the number.
            let written: String = caller.get(span.start..span.end).map(|c| c.iter().collect()).unwrap_or_default();
            let value_text =
                if written.is_empty() || written.contains(['<', '&', '\\', '\n']) { d.value_text } else { written };
            let year = d.year.or(match d.kind {
                IndicatorKind::Target => report_year.map(|y| y + 1),
                IndicatorKind::Actual => report_year,
            });
            let (from_month, to_month) = d.months.unwrap_or((1, 12));
            let path = structure::path_at(&headings, d.span.0);
            Indicator {
                name: d.name,
                value: d.value,
                unit: d.unit,
                value_text,
                approx: d.approx,
                period: Period { year, from_month, to_month },
                kind: d.kind,
                change: d.change,
                rank: d.rank,
                completion_pct: d.completion.map(|c| c.0),
                completion_approx: d.completion.map(|c| c.1).unwrap_or_default(),
                span,
                sentence: chars[d.sentence.start..d.sentence.end].iter().collect(),
                section_path: path.iter().map(|&h| headings[h].title.clone()).collect(),
                rule: d.rule.to_string(),
            }
        })
        .collect();

    let sections = headings
        .iter()
        .map(|h| Section {
            title: h.title.clone(),
            marker: h.marker.clone(),
            level: h.level,
            kind: h.kind,
            span: clean.to_caller(Span { start: h.marker_start, end: h.end }),
        })
        .collect();

    Report {
        title: meta.title,
        issuer,
        index_no: meta.index_no,
        published: meta.published,
        report_year,
        sections,
        indicators,
    }
}
