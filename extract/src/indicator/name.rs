//! Names: the shortest phrase that still says what a figure measures.
//!
//! A figure is named by the words before it in its clause (规上工业产值48.78亿元) or, when those
//! are only a verb, by the noun it counts after it (完成300家新增企业入库). Filler verbs go,
//! meaning verbs stay.

use super::period::months_at;
use super::values::is_count_numeral;
use crate::lexicon::{is_han, skip_each, skip_each_back, starts_at, word_at, word_before, LEXICON};
use super::subject;
use crate::token::Tag;

fn s(text: &[char], a: usize, b: usize) -> String {
    text[a..b].iter().collect()
}

fn is_name_punct(c: char) -> bool {
    LEXICON.name.marks.has(c)
}

/// Past a run of counting numerals (一 … 十) at `at`.
pub(super) fn count_numerals_end(text: &[char], at: usize, b: usize) -> usize {
    (at..b).find(|&i| !is_count_numeral(text[i])).unwrap_or(b)
}

/// Past the Chinese characters from `at`, up to `limit`.
fn han_run_end(text: &[char], at: usize, limit: usize) -> usize {
    (at..limit).find(|&i| !is_han(text[i])).unwrap_or(at.max(limit))
}

/// Like [`han_run_end`], through a quoted phrase (“最多跑一次”) as well.
fn quoted_run_end(text: &[char], at: usize, limit: usize) -> usize {
    let lex = &LEXICON.name;
    let mut e = han_run_end(text, at, limit);
    while e < limit && lex.open_quote.has(text[e]) {
        match (e + 1..limit).find(|&i| lex.close_quote.has(text[i])) {
            Some(close) => e = han_run_end(text, close + 1, limit),
            None => break,
        }
    }
    e
}

/// Strips what sets the scene from the head of `[a, b)`: time phrases, lead words, filler verbs.
fn strip_head(text: &[char], mut a: usize, b: usize) -> usize {
    let lex = &LEXICON.name;
    loop {
        let before = a;
        let unopened_quote =
            |a: usize| lex.close_quote.has(text[a]) && !text[a..b].iter().any(|&c| lex.open_quote.has(c));
        while a < b && (is_name_punct(text[a]) || unopened_quote(a)) {
            a += 1;
        }
        if word_at(text, a, &lex.meaning_verbs).is_some()
            && word_at(text, a, &lex.lead_words).is_none_or(|l| l.chars().count() < 2)
        {
            return a;
        }
        // 投资25亿元的大唐350兆瓦光伏发电: 的 ties to the figure before, it starts no name.
        while a < b && lex.head_skips.has(text[a]) {
            a += 1;
        }
        // 五是…: an inline list marker.
        let m = count_numerals_end(text, a, b);
        if m > a && m < b && lex.list_marker.has(text[m]) {
            a = m + 1;
        }
        // …以上: the bound of the figure before.
        if let Some(w) = word_at(text, a, &lex.thresholds).filter(|w| a + w.chars().count() < b) {
            a += w.chars().count();
        }
        if let Some((_, _, e)) = months_at(text, a, b) {
            a = e.min(b);
        }
        // 五年新增…, 三年来: a span of years before the name.
        let y = count_numerals_end(text, a, b);
        if y > a && y + 1 < b && lex.year.has(text[y]) {
            a = skip_each(text, y + 1, &lex.year_span_ends);
        }
        // 2023年, 6月份, 疫情期间, 今年以来
        let mut j = a;
        while j < b && text[j].is_ascii_digit() {
            j += 1;
        }
        if j > a && j < b {
            // 2023年, 6月份, 28天里: a time before the name.
            if let Some(u) = lex.head_times.iter().find(|u| starts_at(text, j, u)) {
                a = skip_each(text, j + u.chars().count(), &lex.head_time_ends);
            }
        }
        // 疫情期间, 今年以来, 街道范围内: a scene that ends within a few characters.
        if let Some((p, w)) = (a..b.min(a + 8)).rev().find_map(|p| word_at(text, p, &lex.scene_ends).map(|w| (p, w))) {
            a = (p + w.chars().count()).min(b);
        }
        a = past_place_having(text, a, b);
        a = past_named_place(text, a, b);
        if let Some(w) = word_at(text, a, &lex.lead_words) {
            let n = w.chars().count();
            if a + n <= b && (n > 1 || starts_in_word(text, a, b)) {
                a += n;
            }
        }
        if let Some(w) = word_at(text, a, &lex.filler_verbs) {
            // 超200亿元县: 超 before a threshold inside the name says which category.
            let threshold = lex.threshold_words.iter().any(|t| t == w)
                && text.get(a + w.chars().count()).is_some_and(|c| c.is_ascii_digit());
            let n = w.chars().count();
            if a + n <= b && !threshold && (n > 1 || starts_in_word(text, a, b)) {
                a += n;
            }
        }
        // 经鉴定确定C级危房: 经 before a verb.
        if a < b && lex.by_means.has(text[a]) && word_at(text, a + 1, &lex.meaning_verbs).is_some() {
            a += 1;
        }
        if a == before {
            return a;
        }
    }
}

