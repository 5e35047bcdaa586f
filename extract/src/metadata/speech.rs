//! The dated speech line of a work report: `——2019年1月29日在XX县第N届人民代表大会第M次会议上`.

use super::words::WORDS;
use super::{iso_date, year_in};

#[derive(Debug, Clone, Default)]
pub struct Speech {
    /// Byte offset in its line where the speech line starts (a title may come before it).
    pub start: usize,
    pub date: Option<String>,
    pub year: Option<i32>,
    /// What the line says after 在, up to the session (XX县 in 在XX县第N届人民代表大会).
    pub place: String,
    /// Said to a people's congress (在…人民代表大会…会议上), as a 政府工作报告 is; not only dated
    /// (政府工作报告\n2013年3月19日) or said at another meeting (在全县经济工作会议上).
    pub at_congress: bool,
}

/// The speech in `line`: a date, a dash or the line's start, then 在, then a meeting.
pub fn speech(line: &str) -> Option<Speech> {
    let w = &WORDS.speech;
    let d = &WORDS.dates;
    let is_date =
        |c: char| c.is_ascii_digit() || c.is_whitespace() || [&d.year, &d.month, &d.day].iter().any(|m| m.contains(c));
    for (at, _) in line.match_indices(w.at.as_str()) {
        let rest = &line[at + w.at.len()..];
        if !w.meetings.iter().any(|m| rest.contains(m.as_str())) {
            continue;
        }
        let date_start = line[..at].trim_end_matches(is_date).len();
        let date_text = &line[date_start..at];
        let dash = line[..date_start].trim_end().strip_suffix(w.dash.as_str()).map(str::len);
        let year = year_in(date_text);
        let at_congress = w.congress.iter().any(|c| rest.contains(c.as_str()));
        // Opened by a date, a dash, or nothing before a congress (在保定市徐水区第二届人民代表大会…会议上).
        let bare = line[..at].trim().is_empty() && at_congress;
        if year.is_none() && dash.is_none() && !bare {
            continue;
        }
        let place_end = [&w.congress[..], std::slice::from_ref(&WORDS.body.ordinal)]
            .concat()
            .iter()
            .filter_map(|m| rest.find(m.as_str()))
            .min()
            .unwrap_or(0);
        let start = dash.unwrap_or(date_start);
        let place = rest[..place_end].trim().to_string();
        return Some(Speech { start, date: iso_date(date_text), year, place, at_congress });
    }
    None
}

/// A line that is only a date (2013年3月19日, （2023年12月25日）): the day a report was delivered or published.
fn date_line(line: &str) -> Option<Speech> {
    let d = &WORDS.dates;
    let t = line.trim().trim_matches(|c: char| d.brackets.contains(c));
    let date = t
        .strip_suffix(d.day.as_str())
        .filter(|s| s.chars().all(|c| c.is_ascii_digit() || d.year.contains(c) || d.month.contains(c)))?;
    let date = iso_date(date)?;
    Some(Speech { start: 0, year: date[..4].parse().ok(), date: Some(date), place: String::new(), at_congress: false })
}

/// The first speech line among the first lines of `head`.
pub fn find(head: &str) -> Option<Speech> {
    head.lines().take(40).find_map(|l| speech(l).or_else(|| date_line(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_lines_with_and_without_a_dash() {
        let s = speech("——2019年1月29日在XX县第十五届人民代表大会第三次会议上").unwrap();
        assert_eq!((s.start, s.date.as_deref(), s.year, s.place.as_str()), (0, Some("2019-01-29"), Some(2019), "XX县"));
        let s = speech("政府工作报告2011年1月20日在徐水县第十四届人民代表大会").unwrap();
        assert_eq!((s.start, s.place.as_str()), ("政府工作报告".len(), "徐水县"));
        let s = speech("政府工作报告——在河北省第十届人民代表大会第三次会议上").unwrap();
        assert_eq!((s.year, s.place.as_str()), (None, "河北省"));
    }

    #[test]
    fn a_meeting_without_a_date_is_no_speech_line() {
        assert!(speech("在全县三级干部会议上，我们提出").is_none());
        assert!(speech("在保定市徐水区第二届人民代表大会第二次会议上").is_some_and(|s| s.place == "保定市徐水区"));
    }
}
