//! The one place where matched words become numbers: rank positions, months, units.
//! Numerals, qualifiers and units are the number layer's (`data/numbers.toml`,
//! `qualifiers.toml`, `units.toml`): the indicator layer reads them the same way.

use crate::lexicon::LEXICON;
use crate::quantity::{lexicon as numbers, NumeralChar};
use crate::{Approx, Quantity};

/// A character of a small number: a digit, or a unit worth at most a hundred (十, 百).
enum SmallNumeral {
    Digit(u32),
    Unit(u32),
}

fn small_numeral(c: char) -> Option<SmallNumeral> {
    match numbers().numeral.get(&c)? {
        NumeralChar::Digit(d) => Some(SmallNumeral::Digit(u32::from(*d))),
        NumeralChar::SmallUnit(v) if *v <= 100.0 => Some(SmallNumeral::Unit(*v as u32)),
        _ => None,
    }
}

/// Reads a small number written in digits or Chinese numerals (第9, 第一, 十二, 二十六).
pub fn small_number(s: &[char]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.iter().all(|c| c.is_ascii_digit()) {
        return s.iter().collect::<String>().parse().ok();
    }
    let mut total = 0u32;
    let mut cur = 0u32;
    for &c in s {
        match small_numeral(c)? {
            SmallNumeral::Digit(d) => cur = d,
            SmallNumeral::Unit(u) => {
                total += cur.max(1) * u;
                cur = 0;
            }
        }
    }
    Some(total + cur)
}

pub fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || small_numeral(c).is_some()
}

/// A numeral that counts items or years, one to ten (五是…, 三年来).
pub fn is_count_numeral(c: char) -> bool {
    matches!(small_numeral(c), Some(SmallNumeral::Digit(1..) | SmallNumeral::Unit(10)))
}

/// The base unit an indicator reports, as the unit table names it (名/位 → 人, ㎡ → 平方米).
/// A quantity's unit is already one, so this only guards the other units.
pub fn base_unit(unit: &str) -> String {
    let chars: Vec<char> = unit.chars().collect();
    match numbers().units.at(&chars, 0) {
        Some((n, u)) if n == chars.len() => u.base.clone(),
        _ => unit.to_string(),
    }
}

/// Does the number's surface text hold a digit (not only Chinese numerals)? Full-width digits count.
pub fn has_digit(q: &Quantity) -> bool {
    q.text.chars().any(|c| c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c))
}

/// Is this unit one of time (dates, durations)?
pub fn is_time_unit(unit: &str) -> bool {
    LEXICON.quantity.time_units.iter().any(|u| u == unit)
}

/// The approximation written just before a number (超, 近, 约 …), read as the number layer reads it.
pub fn approx_before(text: &[char], at: usize) -> Approx {
    numbers().qualifier_before(text, at).unwrap_or(Approx::Exact)
}

/// The approximation written just after a number (以上, 左右, 以内), as the number layer reads it;
/// also a 多/余 that it reads inside a number, written after the unit (增长两倍多).
pub fn approx_after(text: &[char], at: usize) -> Approx {
    let words = numbers();
    let inside_over = || words.approx_inside.at(text, at).filter(|(_, a)| **a == Approx::Over);
    words.approx_after.at(text, at).or_else(inside_over).map_or(Approx::Exact, |(_, a)| *a)
}