/// 柳河镇现有牧业小区, 街道下辖社区: a place (two characters or more, ending in a place word) and a verb of
/// having before the name only say where the things are: the name starts after them.
fn past_place_having(text: &[char], a: usize, b: usize) -> usize {
    place_having_end(text, a, b).filter(|&end| end < b).unwrap_or(a)
}

/// 柳河镇中草药材种植面积 → 中草药材种植面积: a named town or village at the head only says where the
/// thing is. Its place word (镇, 村) is a word of its own after two or three characters (not 贫困村, 行政村:
/// one word), and a noun follows.
fn past_named_place(text: &[char], a: usize, b: usize) -> usize {
    // Most names have no place word there: look before segmenting.
    let ends = &LEXICON.name.named_place_ends;
    if !(a + 2..(a + 4).min(b)).any(|i| ends.has(text[i])) {
        return a;
    }
    let tokens = crate::token::tokens(text, a, b.min(a + 10));
    let end = tokens.iter().position(|t| t.end - t.start == 1 && ends.has(text[t.start]));
    let Some(k) = end.filter(|&k| (2..=3).contains(&(tokens[k].start - a))) else { return a };
    let noun_after = tokens.get(k + 1).is_some_and(|t| t.end - t.start >= 2 && subject::is_noun(t.tag));
    let named = tokens[..k].iter().all(|t| is_han(text[t.start]) && t.tag != Tag::Verb);
    if noun_after && named { tokens[k].end } else { a }
}

/// Where a place and a verb of having at `a` end, if they start there.
fn place_having_end(text: &[char], a: usize, b: usize) -> Option<usize> {
    let lex = &LEXICON.name;
    let place_end = |p: usize| lex.place_ends.has(text[p - 1]) || word_before(text, p, &lex.places).is_some();
    let end = (a + 2..b.min(a + 8)).take_while(|&p| is_han(text[p - 1])).find_map(|p| {
        let verb = word_at(text, p, &lex.existence_verbs)?;
        let end = p + verb.chars().count();
        (place_end(p) && end <= b).then_some((p, end))
    });
    // 城市有机更新: 有 must be a word of its own.
    let (p, end) = end?;
    crate::token::tokens(text, a, b).iter().any(|t| t.start == p && t.end == end).then_some(end)
}

/// 街道下辖3个社区, 现有铁矿企业2个: words before a count that only say that a place has them.
pub fn only_place_having(words: &str) -> bool {
    let chars: Vec<char> = words.chars().collect();
    let verb_alone = LEXICON.name.existence_verbs.has(words) && chars.len() >= 2;
    verb_alone || place_having_end(&chars, 0, chars.len()) == Some(chars.len())
}

