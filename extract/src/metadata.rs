//! Report metadata: title, issuer, index number, publication date, report year.
//!
//! Header lines are read as fields (`fields`), a work report's dated speech line gives its date and
//! place (`speech`), the issuer is a body or place name (`issuer`), and the year is the one looked
//! back on (`year`). The words live in `data/metadata.toml` (`words`).

mod fields;
mod issuer;
mod speech;
mod words;
mod year;

use crate::structure::Heading;
use fields::{Header, Role};
use words::{any_in, WORDS};

#[derive(Debug, Default, Clone)]
pub struct Metadata {
    pub title: String,
    pub issuer: String,
    pub index_no: String,
    pub published: Option<String>,
    pub report_year: Option<i32>,
}

/// `2023-12-13`, `2023年12月13日`, `2023/12/13`, `2023.12.13` → ISO.
pub fn iso_date(s: &str) -> Option<String> {
    let mut nums = s.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty());
    let y: i32 = nums.next()?.parse().ok()?;
    let m: u32 = nums.next()?.parse().ok()?;
    let d: u32 = nums.next()?.parse().ok()?;
    ((1900..2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A year (19xx/20xx, then 年, spaces allowed between) starting at `i`, and where its 年 ends.
fn year_at(c: &[char], i: usize) -> Option<(i32, usize)> {
    let digits = c.get(i..i + 4)?;
    if !digits.iter().all(char::is_ascii_digit) || i > 0 && c[i - 1].is_ascii_digit() {
        return None;
    }
    let mut j = i + 4;
    while c.get(j).is_some_and(|c| *c == ' ') {
        j += 1;
    }
    let y: i32 = digits.iter().collect::<String>().parse().ok()?;
    (WORDS.dates.year.starts_with(*c.get(j)?) && (1950..2100).contains(&y)).then_some((y, j + 1))
}

/// The first year written with 年 in `s`.
fn year_in(s: &str) -> Option<i32> {
    let c: Vec<char> = s.chars().collect();
    (0..c.len()).find_map(|i| year_at(&c, i)).map(|(y, _)| y)
}

/// `发布机构：…`, `主题分类: …`: a short key and a colon open a field line, known key or not.
fn short_key(line: &str) -> bool {
    let seps = &WORDS.fields.separators;
    let key: String = line.chars().take_while(|&c| !seps.contains(c) || c == '|').collect();
    let n = key.chars().count();
    (2..=6).contains(&n) && n < line.chars().count() && key.chars().all(crate::lexicon::is_han)
}

/// A line that is no title: a header field, a breadcrumb, a signature (易县人民政府县长 刘杰).
fn not_a_title(t: &str) -> bool {
    let (tw, b) = (&WORDS.title, &WORDS.body);
    // A place, its government, an office, a name: only Han characters before the government.
    let signature = b.government.iter().chain(&b.whole).filter_map(|g| t.find(g.as_str())).any(|p| {
        let office: String = t[p..].chars().take(8).collect();
        t[..p].chars().all(crate::lexicon::is_han) && b.offices.iter().any(|o| office.contains(o.as_str()))
    });
    fields::is_header(t)
        || short_key(t)
        || any_in(t, &tw.crumb_marks)
        || tw.crumb_starts.iter().any(|s| t.starts_with(s.as_str()))
        || signature
}

/// The report's own title: a field, else the first short line before the body starts.
fn title(head: &str, header: &Header, headings: &[Heading]) -> String {
    if let Some(t) = header.first(Role::Title) {
        return t;
    }
    let first_heading = headings.first().map(|h| h.marker_start).unwrap_or(usize::MAX);
    let trim =
        |l: &str| l.trim_matches(|c: char| c.is_whitespace() || c == '|' || c == '#' || c == '\u{feff}').to_string();
    let mut lines = head
        .split('\n')
        .scan(0usize, |pos, l| {
            let here = *pos;
            *pos += l.chars().count() + 1;
            Some((here, trim(l)))
        })
        .filter(|(_, t)| !t.is_empty() && !not_a_title(t))
        .peekable();
    while let Some((here, t)) = lines.next() {
        if here >= first_heading.saturating_sub(2) && here <= first_heading || t.starts_with(WORDS.speech.dash.as_str())
        {
            return String::new();
        }
        // 政府工作报告——2024年3月5日在…: the dated speech line is not part of the title.
        let t = speech::speech(&t).map_or(t.as_str(), |s| &t[..s.start]).trim();
        if t.is_empty() {
            return String::new();
        }
        // A site's section name repeated inside the next line, itself a title (工作报告, then
        // 2020年易县政府工作报告; not a sentence that names the report).
        let repeated = |next: &str| next.len() > t.len() && next.contains(t) && !shown_title(next).is_empty();
        if lines.peek().is_some_and(|(_, next)| repeated(next)) {
            continue;
        }
        return shown_title(t);
    }
    String::new()
}

/// A title line as the title: 政 府 工 作 报 告 joined; empty when it reads as body text.
fn shown_title(t: &str) -> String {
    let spaced: Vec<&str> = t.split_whitespace().collect();
    if spaced.len() > 2 && spaced.iter().all(|w| w.chars().count() == 1) {
        return spaced.concat();
    }
    let n = t.chars().count();
    if n > 60 || n == 0 || any_in(t, &WORDS.title.clause_marks) {
        return String::new();
    }
    t.to_string()
}

/// The body that names itself: a header field, the title's place, the government it speaks for, the
/// congress it speaks at, else the place it names most.
fn read_issuer(head: &str, header: &Header, title: &str, chars: &[char], speech: Option<&speech::Speech>) -> String {
    header
        .first(Role::Issuer)
        .or_else(|| issuer::in_title(title).map(|p| issuer::lowest(&p)))
        .or_else(|| issuer::government(head))
        .or_else(|| speech.and_then(issuer::congress))
        .unwrap_or_else(|| issuer::most_named(&chars[..chars.len().min(8000)]))
}

pub fn read(text: &str, chars: &[char], headings_pre: &[Heading]) -> Metadata {
    let head: String = text.chars().take(3000).collect();
    let header = Header::read(&head);
    let title = title(&head, &header, headings_pre);
    let speech = speech::find(&head);
    let index_no = header.first(Role::Index).unwrap_or_default();
    let index_no = index_no.split_whitespace().next().unwrap_or("").to_string();
    let published = header.first(Role::Published).and_then(|v| iso_date(&v));
    let published = published.or_else(|| speech.as_ref().and_then(|s| s.date.clone()));
    let issuer = read_issuer(&head, &header, &title, chars, speech.as_ref());
    let cues = year::Cues {
        title: &title,
        headings: headings_pre,
        chars,
        published: published.as_deref(),
        speech: speech.as_ref(),
    };
    let report_year = year::report_year(&cues);
    let title = dated_title(title, &issuer, published.as_deref());
    Metadata { title, issuer, index_no, published, report_year }
}

/// A bare 政府工作报告 is titled by its place and the year it was delivered (海拉尔区2019年政府工作报告).
fn dated_title(title: String, issuer: &str, published: Option<&str>) -> String {
    let (Some(date), false) = (published, issuer.is_empty()) else { return title };
    let bare = WORDS.year.work_report.contains(&title);
    if !bare || WORDS.body.whole.iter().any(|w| w == issuer) {
        return title;
    }
    let place = WORDS.body.government.iter().fold(issuer, |p, g| p.trim_end_matches(g.as_str()));
    let place = issuer::lowest(place);
    format!("{place}{}{}{title}", &date[..4], WORDS.dates.year)
}

/// Does a title look back on a year (工作总结, 工作回顾)?
pub fn looks_back(title: &str) -> bool {
    any_in(title, &WORDS.year.looks_back)
}

/// Does the title name a plan only (2024年工作计划, 工作要点)?
pub fn plans_only(title: &str) -> bool {
    !looks_back(title) && any_in(title, &WORDS.year.plan_titles)
}

#[cfg(test)]
mod tests {
    use crate::{parse, Hints};

    fn year(text: &str) -> Option<i32> {
        parse(text, &Hints::default()).report_year
    }

    /// liuhe_zhonggang_street_profile, liuhe_shijiadian_township_profile: a profile reviews no year, and a
    /// founding date (2019年3月成立) or a figure's year is none.
    #[test]
    fn a_profile_reviews_no_year() {
        assert_eq!(
            year("中岗街道\n一、基本情况\n中岗街道办事处于2019年3月成立，管辖范围为东起裕民路。\n二、资源情况\n"),
            None
        );
        assert_eq!(
            year("时家店乡\n一、基本情况\n时家店乡位于柳河县东部。2020年度全乡总收入11441万元。\n二、资源情况\n"),
            None
        );
    }

    #[test]
    fn a_summary_without_a_dated_title_keeps_its_year() {
        assert_eq!(year("只争朝夕加油干\n2023年稠江街道这份年终答卷,请查收!\n一年来,稠江街道奋进。\n"), Some(2023));
    }
}
