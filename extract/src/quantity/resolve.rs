//! Turning numeral tokens into values: 一千零五十 → 1050, 3万4000 → 34000,
//! 4.78万亿 → 4.78e12, 两三 → 2..3. Matchers in `find` only produce tokens.

use super::find::{Found, Number};
use super::lexicon::lexicon;
use crate::{Quantity, Span};

/// One piece of a numeral as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    /// A Chinese digit (零 is 0).
    Digit(u8),
    /// Arabic digits, already read (1,100.9 → 1100.9); `single` for one digit.
    Arabic { value: f64, single: bool },
    /// 十 百 千
    SmallUnit(f64),
    /// 廿 卅 卌
    Tens(f64),
    /// 万 亿 兆
    Magnitude(f64),
    /// The part after 点: 点五 → 0.5.
    Decimals(f64),
    /// 半: a half, or half of the digit before it (一半).
    Half,
}

/// Which end of a range numeral (两三 → 2 or 3) to read.
#[derive(Clone, Copy, PartialEq)]
pub enum End {
    Low,
    High,
}

/// The value of `toks` and how many of them form a well-made numeral
/// (五十千 reads 五十 and stops before 千). `None` when no prefix is a number.
pub fn numeral(toks: &[Tok], end: End) -> Option<(f64, usize)> {
    if let Some(v) = digit_string(toks, end) {
        return v;
    }
    let mut total = 0.0;
    let mut last_magnitude = 0.0f64;
    let mut section = 0.0;
    // A digit waiting for its unit, and what it is worth if no unit comes (一万三 → 3000).
    let mut pending: Option<f64> = None;
    let mut abbreviated: Option<f64> = None;
    let mut last_small = f64::INFINITY;
    let mut prev_unit: Option<f64> = None;
    let mut after_zero = false;
    let mut after_decimals = false;
    let mut has_digit = false;
    let mut k = 0;
    while k < toks.len() {
        let tok = toks[k];
        if after_decimals && !matches!(tok, Tok::Magnitude(_)) {
            break;
        }
        match tok {
            Tok::Digit(0) => {
                if pending.is_some() {
                    break;
                }
                after_zero = true;
                has_digit = true;
            }
            Tok::Digit(d) => {
                if pending.is_some() {
                    break;
                }
                let mut d = d as f64;
                // 两三, 十五六, 三四十万: a range written as two digits.
                if let Some(Tok::Digit(next)) = toks.get(k + 1) {
                    if *next as f64 == d + 1.0 {
                        if end == End::High {
                            d = *next as f64;
                        }
                        k += 1;
                    }
                }
                pending = Some(d);
                abbreviated = match (after_zero, prev_unit) {
                    (false, Some(u)) if u >= 10.0 => Some(d * u / 10.0),
                    _ => None,
                };
                has_digit = true;
            }
            Tok::Arabic { value, single } => {
                if pending.is_some() {
                    break;
                }
                pending = Some(value);
                abbreviated = match (single && !after_zero, prev_unit) {
                    (true, Some(u)) if u >= 10.0 && value.fract() == 0.0 => Some(value * u / 10.0),
                    _ => None,
                };
                has_digit = true;
            }
            Tok::SmallUnit(u) => {
                // 零 starts no hundreds (零百分之 is 零 and 百分之; 零十 is ten).
                if u >= last_small || (u > 10.0 && after_zero && section == 0.0 && total == 0.0) {
                    break;
                }
                if pending.is_none()
                    && !has_digit
                    && u > 10.0
                    && !matches!(toks.get(k + 1), Some(Tok::Digit(1..)))
                {
                    // 百 or 千 alone is not a number (百三 is).
                    break;
                }
                section += pending.take().unwrap_or(1.0) * u;
                abbreviated = None;
                last_small = u;
                prev_unit = Some(u);
                after_zero = false;
                has_digit = true;
            }
            Tok::Tens(v) => {
                if pending.is_some() || 10.0 >= last_small {
                    break;
                }
                section += v;
                last_small = 10.0;
                prev_unit = Some(10.0);
                after_zero = false;
                has_digit = true;
            }
            Tok::Magnitude(m) => {
                // 百二万 is 120万 (the 二 is abbreviated), but in 5亿1万 the 1 is 1.
                let after_small = prev_unit.is_some_and(|u| u < 1e4);
                let digit = if after_small {
                    abbreviated.take().or(pending.take())
                } else {
                    pending.take()
                };
                abbreviated = None;
                pending = None;
                let current = section + digit.unwrap_or(0.0);
                if current == 0.0 && total == 0.0 {
                    // 萬九 → 19000; 万 alone is not a number.
                    if has_digit || !matches!(toks.get(k + 1), Some(Tok::Digit(1..))) {
                        break;
                    }
                    total = m;
                    last_magnitude = m;
                } else if current == 0.0 {
                    // Stacked magnitudes: 万亿, 四万万.
                    total *= m;
                    last_magnitude *= m;
                } else if m > last_magnitude && total > 0.0 {
                    total = (total + current) * m;
                    last_magnitude = m;
                } else {
                    total += current * m;
                    last_magnitude = last_magnitude.max(m);
                }
                section = 0.0;
                last_small = f64::INFINITY;
                prev_unit = Some(m);
                after_zero = false;
                has_digit = true;
            }
            Tok::Half => {
                pending = Some(match (pending, k.checked_sub(1).map(|p| toks[p])) {
                    (Some(d), Some(Tok::Digit(_) | Tok::Arabic { .. })) => d * 0.5,
                    (None, _) => 0.5,
                    _ => break,
                });
                abbreviated = None;
                has_digit = true;
            }
            Tok::Decimals(f) => {
                let whole = section + abbreviated.take().or(pending.take()).unwrap_or(0.0);
                pending = Some(whole + f);
                section = 0.0;
                prev_unit = None;
                after_decimals = true;
                has_digit = true;
            }
        }
        k += 1;
    }
    if !has_digit || k == 0 {
        return None;
    }
    let value = total + section + abbreviated.or(pending).unwrap_or(0.0);
    Some((value, k))
}