/// Strips filler verbs and bridging words from the tail of `[a, b)`.
fn strip_tail(text: &[char], a: usize, mut b: usize) -> usize {
    let lex = &LEXICON.name;
    loop {
        let before = b;
        while b > a && (is_name_punct(text[b - 1]) || lex.tail_marks.has(text[b - 1])) {
            b -= 1;
        }
        if word_before(text, b, &lex.meaning_verbs).is_some_and(|v| v.chars().count() >= 2) {
            return b;
        }
        // 建有2处停车场: a verb of having stays whole, not 建 and a filler 有.
        if word_before(text, b, &lex.existence_verbs).is_some_and(|w| w.chars().count() >= 2) {
            return b;
        }
        if let Some(w) = word_before(text, b, &lex.filler_verbs) {
            let n = w.chars().count();
            if b - n >= a && (n > 1 || LEXICON.figure.figure_leads.has(w) || last_char_may_go(text, a, b)) {
                b -= n;
            }
        }
        // 生猪产能恢复到243万头: the figure is the level reached; the verb that reached it goes.
        if let Some(v) = to_verb_start(text, a, b).filter(|&v| v >= a + 2) {
            b = v;
        }
        // 解决了9个, 投资完成了1.29亿元: an aspect particle ends no name.
        b = skip_each_back(text, b, a, &lex.tail_words);
        // 销售额在5000万元以上: a particle before the number is no part of the name.
        if let Some(w) = word_before(text, b, &lex.tail_particles) {
            if b - w.chars().count() >= a + 2 {
                b -= w.chars().count();
            }
        }
        if b == before {
            return b;
        }
    }
}

/// Is the character at `a` a word of its own (再 before 新增, 共 before 建成), not the start of one
/// (再就业, 共享, 超市)?
fn starts_in_word(text: &[char], a: usize, b: usize) -> bool {
    crate::token::tokens(text, a, b.min(a + 8)).first().is_some_and(|t| t.end == a + 1)
}

/// Where the word that holds `text[b]` starts, in the words from `a` (合 for the 并 of 合并), not before `a`.
fn word_start(text: &[char], a: usize, b: usize, limit: usize) -> usize {
    crate::token::word_across(text, a.max(b.saturating_sub(6)), limit.min(b + 4), b).map_or(b, |t| t.start.max(a))
}

/// May the one-character filler that ends `text[a..b]` go (为 as a verb, 已有)? Not when it ends a
/// noun (the 为 of 行为). (Words that lead a figure, 近 and 达, always go.)
fn last_char_may_go(text: &[char], a: usize, b: usize) -> bool {
    let last = crate::token::tokens(text, a.max(b.saturating_sub(8)), b).pop();
    !last.is_some_and(|t| t.end - t.start > 1 && subject::is_noun(t.tag))
}

/// Where a verb ending in 到/至 (拓展到, 调至, 恢复到) that ends `text[a..b]` starts, if one does.
pub fn to_verb_start(text: &[char], a: usize, b: usize) -> Option<usize> {
    if b < a + 2 || !LEXICON.figure.to_marks.has(text[b - 1]) {
        return None;
    }
    let tokens = crate::token::tokens(text, a, b - 1);
    let verb = |t: &&crate::token::Token| matches!(t.tag, crate::token::Tag::Verb | crate::token::Tag::VerbNoun);
    tokens.last().filter(|t| verb(t) && t.end == b - 1).map(|t| t.start)
}

