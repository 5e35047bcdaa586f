//! What a stated figure allows: the interval of true values that round to it.
//!
//! The rule (rounding-aware tolerance): a figure written with `d` decimals in its written magnitude
//! (48.78亿元: d = 2 of 亿, so one step is 0.01亿 = 1e6 元; 864人: one step is 1 人; 3万: 1e4) stands
//! for every value within half a step of it. An approximate figure widens that: 超/余/以上 (over)
//! has no upper end, 不足/以内 (under) no lower end, 近 (nearly) allows up to 10% below, 约/左右
//! (about) 10% either way. A percentage the model holds as a number (a 完成率, a change) is read
//! with the decimals it has (59.97 → step 0.01; a written 6.20 reads as 6.2, step 0.1, which only
//! widens the tolerance). A check passes when what the other figures give, as an interval, meets
//! the interval of the stated figure.

use crate::text::CleanText;
use crate::Approx;

/// How far 近 and 约/左右 may stand from the truth, as a share of the figure.
const APPROX_SHARE: f64 = 0.1;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub lo: f64,
    pub hi: f64,
}

impl Bounds {
    pub fn meets(self, other: Bounds) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }

    pub fn plus(self, other: Bounds) -> Bounds {
        Bounds { lo: self.lo + other.lo, hi: self.hi + other.hi }
    }

    pub fn minus(self, other: Bounds) -> Bounds {
        Bounds { lo: self.lo - other.hi, hi: self.hi - other.lo }
    }

    pub fn negated(self) -> Bounds {
        Bounds { lo: -self.hi, hi: -self.lo }
    }

    /// `f` over both intervals, for an `f` monotonic in each argument on them: its values at the
    /// corners bound it. A corner that is not a number (∞/∞) leaves the result unbounded.
    pub fn map2(self, other: Bounds, f: impl Fn(f64, f64) -> f64) -> Bounds {
        let corners = [f(self.lo, other.lo), f(self.lo, other.hi), f(self.hi, other.lo), f(self.hi, other.hi)];
        if corners.iter().any(|c| c.is_nan()) {
            return Bounds { lo: f64::NEG_INFINITY, hi: f64::INFINITY };
        }
        let lo = corners.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = corners.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Bounds { lo, hi }
    }
}

/// A figure of the report: its value in base units, as written in `value_text`.
pub fn of_figure(value: f64, value_text: &str, approx: Approx) -> Bounds {
    around(value, figure_step(value, value_text), approx)
}

/// A percentage the model holds as a number.
pub fn of_pct(pct: f64, approx: Approx) -> Bounds {
    around(pct, 10f64.powi(-(decimals(pct) as i32)), approx)
}

fn around(x: f64, step: f64, approx: Approx) -> Bounds {
    let (half, wide) = (step / 2.0, x.abs() * APPROX_SHARE);
    let (lo, hi) = match approx {
        Approx::Exact => (x - half, x + half),
        Approx::Over => (x - half, f64::INFINITY),
        Approx::Under => (f64::NEG_INFINITY, x + half),
        Approx::Nearly => (x - wide - half, x + half),
        Approx::About => (x - wide - half, x + wide + half),
    };
    Bounds { lo, hi }
}

/// One step of the last written digit, in base units: 0 when the number is not written in digits.
fn figure_step(value: f64, value_text: &str) -> f64 {
    let clean = CleanText::new(value_text).text;
    let digits: String = clean
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let Ok(written) = digits.trim_end_matches('.').parse::<f64>() else { return 0.0 };
    if written == 0.0 {
        return 0.0;
    }
    let d = digits.split_once('.').map_or(0, |(_, frac)| frac.len());
    (value / written).abs() * 10f64.powi(-(d as i32))
}

/// The decimals a number has, at most 6 (0.7799999999999999 has 2).
fn decimals(x: f64) -> u32 {
    (0..6).find(|&d| ((x * 10f64.powi(d as i32)).round() / 10f64.powi(d as i32) - x).abs() < 1e-9).unwrap_or(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_stands_for_half_a_step_of_its_last_digit() {
        let b = of_figure(4_878_000_000.0, "48.78亿元", Approx::Exact);
        assert!((b.lo - 4_877_500_000.0).abs() < 1.0 && (b.hi - 4_878_500_000.0).abs() < 1.0);
        let b = of_figure(864.0, "864人", Approx::Exact);
        assert_eq!((b.lo, b.hi), (863.5, 864.5));
        assert_eq!(of_figure(1.1e8, "1.1亿元", Approx::Over).hi, f64::INFINITY);
    }

    #[test]
    fn a_percentage_reads_its_decimals() {
        let b = of_pct(59.97, Approx::Exact);
        assert!((b.lo - 59.965).abs() < 1e-9 && (b.hi - 59.975).abs() < 1e-9);
        assert_eq!(decimals(0.7799999999999999), 2);
        assert_eq!(of_pct(100.0, Approx::Over).lo, 99.5);
    }
}