/// 一二三 → 123, 一七二零点一 → 1720.1; 两三 → 2..3; 五五 → 55 (find keeps
/// a doubled digit only with a unit: 五五折, not 一一 or 五五开).
/// `None` when `toks` are not a run of bare Chinese digits.
fn digit_string(toks: &[Tok], end: End) -> Option<Option<(f64, usize)>> {
    let digits: Vec<u8> = toks
        .iter()
        .map_while(|t| {
            if let Tok::Digit(d) = t {
                Some(*d)
            } else {
                None
            }
        })
        .collect();
    let rest = &toks[digits.len()..];
    if digits.len() < 2 || !(rest.is_empty() || matches!(rest, [Tok::Decimals(_)])) {
        return None;
    }
    if digits.len() == 2 && rest.is_empty() {
        let (a, b) = (digits[0], digits[1]);
        let value = if b == a + 1 && a != 0 {
            (if end == End::High { b } else { a }) as f64
        } else {
            (a as f64) * 10.0 + b as f64
        };
        return Some(Some((value, 2)));
    }
    let whole = digits.iter().fold(0.0, |acc, &d| acc * 10.0 + d as f64);
    let fraction = match rest {
        [Tok::Decimals(f)] => *f,
        _ => 0.0,
    };
    Some(Some((whole + fraction, toks.len())))
}

/// A found number as a [`Quantity`] in base units.
pub fn quantity(text: &[char], f: &Found) -> Option<Quantity> {
    let (low, percent) = number_value(&f.number, End::Low)?;
    let (high_end, _) = number_value(&f.number, End::High)?;
    let high = match &f.high {
        Some(n) => Some(number_value(n, End::High)?.0),
        None => (high_end != low).then_some(high_end),
    };
    let (unit, factor) = match f.unit {
        // 八折 is 80%, but 八五折 and 75折 are already in percent.
        Some(u) if low >= 10.0 && lexicon().discounts.starts(text, f.unit_at) => {
            (u.base.clone(), 1.0)
        }
        Some(u) => (u.base.clone(), u.factor),
        None if percent => ("%".to_string(), 1.0),
        None => (String::new(), 1.0),
    };
    let sign = if f.negative { -1.0 } else { 1.0 };
    let mut coins = 0.0;
    for (run, coin) in &f.parts {
        coins += numeral(&run.toks, End::Low)?.0 * coin;
    }
    let low = low + coins / factor;
    let value = tidy(sign * low * factor);
    let max = high.map(|h| tidy(sign * h * factor));
    if !value.is_finite() || max.is_some_and(|m| !m.is_finite()) {
        return None;
    }
    Some(Quantity {
        span: Span {
            start: f.start,
            end: f.end,
        },
        text: text[f.start..f.end].iter().collect(),
        value,
        max,
        unit,
        approx: f.approx,
    })
}

/// Drops float noise from scaling (1100.9 × 1e8 is 110090000000, not …00002).
fn tidy(v: f64) -> f64 {
    // A whole number of at most 15 digits has no noise: it is exact in an f64 and its 15 significant
    // digits are itself, so formatting would give it back. Most counts are such, and formatting costs.
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return v;
    }
    format!("{v:.14e}").parse().unwrap_or(v)
}

