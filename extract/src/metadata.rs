//! Report metadata: title, issuer, index number, publication date, report year.

use crate::lexicon::{is_han, LEXICON};
use crate::structure::Heading;

#[derive(Debug, Default, Clone)]
pub struct Metadata {
    pub title: String,
    pub issuer: String,
    pub index_no: String,
    pub published: Option<String>,
    pub report_year: Option<i32>,
}

/// The value written after a field name (`索引号 | X |`, `发文单位：X`), if the text has the field.
fn field(text: &str, names: &[String]) -> Option<String> {
    for name in names {
        for (at, _) in text.match_indices(name.as_str()) {
            let rest = &text[at + name.len()..];
            let rest =
                rest.trim_start_matches(|c: char| c == '|' || c == ':' || c == '：' || c.is_whitespace() && c != '\n');
            let value: String = rest.chars().take_while(|&c| c != '|' && c != '\n' && c != '\r').collect();
            let value = value.trim().to_string();
            if !value.is_empty() && value.chars().count() <= 80 {
                return Some(value);
            }
        }
    }
    None
}

/// `2023-12-13`, `2023年12月13日`, `2023/12/13`, `2023.12.13` → ISO.
pub fn iso_date(s: &str) -> Option<String> {
    let mut nums = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            nums.push(std::mem::take(&mut cur));
            if nums.len() == 3 {
                break;
            }
        }
    }
    if !cur.is_empty() {
        nums.push(cur);
    }
    let y: i32 = nums.first()?.parse().ok()?;
    let m: u32 = nums.get(1)?.parse().ok()?;
    let d: u32 = nums.get(2)?.parse().ok()?;
    ((1900..2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The first 4-digit year (19xx/20xx) written with 年 in `s`, skipping 以来/前.
fn year_in(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i + 4 < chars.len() {
        if chars[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && chars[i + 4] == '年'
        {
            let y: i32 = chars[i..i + 4].iter().collect::<String>().parse().ok()?;
            if (1950..2100).contains(&y) {
                return Some(y);
            }
        }
        i += 1;
    }
    None
}

fn is_field_line(line: &str) -> bool {
    let m = &LEXICON.metadata;
    let has = |names: &[String]| names.iter().any(|n| line.contains(n.as_str()));
    (line.contains('|')
        && (has(&m.index_fields)
            || has(&m.issuer_fields)
            || has(&m.published_fields)
            || line.contains("组配分类")
            || line.contains("公开方式")))
        || ["来源URL", "发文时间", "报告人", "正文", "来源"].iter().any(|k| line.starts_with(k))
        || short_key(line)
}

/// `发布机构：…`, `主题分类: …`: a short key and a colon open a field line.
fn short_key(line: &str) -> bool {
    let key: String = line.chars().take_while(|&c| c != '：' && c != ':').collect();
    let n = key.chars().count();
    (2..=6).contains(&n) && n < line.chars().count() && key.chars().all(crate::lexicon::is_han)
}

/// The report's own title: a field, else the first short line before the body starts.
fn title(text: &str, headings: &[Heading]) -> String {
    if let Some(t) = field(text, &LEXICON.metadata.title_fields) {
        return t;
    }
    let first_heading = headings.first().map(|h| h.marker_start).unwrap_or(usize::MAX);
    let mut pos = 0usize; // code points
    for line in text.split('\n') {
        let here = pos;
        pos += line.chars().count() + 1;
        let t = line.trim_matches(|c: char| c.is_whitespace() || c == '|' || c == '#' || c == '\u{feff}');
        // Fields, and breadcrumbs (首页 > 信息公开 > 计划总结) before the title.
        if t.is_empty() || is_field_line(t) || t.contains(['>', '›', '»']) || t.starts_with("当前位置") || t.starts_with("首页") {
            continue;
        }
        if here >= first_heading.saturating_sub(2) && here <= first_heading || t.starts_with("——") {
            return String::new();
        }
        // 政府工作报告——2024年3月5日在…: the dated speech line is not part of the title.
        let t = t.split("——").next().unwrap_or(t).trim();
        // 政 府 工 作 报 告: letters spaced out for show.
        let spaced: Vec<&str> = t.split_whitespace().collect();
        if spaced.len() > 2 && spaced.iter().all(|w| w.chars().count() == 1) {
            return spaced.concat();
        }
        let n = t.chars().count();
        if n > 60 || n == 0 || t.contains('。') || t.contains('，') {
            return String::new();
        }
        return t.to_string();
    }
    String::new()
}

/// Place names of two and three characters ending right before `at` (where the suffix starts).
fn places_before(chars: &[char], at: usize, suffix_len: usize) -> Vec<String> {
    // Characters that never start a place name.
    const NOT_FIRST: &str = "的了在和与及是为对全本我各该年月日个等、到从于将把向由被共后以辖区内";
    let m = &LEXICON.metadata;
    if suffix_len == 1 && chars.get(at + suffix_len).is_some_and(|c| m.not_after_place.contains(*c)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for n in [2, 3] {
        if at < n || !chars[at - n..at].iter().all(|&c| is_han(c)) || NOT_FIRST.contains(chars[at - n]) {
            break;
        }
        let prefix: String = chars[at - n..at].iter().collect();
        if m.not_places.iter().any(|w| prefix.ends_with(w.as_str())) {
            break;
        }
        out.push(prefix);
    }
    out
}

/// The body a government work report speaks for: 我代表顺平县人民政府, 在呼伦贝尔市海拉尔区第十五届人民代表大会 → 海拉尔区.
fn government_place(head: &str) -> Option<String> {
    if head.contains("代表国务院") {
        return Some("国务院".to_string());
    }
    for cue in ["人民政府", "人民代表大会"] {
        let Some(p) = head.find(cue) else { continue };
        let before: Vec<char> = head[..p].chars().collect();
        let mut s = before.len();
        while s > 0 && is_han(before[s - 1]) {
            s -= 1;
        }
        let mut place: String = before[s..].iter().collect();
        for lead in ["代表", "在"] {
            if let Some(k) = place.rfind(lead) {
                place = place[k + lead.len()..].to_string();
            }
        }
        if let Some(d) = place.find('第') {
            place.truncate(d);
        }
        let pchars: Vec<char> = place.chars().collect();
        // The government signs with its full name (呼伦贝尔市海拉尔区人民政府); the congress is cut to the place.
        let congress = cue == "人民代表大会";
        if let Some(k) =
            pchars.iter().position(|&c| c == '市' || c == '省').filter(|&k| congress && k + 2 < pchars.len())
        {
            place = pchars[k + 1..].iter().collect();
        }
        if place.chars().count() >= 2 && place != "全国" {
            return Some(place);
        }
    }
    None
}

/// The body that names itself: in the title first, else the most frequent place of the lowest level.
fn issuer_from_text(title: &str, text: &[char]) -> String {
    let suffixes = &LEXICON.metadata.body_suffixes;
    let tchars: Vec<char> = title.chars().collect();
    for suf in suffixes.iter() {
        if let Some(p) = crate::lexicon::find(&tchars, 0, tchars.len(), suf) {
            let s = (0..p).rev().take_while(|&i| is_han(tchars[i])).last().unwrap_or(p);
            if p > s {
                let name: String = tchars[s..p + suf.chars().count()].iter().collect();
                return name.trim_end_matches("人民政府").to_string();
            }
        }
    }
    let head = &text[..text.len().min(8000)];
    let head_str: String = head.iter().take(800).collect();
    if let Some(place) = government_place(&head_str) {
        return place;
    }
    let mut hidden = false;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for suf in ["街道", "镇", "乡"] {
        let sc: Vec<char> = suf.chars().collect();
        let mut i = 1;
        while i + sc.len() <= head.len() {
            if head[i..i + sc.len()] == sc[..] {
                if matches!(head[i - 1], '*' | '＊' | '某' | 'X' | '×' | 'x') {
                    hidden = true;
                } else {
                    for p in places_before(head, i, sc.len()) {
                        let name = p + suf;
                        match counts.iter_mut().find(|(k, _)| *k == name) {
                            Some((_, c)) => *c += 1,
                            None => counts.push((name, 1)),
                        }
                    }
                }
                i += sc.len();
            } else {
                i += 1;
            }
        }
    }
    if hidden {
        return String::new();
    }
    // Named often, and its place word used elsewhere too (西屏街道, 西屏山); streets before towns.
    let score = |(name, c): &(String, usize)| {
        let place: Vec<char> = name.chars().take(2).collect();
        c * 10 + head.windows(2).filter(|w| *w == &place[..]).count()
    };
    for level in [&["街道"][..], &["镇", "乡"][..]] {
        let Some(best) = counts.iter().filter(|(n, _)| level.iter().any(|s| n.ends_with(s))).max_by_key(|e| score(e)) else {
            continue;
        };
        if score(best) < 12 {
            continue;
        }
        // 时家店乡 over 家店乡: the longer name when every mention has it.
        let longer = counts.iter().find(|(n, c)| *c == best.1 && n.len() > best.0.len() && n.ends_with(best.0.as_str()));
        return longer.unwrap_or(best).0.clone();
    }
    String::new()
}

pub fn read(text: &str, chars: &[char], headings_pre: &[Heading]) -> Metadata {
    let m = &LEXICON.metadata;
    let head: String = text.chars().take(3000).collect();
    let title = title(&head, headings_pre);
    let index_no = field(&head, &m.index_fields).unwrap_or_default();
    let index_no = index_no.split_whitespace().next().unwrap_or("").to_string();
    let published = field(&head, &m.published_fields).and_then(|v| iso_date(&v));
    let issuer = match field(&head, &m.issuer_fields) {
        Some(v) => v,
        None => issuer_from_text(&title, chars),
    };
    let published = published.or_else(|| speech_date(&head));
    let report_year = report_year(&title, headings_pre, chars, published.as_deref());
    // A bare 政府工作报告 is titled by its place and the year it was delivered (海拉尔区2019年政府工作报告).
    let title = match (&published, issuer.as_str()) {
        (Some(date), place) if title == "政府工作报告" && !place.is_empty() && place != "国务院" => {
            let place = place.trim_end_matches("人民政府");
            let place = place.rsplit(['市', '省']).next().filter(|p| p.chars().count() >= 2).unwrap_or(place);
            format!("{place}{}年{title}", &date[..4])
        }
        _ => title,
    };
    Metadata { title, issuer, index_no, published, report_year }
}

/// The date of a dated speech line near the top (——2019年3月4日在…人民代表大会…会议上).
fn speech_date(head: &str) -> Option<String> {
    head.lines().take(30).find_map(|line| {
        let line = line.find("——").map_or(line, |p| &line[p..]);
        let t = line.trim().trim_start_matches(|c: char| matches!(c, '—' | '-' | '－') || c.is_whitespace());
        let d = t.find('日')?;
        let rest = &t[d + '日'.len_utf8()..];
        let spoken = rest.starts_with('在') && (rest.contains("会议") || rest.contains("大会"));
        (t.starts_with(|c: char| c.is_ascii_digit()) && spoken).then(|| iso_date(&t[..d]))?
    })
}

/// Does a title look back on a year (工作总结, 工作回顾)?
pub fn looks_back(title: &str) -> bool {
    title.contains("总结") || title.contains("回顾")
}

/// Does the title name a plan only (2024年工作计划, 工作要点)?
pub fn plans_only(title: &str) -> bool {
    !looks_back(title) && LEXICON.metadata.plan_titles.iter().any(|w| title.contains(w.as_str()))
}

/// The year looked back on: the title's year, else the review heading's, else the first year of the body.
fn report_year(title: &str, headings: &[Heading], chars: &[char], published: Option<&str>) -> Option<i32> {
    if let Some(y) = year_in(title) {
        // 2023年工作总结及2024年工作计划 looks back on 2023; a plan or a 政府工作报告 on the year before.
        let looks_back = looks_back(title);
        let plans = LEXICON.metadata.plan_titles.iter().any(|w| title.contains(w.as_str()));
        let gwr = title.contains("政府工作报告");
        return Some(if !looks_back && (plans || gwr) { y - 1 } else { y });
    }
    for h in headings.iter().filter(|h| h.level == 1) {
        if let Some(y) = year_in(&h.title) {
            let k = LEXICON.section.review.iter().any(|w| h.title.contains(w.as_str()));
            let p = LEXICON.section.plan.iter().any(|w| h.title.contains(w.as_str()));
            if k {
                return Some(y);
            }
            if p {
                return Some(y - 1);
            }
        }
    }
    // A dated speech line (——2019年3月4日在…) or the publication date: the year before.
    let head: String = chars.iter().take(600).collect();
    if let Some(p) = head.find("——") {
        if let Some(y) = year_in(&head[p..]) {
            return Some(y - 1);
        }
    }
    if let Some(y) = year_in(&head) {
        return Some(y);
    }
    // A summary published late in the year looks back on that year, one published early on the year before.
    let year: i32 = published?.get(..4)?.parse().ok()?;
    let month: u32 = published?.get(5..7)?.parse().ok()?;
    Some(if month >= 10 { year } else { year - 1 })
}