/// Removes multi-character filler verbs inside a name (各行政村实现集体经济总收入 → 各行政村集体经济总收入).
fn drop_inner_fillers(chars: &[char]) -> String {
    let n = chars.len();
    let mut out = String::with_capacity(n * 3);
    let mut i = 0;
    while i < n {
        if let Some(w) = word_at(chars, i, &LEXICON.name.inner_fillers) {
            let len = w.chars().count();
            // 整改完成率: the filler is part of the rate's name.
            if n > len + 1 && !LEXICON.name.rate.at(chars, i + len) {
                i += len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    // 化解各类矛盾纠纷化解: a verb said twice.
    if let Some(v) = leading_verb(&out) {
        if out.len() > 2 * v.len() && out.ends_with(v.as_str()) {
            out.truncate(out.len() - v.len());
        }
    }
    out
}

/// The cleaned words before a figure: `[a, b)` is from the clause head (or the previous figure) to the number.
pub fn before_words(text: &[char], a: usize, b: usize) -> String {
    let lex = &LEXICON.name;
    // 3条高速贯穿全境且有5个出入口: a clause joined by 且 speaks of its own figure.
    let a = (a + 1..b).rev().find_map(|i| word_at(text, i, &lex.clause_conjunctions).map(|w| i + w.chars().count())).unwrap_or(a);
    let a2 = strip_head(text, a, b);
    // 地区生产总值由2010年的…, 排放量比2010年…: the comparison is not part of the name.
    let b = (a2 + 2..b)
        .find(|&i| {
            lex.comparisons.has(text[i])
                && text.get(i + 1).is_some_and(|&c| c.is_ascii_digit() || lex.compared_years.has(c))
        })
        .unwrap_or(b);
    let b2 = strip_tail(text, a2, b);
    if b2 <= a2 {
        return String::new();
    }
    let b2 = strip_tail(text, a2, b2);
    drop_inner_fillers(&text[a2..b2])
}

/// 储备力达阳极管束等亿元项目, 配合制定《…条例》等地方性法规: the examples between the verbs that open a
/// name and the 等 that ends them go; the verbs (新建、改造) and the noun after 等 say what is counted.
pub fn without_examples(name: &str) -> String {
    if !name.chars().any(|c| LEXICON.figure.list_ends.has(c)) {
        return name.to_string();
    }
    let text: Vec<char> = name.chars().collect();
    let words = crate::token::tokens(&text, 0, text.len());
    let verbal = |i: usize| words.get(i).is_some_and(|t| matches!(t.tag, Tag::Verb | Tag::VerbNoun));
    // After the first verb, only verbs that say what was done (新建、改造; not 胜利 of 胜利大街).
    let meaning = |i: usize| i == 0 || word_at(&text, words[i].start, &LEXICON.name.meaning_verbs).is_some();
    let joiner = |i: usize| {
        words.get(i).is_some_and(|t| {
            t.end == t.start + 1 && (LEXICON.name.item_joiners.has(text[t.start]) || LEXICON.name.marks.has(text[t.start]))
        })
    };
    let mut verbs = 0;
    while (verbal(verbs) && meaning(verbs)) || (verbs > 0 && joiner(verbs) && verbal(verbs + 1) && meaning(verbs + 1)) {
        verbs += 1;
    }
    let list_end = words.iter().rposition(|t| t.end == t.start + 1 && LEXICON.figure.list_ends.has(text[t.start]));
    match list_end {
        Some(e) if verbs > 0 && e > verbs && words[e + 1..].iter().any(|t| subject::is_noun(t.tag)) => {
            text[..words[verbs - 1].end].iter().chain(&text[words[e].end..]).collect()
        }
        _ => name.to_string(),
    }
}

/// Where the word of a task done (完成) that starts at `at` ends, if one does.
fn done_at(text: &[char], at: usize) -> Option<usize> {
    word_at(text, at, &LEXICON.name.done).map(|w| at + w.chars().count())
}

/// How far the words after a figure may reach (a word cut there is finished).
const AFTER_REACH: usize = 18;

/// The noun a figure counts, written after it (300家新增企业入库 → 新增企业入库).
pub fn after_words(text: &[char], a: usize, limit: usize) -> String {
    let lex = &LEXICON.name;
    let mut a = a;
    while a < limit && text[a].is_whitespace() {
        a += 1;
    }
    if let Some(w) = word_at(text, a, &lex.tie) {
        a += w.chars().count();
    }
    if word_at(text, a, &lex.opening_stops).is_none() && word_at(text, a, &lex.after_stops).is_some() {
        return String::new();
    }
    let prepositions = preposition_starts(text, a, limit.min(a + AFTER_REACH));
    let mut b = a;
    // Marks inside a name (quotes, ·) do not make its words longer: the reach counts words only.
    let mut reach = a + AFTER_REACH;
    while b < limit && b < reach {
        let c = text[b];
        if lex.noun_marks.has(c) {
            reach += 1;
        }
        // 中国汽车零部件（保定）产业基地: a short bracket inside a noun belongs to it.
        if let Some(close) = inner_bracket_end(text, a, b, limit) {
            b = close;
            continue;
        }
        if !(is_han(c) || c.is_ascii_alphanumeric() || lex.noun_marks.has(c)) {
            break;
        }
        if b > a + 1 && prepositions.contains(&b) {
            b = before_manner(text, a, b);
            break;
        }
        // 2×220吨锅炉投入运行: what became of the thing is no part of its name.
        if b > a + 1 && word_at(text, b, &lex.state_verbs).is_some_and(|w| w.chars().count() >= 4) {
            break;
        }
        if b > a && word_at(text, b, &lex.after_stops).is_some() {
            // 11393幢农民住房完成安全排查: a short action after 完成 belongs to the name.
            if let Some(task) = done_at(text, b) {
                let e = han_run_end(text, task, limit);
                // 6个小区完成业委会选举: a short action stays whole; a long one gives its last verb (…全面排查 → 排查出租房).
                if e - task > 0 && e - task <= 6 {
                    return s(text, a, e);
                }
                if let Some(v) = word_before(text, e, &lex.meaning_verbs) {
                    return format!("{v}{}", s(text, a, b));
                }
            }
            // 行政许可事项合并调整到…: a stop inside a word (合并) stops the name before that word.
            b = word_start(text, a, b, limit);
            break;
        }
        b += 1;
    }
    // A name cut at its length limit ends at a word's end, not inside it (…文化惠民系列演出, not …文化惠民系).
    if b == reach && b < limit && is_han(text[b]) {
        b = crate::token::word_across(text, a, limit.min(b + 6), b).map_or(b, |t| t.end);
    }
    // 坟墓迁移工作: the work is what was done.
    b = skip_each_back(text, b, a + 2, &lex.work_words);
    // 38个示范点建设: the thing built is counted, not the building (but 企业供地建设 is an action).
    if let Some(w) = word_before(text, b, &lex.building) {
        let n = w.chars().count();
        if b >= a + 2 + n && word_before(text, b - n, &lex.built_things).is_some() {
            b -= n;
        }
    }
    if b == a {
        if let Some(task) = done_at(text, a) {
            let e = han_run_end(text, task, limit);
            if e - task <= 8 {
                return s(text, task, e);
            }
        }
    }
    s(text, a, b)
}

/// 县城公园正式|向群众开放: the manner word before a preposition goes with the predicate it opens.
fn before_manner(text: &[char], a: usize, b: usize) -> usize {
    let tokens = crate::token::tokens(text, a, b);
    match tokens.as_slice() {
        [.., noun, manner] if subject::is_noun(noun.tag) && matches!(manner.tag, Tag::Adverb | Tag::Adjective) => manner.start,
        _ => b,
    }
}

/// Past a short bracket at `b` that stands inside a noun (Chinese before and after it), if one does.
fn inner_bracket_end(text: &[char], a: usize, b: usize, limit: usize) -> Option<usize> {
    let lex = &LEXICON.name;
    if b == a || !lex.open_brackets.has(text[b]) {
        return None;
    }
    let close = (b + 1..limit.min(b + 8)).find(|&i| lex.close_brackets.has(text[i]))?;
    // (9) numbers a list item; it is no part of a noun.
    if !text[b + 1..close].iter().any(|&c| is_han(c)) {
        return None;
    }
    text.get(close + 1).filter(|&&c| is_han(c) && close + 1 < limit).map(|_| close + 1)
}

/// Where a preposition opens a phrase of its own after a noun (1117公里保定太行步道以新供给激活新消费):
/// one with an object in Chinese after it, outside quotes, and not 至/到 of a range (县城至许村段).
fn preposition_starts(text: &[char], a: usize, b: usize) -> Vec<usize> {
    let figure = &LEXICON.figure;
    // Segmenting costs: only words that hold a preposition's first character are segmented.
    let Some(first) = (a + 1..b).find(|&i| LEXICON.name.preposition_starts.has(text[i])) else {
        return Vec::new();
    };
    let quote_open = |at: usize| text[a..at].iter().any(|c| figure.open_quotes.has(*c));
    // A few words of context before the first candidate are enough to segment it as in the whole.
    crate::token::tokens(text, first.saturating_sub(4).max(a), b)
        .iter()
        .filter(|t| t.tag == Tag::Preposition && !figure.to_marks.has(text[t.start]))
        .filter(|t| text.get(t.end).is_some_and(|&c| is_han(c) || figure.open_quotes.has(c)))
        .filter(|t| !quote_open(t.start))
        .map(|t| t.start)
        .collect()
}

/// 118台工业燃煤锅炉全部拆除 → 拆除工业燃煤锅炉; 47眼地热井全部安装电磁流量计 → 地热井安装电磁流量计:
/// a counted noun followed by 全部/均 and a meaning verb is counted by what was done to it.
/// A list item (63个住宅小区、…2所敬老院全部完成煤改气) shares the action after the list's last item.
pub fn counted_action(text: &[char], a: usize, limit: usize, clause_end: usize) -> Option<String> {
    let lex = &LEXICON.name;
    let all_at = |i: usize| word_at(text, i, &lex.all_of_them);
    let achieved_end = |i: usize| word_at(text, i, &lex.achieved).map(|w| i + w.chars().count());
    let mut b = a;
    // 33个机关事业单位和181所…: a joiner before the next figure ends the noun.
    let joiner_before_figure =
        |i: usize| lex.item_joiners.has(text[i]) && text.get(i + 1).is_some_and(|c| c.is_ascii_digit());
    while b < limit
        && b < a + 12
        && is_han(text[b])
        && all_at(b).is_none()
        && achieved_end(b).is_none()
        && !(b > a + 1 && done_at(text, b).is_some())
        && !joiner_before_figure(b)
    {
        b += 1;
    }
    // 181所农村中小学校（幼儿园）: a short bracket belongs to the noun.
    if b < limit && lex.open_brackets.has(text[b]) {
        if let Some(close) = (b + 1..limit.min(b + 10)).find(|&i| lex.close_brackets.has(text[i])) {
            b = close + 1;
        }
    }
    let noun = s(text, a, b);
    let (at, limit) = if b < limit && all_at(b).is_some() {
        (b, limit)
    } else if let Some(result) = achieved_end(b).filter(|_| !noun.is_empty()) {
        // 42家印染企业实现工业用汽: a short result achieved names them (实现工业用汽印染企业); a quoted
        // one too (审批事项实现“最多跑一次”).
        let e = quoted_run_end(text, result, limit);
        let ends_clause = e >= clause_end || !text[e].is_ascii_digit();
        return (ends_clause && (4..=14).contains(&(e - b))).then(|| format!("{}{noun}", s(text, b, e)));
    } else if let Some(task) = done_at(text, b).filter(|_| !noun.is_empty()) {
        // 456个小区完成临时用电治理: a short task done names the things counted (临时用电治理小区; 完成 is
        // filler here); adverbs between them go (23条主干道已基本完成…).
        let counted = a > 0 && lex.counters.has(text[a - 1]);
        let noun_end = (a + 2..b)
            .find(|&i| word_at(text, i, &lex.after_stops).is_some() || word_at(text, i, &lex.done_adverbs).is_some());
        let noun = noun_end.map_or(noun, |n| s(text, a, n));
        let e = han_run_end(text, task, limit);
        let ends_clause = e >= clause_end || !text[e].is_ascii_digit();
        return (counted && ends_clause && (3..=6).contains(&(e - task)))
            .then(|| format!("{}{noun}", s(text, task, e)));
    } else if b < limit && lex.list_joiners.has(text[b]) {
        ((b..clause_end).find(|&i| word_at(text, i, &lex.whole_list).is_some())?, clause_end)
    } else {
        return None;
    };
    if noun.is_empty() || word_at(text, a, &lex.after_stops).is_some() {
        return None;
    }
    let v0 = at + all_at(at).map_or(0, |w| w.chars().count());
    let e = han_run_end(text, v0, limit);
    let action = s(text, v0, e);
    // 12个村全部完成污水管网改造 → 完成污水管网改造村: a short task done.
    if done_at(text, v0).is_some_and(|task| e > task) && e - v0 <= 10 {
        return Some(format!("{action}{noun}"));
    }
    let verb = word_at(text, v0, &lex.meaning_verbs).filter(|v| v.chars().count() >= 2)?;
    let rest = &action[verb.len()..];
    let state = word_at(text, v0, &lex.state_verbs).is_some();
    if state && rest.is_empty() {
        // 80户农村危房改造全部开工: the task reached a state (农村危房改造开工).
        Some(format!("{noun}{verb}"))
    } else if rest.is_empty() || lex.done_ends.iter().any(|w| w == rest) {
        Some(format!("{verb}{noun}"))
    } else if e - v0 <= 8 {
        Some(format!("{noun}{action}"))
    } else {
        None
    }
}

/// The meaning verb a name starts with, if any (新引育大学生 → 新引育).
pub fn leading_verb(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let lex = &LEXICON.name;
    let verbs = &lex.meaning_verbs;
    let at = usize::from(lex.new_prefix.at(&chars, 0) && word_at(&chars, 1, verbs).is_some());
    let v = word_at(&chars, at, verbs)?;
    let n = at + v.chars().count();
    // 申报和备案 / 申报认定: verbs joined into one.
    let mut end = n;
    if let Some(joiner) = word_at(&chars, end, &lex.verb_joiners) {
        let j = joiner.chars().count();
        if let Some(v2) = word_at(&chars, end + j, verbs) {
            end += j + v2.chars().count();
        }
    } else if let Some(v2) = word_at(&chars, end, verbs).filter(|v| v.chars().count() >= 2 && n - at >= 2) {
        end += v2.chars().count();
    }
    if end >= chars.len() {
        return None;
    }
    Some(chars[..end].iter().collect())
}

/// The verb a name is made of and nothing else (已整改 → 整改).
pub fn is_only_verb(name: &str) -> bool {
    LEXICON.name.object_taking_verbs.iter().any(|v| v == name) || is_joined_verbs(name)
}

/// An object-taking verb joined with a second verb of meaning (整改提升, 关停取缔): a verb with its object
/// left out, like the first alone.
fn is_joined_verbs(name: &str) -> bool {
    let lex = &LEXICON.name;
    let verb_of = |words: &crate::lexicon::Words| words.iter().find(|v| name.starts_with(v.as_str())).map(|v| v.len());
    let Some(first) = verb_of(&lex.object_taking_verbs) else {
        return false;
    };
    let rest = &name[first..];
    lex.meaning_verbs.has(rest) || lex.object_taking_verbs.has(rest)
}

/// Does the sentence around a bare 万/亿 figure speak of money?
/// Does a name count people (人口, 农民, 职工…; not the one-character 人 of 人均)?
pub fn speaks_of_people(name: &str) -> bool {
    LEXICON.figure.people_nouns.iter().any(|w| w.chars().count() >= 2 && name.contains(w.as_str()))
}

pub fn speaks_of_money(name: &str) -> bool {
    LEXICON.name.money_words.iter().any(|w| name.contains(w.as_str()))
}

/// Does the name hold a meaning verb anywhere (联合综合行政执法局拆除)?
pub fn has_verb(name: &str) -> bool {
    LEXICON.name.meaning_verbs.iter().any(|v| v.chars().count() >= 2 && name.contains(v.as_str()))
}

/// 货车司机办理绿色通行证 → 办理绿色通行证货车司机: the people counted, after the action they took part in.
pub fn people_by_action(after: &str) -> Option<String> {
    let chars: Vec<char> = after.chars().collect();
    let verbs = &LEXICON.name.meaning_verbs;
    let at = (2..chars.len().saturating_sub(1))
        .find(|&i| word_at(&chars, i, verbs).is_some_and(|v| v.chars().count() >= 2))?;
    let noun: String = chars[..at].iter().collect();
    let action: String = chars[at..].iter().collect();
    Some(format!("{action}{noun}"))
}

/// 小区获评省级垃圾分类示范小区 → 获评省级垃圾分类示范小区.
/// 项目列入省市重点 → 列入省市重点项目: the noun is put back when the award does not end with it.
pub fn award_of(after: &str) -> Option<String> {
    let p = LEXICON.name.listing_verbs.iter().filter_map(|w| after.find(w.as_str())).min()?;
    if p == 0 || after.len() <= p + 6 {
        return None;
    }
    let (noun, award) = after.split_at(p);
    let noun_is_word = noun.chars().count() >= 2;
    Some(if noun_is_word && !award.ends_with(noun) { format!("{award}{noun}") } else { award.to_string() })
}

/// The words before the first word that states what became of a thing (污水处理厂二期建成投用 → 污水处理厂二期).
pub fn before_first_verb(words: &str) -> String {
    let chars: Vec<char> = words.chars().collect();
    let states = &LEXICON.name.state_verbs;
    match (2..chars.len()).find(|&i| word_at(&chars, i, states).is_some()) {
        Some(i) => chars[..i].iter().collect(),
        None => words.to_string(),
    }
}

/// A name without the attribute it ends with (蔬菜播种面积 → 蔬菜), unless nothing would be left.
pub fn without_attribute(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match word_before(&chars, chars.len(), &LEXICON.name.attributes) {
        Some(w) if chars.len() > w.chars().count() => chars[..chars.len() - w.chars().count()].iter().collect(),
        _ => name.to_string(),
    }
}

/// 县域特色产业集群营收 before the next figure → 县域特色产业集群: the measure is that figure's.
pub fn without_measure_of_next(name: &str) -> String {
    match LEXICON.name.measures_of_things.ending(name) {
        Some(w) if name.chars().count() >= w.chars().count() + 2 => name[..name.len() - w.len()].to_string(),
        _ => name.to_string(),
    }
}

/// 城乡居民人均可支配收入 said of two figures: the names of the first and the second group.
pub fn split_pair(name: &str) -> Option<(String, String)> {
    LEXICON.name.paired_heads.iter().find_map(|(head, first, second)| {
        name.contains(head.as_str())
            .then(|| (name.replacen(head.as_str(), first, 1), name.replacen(head.as_str(), second, 1)))
    })
}

/// 村集中签约 → 集中签约村: places counted by what was done in them.
pub fn places_by_action(after: &str) -> Option<String> {
    let lex = &LEXICON.name;
    let place = lex.places.iter().find(|p| after.starts_with(p.as_str()))?;
    let rest = &after[place.len()..];
    // 24个村集体经济收入100万元以上达21个: the places are counted, the threshold counts a part of them.
    if lex.thresholds.iter().any(|t| rest.contains(t.as_str())) {
        return Some(place.to_string());
    }
    let chars: Vec<char> = rest.chars().collect();
    let at = word_at(&chars, 0, &lex.place_adverbs).map_or(0, |w| w.chars().count());
    word_at(&chars, at, &lex.meaning_verbs).filter(|v| v.chars().count() >= 2)?;
    Some(format!("{rest}{place}"))
}

/// 推进…, 启动双江湖新区…: words that add nothing before an action that names the figure.
pub fn starts_with_light_verb(lead: &str) -> bool {
    LEXICON.name.light_verbs.iter().any(|v| lead.starts_with(v.as_str()))
}

/// The measure a size of something is given in: 亩 → 面积, 户 → 户数.
pub fn measure_of(unit: &str, describes_noun: bool) -> &'static str {
    if !describes_noun {
        return "";
    }
    LEXICON.name.measures.iter().find(|(u, _)| u == unit).map_or("", |(_, measure)| measure.as_str())
}