/// The value of a number, and whether it is a percentage (百分之五, 千分之三).
fn number_value(n: &Number, end: End) -> Option<(f64, bool)> {
    match n {
        Number::Plain { run, scale } => Some((numeral(&run.toks, end)?.0 * scale, false)),
        Number::UnitWord => Some((1.0, false)),
        Number::Fraction {
            whole,
            den,
            num,
            num_negative,
        } => {
            // 百分之百: a lone 百 counts as 100 after 分之.
            let num = numeral(&num.toks, end)
                .map(|(v, _)| v)
                .or_else(|| units_only_value(&num.toks))?
                * if *num_negative { -1.0 } else { 1.0 };
            let whole = match whole {
                Some(w) => numeral(&w.toks, end)?.0,
                None => 0.0,
            };
            match numeral(&den.toks, End::Low) {
                Some((d, _)) if d != 0.0 && has_digits(&den.toks) => Some((whole + num / d, false)),
                _ if !has_digits(&den.toks) => {
                    // 百分之五 → 5%, 千分之五 → 0.5%, 百万分之五 → 0.0005%.
                    Some((num * 100.0 / units_only_value(&den.toks)?, true))
                }
                _ => None,
            }
        }
    }
}

/// Does the numeral have digits of its own? (十 counts: 十分之一 is a tenth, 百分之一 a percent.)
pub fn has_digits(toks: &[Tok]) -> bool {
    toks.iter().any(|t| {
        matches!(
            t,
            Tok::Digit(_) | Tok::Arabic { .. } | Tok::Decimals(_) | Tok::Tens(_)
        )
    }) || matches!(toks, [Tok::SmallUnit(u)] if *u == 10.0)
}

/// 百 → 100, 百万 → 1e6: a numeral of units only, as a denominator.
fn units_only_value(toks: &[Tok]) -> Option<f64> {
    if toks.is_empty() || has_digits(toks) {
        return None;
    }
    Some(
        toks.iter()
            .map(|t| {
                if let Tok::SmallUnit(u) | Tok::Magnitude(u) = t {
                    *u
                } else {
                    1.0
                }
            })
            .product(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Tok::*;

    fn v(toks: &[Tok]) -> Option<f64> {
        numeral(toks, End::Low).map(|(v, _)| v)
    }

    #[test]
    fn sections_and_magnitudes() {
        // 四千五百六十九万八千三百一十一亿
        let t = [
            Digit(4),
            SmallUnit(1e3),
            Digit(5),
            SmallUnit(100.0),
            Digit(6),
            SmallUnit(10.0),
            Digit(9),
            Magnitude(1e4),
            Digit(8),
            SmallUnit(1e3),
            Digit(3),
            SmallUnit(100.0),
            Digit(1),
            SmallUnit(10.0),
            Digit(1),
            Magnitude(1e8),
        ];
        assert_eq!(v(&t), Some(4.5698311e15));
        assert_eq!(v(&[Digit(1), Magnitude(1e4), Digit(3)]), Some(13000.0));
        assert_eq!(
            v(&[
                Arabic {
                    value: 4.78,
                    single: false
                },
                Magnitude(1e4),
                Magnitude(1e8)
            ]),
            Some(4.78e12)
        );
        assert_eq!(v(&[Digit(5), SmallUnit(10.0), SmallUnit(1e3)]), Some(50.0));
        assert_eq!(v(&[Magnitude(1e4)]), None);
        assert_eq!(v(&[SmallUnit(100.0), Digit(3)]), Some(130.0));
    }

    #[test]
    fn tidy_keeps_whole_numbers_as_formatting_would() {
        let slow = |v: f64| format!("{v:.14e}").parse::<f64>().unwrap_or(v);
        let mut wholes = vec![0.0, -0.0, 1.0, -7.0, 999_999_999_999_999.0, -999_999_999_999_999.0, 110_090_000_000.0];
        wholes.extend((0..200).map(|i| (i as f64 * 7_919.0).powi(3) % 1e15));
        for v in wholes {
            assert_eq!(tidy(v).to_bits(), slow(v).to_bits(), "{v}");
        }
        assert_eq!(tidy(1100.9 * 1e8), 110_090_000_000.0);
    }

    #[test]
    fn ranges_and_digit_strings() {
        assert_eq!(numeral(&[Digit(2), Digit(3)], End::High), Some((3.0, 2)));
        assert_eq!(v(&[Digit(1), Digit(7), Digit(2), Digit(0)]), Some(1720.0));
        assert_eq!(v(&[Digit(5), Digit(5)]), Some(55.0));
        assert_eq!(v(&[Digit(0), SmallUnit(100.0)]), Some(0.0));
        assert_eq!(
            numeral(
                &[Digit(3), Digit(4), SmallUnit(10.0), Magnitude(1e4)],
                End::High
            ),
            Some((400000.0, 4))
        );
    }
}
