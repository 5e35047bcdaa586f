//! The one place where matched words become numbers: rank positions, months, units.

use crate::lexicon::LEXICON;
use crate::{Approx, Quantity};

/// Reads a small number written in digits or Chinese numerals (第9, 第一, 十二, 二十六).
pub fn small_number(s: &[char]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.iter().all(|c| c.is_ascii_digit()) {
        return s.iter().collect::<String>().parse().ok();
    }
    let digit =
        |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32).or((c == '两').then_some(2));
    let mut total = 0u32;
    let mut cur = 0u32;
    for &c in s {
        if let Some(d) = digit(c) {
            cur = d;
        } else if c == '十' {
            total += if cur == 0 { 10 } else { cur * 10 };
            cur = 0;
        } else if c == '百' {
            total += if cur == 0 { 100 } else { cur * 100 };
            cur = 0;
        } else {
            return None;
        }
    }
    Some(total + cur)
}

pub fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(c, '零' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '两')
}

/// The base unit an indicator reports: person counts in 名/位 are 人.
pub fn base_unit(unit: &str) -> String {
    match unit {
        "名" | "位" => "人".to_string(),
        "㎡" | "平米" | "m²" | "m2" => "平方米".to_string(),
        "km" | "千米" => "公里".to_string(),
        "％" => "%".to_string(),
        u => u.to_string(),
    }
}

/// Does the number's surface text hold a digit (not only Chinese numerals)?
pub fn has_digit(q: &Quantity) -> bool {
    q.text.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// Is this unit one of time (dates, durations)?
pub fn is_time_unit(unit: &str) -> bool {
    LEXICON.quantity.time_units.iter().any(|u| u == unit)
}

/// The approximation written just before a number (超, 近, 约 …) that the number itself did not take.
pub fn approx_before(text: &[char], at: usize) -> Approx {
    let before = |w: &str| crate::lexicon::ends_at(text, at, w);
    if ["超过", "超", "突破", "逾", "多于"].iter().any(|w| before(w)) {
        Approx::Over
    } else if ["接近", "近", "将近"].iter().any(|w| before(w)) {
        Approx::Nearly
    } else if ["约", "大约", "约为"].iter().any(|w| before(w)) {
        Approx::About
    } else if ["不足", "不到"].iter().any(|w| before(w)) {
        Approx::Under
    } else {
        Approx::Exact
    }
}

/// The approximation written just after a number (以上, 左右, 以内).
pub fn approx_after(text: &[char], at: usize) -> Approx {
    let after = |w: &str| crate::lexicon::starts_at(text, at, w);
    if after("以上") || after("多") {
        Approx::Over
    } else if after("左右") {
        Approx::About
    } else if after("以内") || after("以下") {
        Approx::Under
    } else {
        Approx::Exact
    }
}
