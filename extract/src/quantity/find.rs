//! Where the numbers are: reads numeral runs, their magnitude, unit and
//! qualifier words, and drops what only looks like a number (dates, ordinals,
//! list markers, names and slogans). Values are computed in `resolve`.

use super::lexicon::{lexicon, Lexicon, NumeralChar, Unit};
use super::resolve::{has_digits, numeral, End, Tok};
use crate::Approx;

/// A numeral as written: its tokens and where each ends in the text.
#[derive(Debug, Clone)]
pub struct Run {
    pub start: usize,
    pub toks: Vec<Tok>,
    pub ends: Vec<usize>,
}

impl Run {
    pub fn end(&self) -> usize {
        self.ends.last().copied().unwrap_or(self.start)
    }

    fn truncate(&mut self, n: usize) {
        self.toks.truncate(n);
        self.ends.truncate(n);
    }

    fn is_single_arabic(&self) -> bool {
        matches!(self.toks.as_slice(), [Tok::Arabic { .. }])
    }

    fn has_magnitude(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Magnitude(_)))
    }
}

/// The number part of a quantity.
#[derive(Debug, Clone)]
pub enum Number {
    /// A numeral, times the magnitudes written after an 余/多 (300余万) or a letter (15k).
    Plain { run: Run, scale: f64 },
    /// `num / den`, plus `whole` (三又三分之一). A `den` without digits (百分之, 千分之) makes a percentage.
    Fraction {
        whole: Option<Run>,
        den: Run,
        num: Run,
        num_negative: bool,
    },
    /// No numeral written: the unit word carries the value (对折 is 50%).
    UnitWord,
}

/// A quantity found in the text, in pieces.
#[derive(Debug, Clone)]
pub struct Found {
    /// The surface: sign, number, magnitude and unit (not 约/以上).
    pub start: usize,
    pub end: usize,
    pub negative: bool,
    pub number: Number,
    /// The upper end of a range (3-5万, 3至5).
    pub high: Option<Number>,
    pub unit: Option<&'static Unit>,
    /// Where the unit is written (its first character).
    pub unit_at: usize,
    /// Smaller coins after the amount (50元 6角 3分): numeral and value of one, in base units.
    pub parts: Vec<(Run, f64)>,
    pub approx: Approx,
}

impl Found {
    /// A number read from `start` to `end`, before any sign, range, unit or qualifier is attached.
    fn bare(start: usize, end: usize, number: Number) -> Found {
        Found {
            start,
            end,
            negative: false,
            number,
            high: None,
            unit: None,
            unit_at: 0,
            parts: Vec::new(),
            approx: Approx::Exact,
        }
    }
}

const MAX_SPACES: usize = 4;
/// Longest numeral read as one (四千五百六十九万八千三百一十一亿… has 31 pieces);
/// the bound keeps scanning linear on runs like 十十十….
const MAX_RUN: usize = 64;
/// Longest list looked through for a shared time word (1、2、3月).
const MAX_LIST: usize = 12;
const QUOTE_REACH: usize = 12;

fn is_open_bracket(c: char) -> bool {
    matches!(c, '(' | '（' | '〔' | '【' | '[' | '［')
}

fn is_close_bracket(c: char) -> bool {
    matches!(c, ')' | '）' | '〕' | '】' | ']' | '］')
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '「' | '『' | '‘' | '《')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '”' | '"' | '」' | '』' | '’' | '》')
}

/// Where a list marker may start: line starts and sentence ends.
fn is_marker_boundary(c: char) -> bool {
    matches!(
        c,
        '\n' | '。' | '；' | ';' | '：' | ':' | '！' | '？' | '!' | '?' | '）' | ')' | '\t'
    )
}

fn is_clause_break(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '\n')
}

/// Every quantity in `text`, in order, each handed to `each` as it is read: a caller that
/// keeps less than the hit (the resolved quantity) holds no list of every hit (a text of a
/// million numerals made one of over 400 MB).
pub fn find_each(text: &[char], mut each: impl FnMut(Found)) {
    let lex = lexicon();
    let mut i = 0;
    while i < text.len() {
        if !can_start(lex, text, i) {
            i += 1;
            continue;
        }
        let (hit, next) = read(lex, text, i);
        if let Some(f) = hit {
            each(f);
        }
        i = next.max(i + 1);
    }
}

fn can_start(lex: &'static Lexicon, text: &[char], i: usize) -> bool {
    let c = text[i];
    c.is_ascii_digit()
        || lex.is_numeral(c)
        || lex.unit_word_at(text, i)
        || (c == '.'
            && text.get(i + 1).is_some_and(|c| c.is_ascii_digit())
            && !prev_is(text, i, |p| p.is_ascii_alphanumeric()))
}

/// Reads the quantity starting at `i`: the hit, if it is one, and where to go on.
fn read(lex: &'static Lexicon, text: &[char], i: usize) -> (Option<Found>, usize) {
    if let Some(f) = read_unit_word(lex, text, i) {
        let end = f.end;
        return (Some(f), end);
    }
    if let Some(end) = date_at(text, i) {
        return (None, end);
    }
    let Some(run) = read_run(lex, text, i) else {
        return (None, i + 1);
    };
    let run_end = run.end();
    let Some((number, end)) = read_number(lex, text, run) else {
        return (None, run_end);
    };
    let mut f = Found::bare(i, end, number);

    // 300余万, 十多万, 四百多: a qualifier inside the number, perhaps with magnitudes after it.
    read_inside_approx(lex, text, &mut f);
    read_counted_magnitude(lex, text, &mut f);
    // 15k, 30w: letter magnitudes (units like km are read first).
    if lex.units.at(text, f.end).is_none() {
        read_letter_magnitude(lex, text, &mut f);
    }
    if is_time(lex, text, f.end) || shares_time_word(lex, text, f.end) {
        return (None, f.end);
    }
    read_unit(lex, text, &mut f);
    read_tenths_part(lex, text, &mut f);
    read_counter_half(lex, text, &mut f);
    read_money_parts(lex, text, &mut f);
    if let Some(stop) = read_range(lex, text, &mut f) {
        return (None, stop);
    }
    read_prefixes(lex, text, &mut f);
    if let Some((_, approx)) = lex.approx_after.at(text, f.end) {
        if f.approx == Approx::Exact {
            f.approx = *approx;
        }
    }
    if not_a_measure(lex, text, &f) {
        return (None, f.end);
    }
    let end = f.end;
    (Some(f), end)
}

/// 打对折, 半折: a word that is a quantity with no numeral (not 对折旧).
fn read_unit_word(lex: &'static Lexicon, text: &[char], i: usize) -> Option<Found> {
    let (n, unit) = lex.unit_words.at(text, i)?;
    if unit_blocked(lex, text, i + n - 1) {
        return None;
    }
    let mut f = Found::bare(i, i + n, Number::UnitWord);
    f.unit = Some(unit);
    f.unit_at = i;
    Some(f)
}

/// Is the one-character unit at `at` the start of a word (成立, 起步, 折旧)?
fn unit_blocked(lex: &'static Lexicon, text: &[char], at: usize) -> bool {
    lex.unit_blocked_by
        .get(&text[at])
        .is_some_and(|b| text.get(at + 1).is_some_and(|c| b.contains(c)))
}

/// The number at the start of `run`: a fraction (三分之一, 百分之五), a
/// mixed number (三又三分之一), a slash fraction (3/4) or a plain numeral.
fn read_number(lex: &'static Lexicon, text: &[char], mut run: Run) -> Option<(Number, usize)> {
    if let Some(hit) = read_fraction(lex, text, &run) {
        return Some(hit);
    }
    // 三 又 三分之一
    let j = skip_spaces(text, run.end(), MAX_SPACES);
    if text.get(j) == Some(&'又') {
        let k = skip_spaces(text, j + 1, MAX_SPACES);
        if let Some(den) = read_run(lex, text, k) {
            if let Some((
                Number::Fraction {
                    den,
                    num,
                    num_negative,
                    whole: None,
                },
                end,
            )) = read_fraction(lex, text, &den)
            {
                if numeral(&run.toks, End::Low).is_some_and(|(_, n)| n == run.toks.len()) {
                    return Some((
                        Number::Fraction {
                            whole: Some(run),
                            den,
                            num,
                            num_negative,
                        },
                        end,
                    ));
                }
            }
        }
    }
    let (_, used) = numeral(&run.toks, End::Low)?;
    run.truncate(used);
    if let Some((den, end)) = slash_denominator(lex, text, &run) {
        return Some((
            Number::Fraction {
                whole: None,
                den,
                num: run,
                num_negative: false,
            },
            end,
        ));
    }
    // 1 3/5: a whole number, one space, a slash fraction.
    if run.is_single_arabic() && text.get(run.end()) == Some(&' ') {
        if let Some(mut num) = text
            .get(run.end() + 1)
            .filter(|c| c.is_ascii_digit())
            .and_then(|_| read_run(lex, text, run.end() + 1))
        {
            if num.is_single_arabic() {
                num.truncate(1);
                if let Some((den, end)) = slash_denominator(lex, text, &num) {
                    return Some((
                        Number::Fraction {
                            whole: Some(run),
                            den,
                            num,
                            num_negative: false,
                        },
                        end,
                    ));
                }
            }
        }
    }
    let end = run.end();
    Some((Number::Plain { run, scale: 1.0 }, end))
}

/// 3/4, 六十/一百二十: the denominator after a slash, short on both sides
/// (202502/17 is a path, 2023/12/13 a date).
fn slash_denominator(lex: &'static Lexicon, text: &[char], num: &Run) -> Option<(Run, usize)> {
    if text.get(num.end()) != Some(&'/') || num.end() - num.start > 4 {
        return None;
    }
    let den = read_run(lex, text, num.end() + 1)?;
    let short =
        den.end() - den.start <= 4 && !text.get(den.end()).is_some_and(|c| matches!(c, '/' | '-'));
    let whole = numeral(&den.toks, End::Low).is_some_and(|(v, n)| n == den.toks.len() && v != 0.0);
    let end = den.end();
    (short && whole).then_some((den, end))
}

/// `run` 分之 numeral (五分之一, 百分之五, 千分之2.4), or 百分 numeral (百分百).
fn read_fraction(lex: &'static Lexicon, text: &[char], run: &Run) -> Option<(Number, usize)> {
    let mut j = skip_spaces(text, run.end(), MAX_SPACES);
    if text.get(j) != Some(&'分') {
        return None;
    }
    j = skip_spaces(text, j + 1, MAX_SPACES);
    let units_only = !has_digits(&run.toks);
    // 五零百分之: a denominator is one whole numeral (here 百 alone is).
    if !units_only && numeral(&run.toks, End::Low).is_none_or(|(_, n)| n < run.toks.len()) {
        return None;
    }
    if text.get(j) == Some(&'之') {
        j = skip_spaces(text, j + 1, MAX_SPACES);
    } else if !units_only {
        return None;
    }
    let (num_negative, j) = match lex.negative.at(text, j) {
        Some((n, _)) => (true, j + n),
        None => (false, j),
    };
    let mut num = read_numerator(lex, text, j)?;
    leave_next_denominator(text, &mut num);
    match numeral(&num.toks, End::Low) {
        Some((_, used)) => num.truncate(used),
        // 百分之百
        None if matches!(num.toks.first(), Some(Tok::SmallUnit(u)) if *u == 100.0) => {
            num.truncate(1)
        }
        None => return None,
    }
    add_letter_magnitude(lex, text, &mut num);
    let end = num.end();
    Some((
        Number::Fraction {
            whole: None,
            den: run.clone(),
            num,
            num_negative,
        },
        end,
    ))
}

/// The numerator after 分之: a numeral run, or decimals alone (百分之点二八).
fn read_numerator(lex: &'static Lexicon, text: &[char], j: usize) -> Option<Run> {
    if text.get(j).is_some_and(|c| lex.points.contains(c)) {
        let (value, end) = read_decimals(lex, text, skip_spaces(text, j + 1, MAX_SPACES))?;
        return Some(Run {
            start: j,
            toks: vec![Tok::Decimals(value)],
            ends: vec![end],
        });
    }
    read_run(lex, text, j)
}

/// 百分之四百三十二万分之四三: a numerator is never a denominator, so the
/// 万 (or 百, 千) right before another 分之 starts the next fraction.
fn leave_next_denominator(text: &[char], num: &mut Run) {
    let j = skip_spaces(text, num.end(), MAX_SPACES);
    let k = skip_spaces(text, j + 1, MAX_SPACES);
    if text.get(j) != Some(&'分') || text.get(k) != Some(&'之') {
        return;
    }
    let units = num
        .toks
        .iter()
        .rev()
        .take_while(|t| matches!(t, Tok::SmallUnit(_) | Tok::Magnitude(_)))
        .count();
    let keep = num.toks.len() - units;
    if units > 0 && keep > 0 && numeral(&num.toks[..keep], End::Low).is_some_and(|(_, n)| n == keep)
    {
        num.truncate(keep);
    }
}

/// 百分之15k: a letter magnitude after the numerator's digits scales it.
fn add_letter_magnitude(lex: &'static Lexicon, text: &[char], num: &mut Run) {
    let end = num.end();
    if !matches!(num.toks.last(), Some(Tok::Arabic { .. })) || lex.units.at(text, end).is_some() {
        return;
    }
    let Some(&m) = text.get(end).and_then(|c| lex.letter_magnitudes.get(c)) else {
        return;
    };
    if !text.get(end + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
        num.toks.push(Tok::Magnitude(m));
        num.ends.push(end + 1);
    }
}

fn read_inside_approx(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let j = skip_spaces(text, f.end, MAX_SPACES);
    let Some((n, approx)) = lex.approx_inside.at(text, j) else {
        return;
    };
    let mut k = j + n;
    let mut scale = 1.0;
    loop {
        let at = skip_spaces(text, k, MAX_SPACES);
        match text.get(at).and_then(|c| lex.numeral.get(c)) {
            Some(NumeralChar::Magnitude(m)) => {
                scale *= m;
                k = at + 1;
            }
            _ => break,
        }
    }
    // 余/多 must end the number: a unit, a magnitude or a break follows (not 多措并举).
    let next = text.get(skip_spaces(text, k, 1)).copied();
    // 14亿多, 300万余: after a magnitude the qualifier always closes the number.
    let after_magnitude = matches!(&f.number, Number::Plain { run, .. } if matches!(run.toks.last(), Some(Tok::Magnitude(_))) && run.end() == f.end);
    let ends_number = scale > 1.0
        || after_magnitude
        || lex.units.at(text, skip_spaces(text, k, 1)).is_some()
        || lex.time_words.starts(text, k)
        || next.is_none_or(|c| !is_cjk(c))
        || lex.bare_followers.starts(text, k);
    if !ends_number {
        return;
    }
    if let Number::Plain { scale: s, .. } = &mut f.number {
        *s *= scale;
    } else if scale > 1.0 {
        return;
    }
    f.approx = *approx;
    f.end = k;
}

/// 一个亿, 两个亿: 个 between a number and its magnitude.
fn read_counted_magnitude(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let Number::Plain { run, scale } = &mut f.number else {
        return;
    };
    if run.end() != f.end || run.has_magnitude() || text.get(f.end) != Some(&'个') {
        return;
    }
    if let Some(NumeralChar::Magnitude(m)) = text.get(f.end + 1).and_then(|c| lex.numeral.get(c)) {
        *scale *= m;
        f.end += 2;
    }
}

fn read_letter_magnitude(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let Number::Plain { run, scale } = &mut f.number else {
        return;
    };
    if !matches!(run.toks.last(), Some(Tok::Arabic { .. })) || f.end != run.end() {
        return;
    }
    let Some(m) = text.get(f.end).and_then(|c| lex.letter_magnitudes.get(c)) else {
        return;
    };
    if text
        .get(f.end + 1)
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return;
    }
    *scale *= m;
    f.end += 1;
}

/// A time word follows at `at` (2023年, 6月份, 3个月), and no longer unit (日元).
fn is_time(lex: &'static Lexicon, text: &[char], at: usize) -> bool {
    let at = skip_spaces(text, at, 1);
    let Some((n, _)) = lex.time_words.at(text, at) else {
        return false;
    };
    lex.units.at(text, at).is_none_or(|(u, _)| u <= n)
}

/// 10、11月, 1和2月份: a number listed before others that end in a time word shares it.
fn shares_time_word(lex: &'static Lexicon, text: &[char], mut at: usize) -> bool {
    for _ in 0..MAX_LIST {
        let listed = text
            .get(at)
            .is_some_and(|&c| matches!(c, '、' | ',' | '，' | '和' | '及' | '与' | '或'));
        let next_is_number = text
            .get(at + 1)
            .is_some_and(|&c| c.is_ascii_digit() || lex.is_numeral(c));
        if !listed || !next_is_number {
            return false;
        }
        let Some(run) = read_run(lex, text, at + 1) else {
            return false;
        };
        at = run.end();
        if is_time(lex, text, at) {
            return true;
        }
    }
    false
}

fn read_unit(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let j = skip_spaces(text, f.end, 2);
    if let Some((n, unit)) = lex.units.at_spaced(text, j) {
        // 成立, 起步, 名列: the unit character starts a word here.
        if n == 1 && unit_blocked(lex, text, j) {
            return;
        }
        // 十折, 100折: no discount.
        if lex.discounts.starts(text, j) && !is_discount_number(&f.number) {
            return;
        }
        // An ASCII unit must not run on into a word (5km is, 5kmh is not).
        let after = text.get(j + n).copied();
        let ascii_unit = text[j].is_ascii_alphabetic();
        if ascii_unit && after.is_some_and(|c| c.is_ascii_alphanumeric()) {
            return;
        }
        f.unit = Some(unit);
        f.unit_at = j;
        f.end = j + n;
    }
}

/// A discount is digits below 100, with no 十 or 百 (八折, 八点五折, 75折, 九九折).
fn is_discount_number(n: &Number) -> bool {
    let Number::Plain { run, scale } = n else {
        return false;
    };
    let digits_only = run.toks.iter().all(|t| {
        matches!(
            t,
            Tok::Digit(_) | Tok::Arabic { .. } | Tok::Decimals(_) | Tok::Half
        )
    });
    digits_only && *scale == 1.0 && numeral(&run.toks, End::Low).is_some_and(|(v, _)| v < 100.0)
}

/// 七成六, 三成半: after a tenth, a lone digit in hundredths or 半 (half a tenth).
fn read_tenths_part(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let Some(unit) = f.unit.filter(|_| lex.tenths_split.starts(text, f.unit_at)) else {
        return;
    };
    let j = skip_spaces(text, f.end, 1);
    let Some(part) = read_lone_part(lex, text, j) else {
        return;
    };
    let coin = if part.toks == [Tok::Half] {
        unit.factor
    } else {
        unit.factor / 10.0
    };
    f.end = part.end();
    f.parts.push((part, coin));
}

/// One digit or 半 at `j` that ends the number: nothing Chinese after it but a
/// bare follower (七成六的, not 七成六个).
fn read_lone_part(lex: &'static Lexicon, text: &[char], j: usize) -> Option<Run> {
    let c = *text.get(j)?;
    let tok = match lex.numeral.get(&c) {
        Some(NumeralChar::Half) => Tok::Half,
        Some(NumeralChar::Digit(d)) => Tok::Digit(*d),
        _ if c.is_ascii_digit() => Tok::Arabic {
            value: f64::from(c.to_digit(10)?),
            single: true,
        },
        _ => return None,
    };
    let after = text.get(j + 1).copied();
    let ends = after.is_none_or(|c| !is_cjk(c) && !c.is_ascii_digit() && !lex.points.contains(&c))
        || lex.bare_followers.starts(text, j + 1);
    ends.then(|| Run {
        start: j,
        toks: vec![tok],
        ends: vec![j + 1],
    })
}

/// 一个半, 两个半小时: 半 after a counter adds a half, and a unit after 半 is
/// the unit (not 两个半岛, and not 一个半月: months are time).
fn read_counter_half(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    if f.unit.is_none() || !lex.half_after.starts(text, f.unit_at) || f.end - f.unit_at != 1 {
        return;
    }
    let j = f.end;
    if !matches!(
        text.get(j).and_then(|c| lex.numeral.get(c)),
        Some(NumeralChar::Half)
    ) {
        return;
    }
    let half = Run {
        start: j,
        toks: vec![Tok::Half],
        ends: vec![j + 1],
    };
    if is_time(lex, text, j + 1) {
        return;
    }
    let mut end = j + 1;
    if let Some((n, unit)) = lex.units.at(text, j + 1) {
        f.unit = Some(unit);
        f.unit_at = j + 1;
        end = j + 1 + n;
    } else if text
        .get(j + 1)
        .is_some_and(|&c| is_cjk(c) && !lex.bare_followers.starts(text, j + 1))
    {
        return;
    }
    let coin = f.unit.map_or(1.0, |u| u.factor);
    f.parts.push((half, coin));
    f.end = end;
}

/// 50元6角三分, 九块九毛九, 一百三十五块六角七分钱, 两美元又三美分: coins after the amount.
fn read_money_parts(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    let Some(unit) = f.unit else {
        return;
    };
    let Some(coins) = lex.coins.get(&unit.base) else {
        return;
    };
    let mut coin = unit.factor;
    let mut j = f.end;
    if let Some((n, _)) = lex.money_joiners.at(text, j) {
        j += n;
    }
    while let Some(&smaller) = coins.iter().find(|&&c| c < coin) {
        let Some(mut run) = text
            .get(j)
            .filter(|&&c| can_start(lex, text, j) && c != '.')
            .and_then(|_| read_run(lex, text, j))
        else {
            break;
        };
        let Some((_, used)) = numeral(&run.toks, End::Low) else {
            break;
        };
        run.truncate(used);
        let k = run.end();
        let part = lex
            .money_parts
            .at(text, k)
            .filter(|(_, (base, v))| *base == unit.base && *v < coin);
        if let Some((n, (_, value))) = part {
            f.parts.push((run, *value));
            coin = *value;
            j = k + n;
            continue;
        }
        // 九块九, 九毛九: a last single digit counts in the next smaller coin, a tenth.
        let single = matches!(
            run.toks.as_slice(),
            [Tok::Digit(_)] | [Tok::Arabic { single: true, .. }]
        );
        if single
            && (smaller * 10.0 - coin).abs() < 1e-9
            && !text
                .get(k)
                .is_some_and(|&c| is_cjk(c) && !lex.bare_followers.starts(text, k))
        {
            f.parts.push((run, smaller));
            j = k;
        }
        break;
    }
    if j > f.end && !f.parts.is_empty() {
        if text.get(j) == Some(&'钱') {
            j += 1;
        }
        f.end = j;
    }
}

/// 3-5万, 3至5个, 1万元--5万元. Returns `Some(stop)` when the range turns
/// out to be a time or a phone number (1-10月, 0571-88888888).
fn read_range(lex: &'static Lexicon, text: &[char], f: &mut Found) -> Option<usize> {
    let j = skip_spaces(text, f.end, 1);
    let (n, _) = lex.range.at(text, j)?;
    let k = skip_spaces(text, j + n, 1);
    if !text
        .get(k)
        .is_some_and(|&c| c.is_ascii_digit() || lex.numeral.contains_key(&c))
    {
        return None;
    }
    let run = read_run(lex, text, k)?;
    let (number, end) = read_number(lex, text, run)?;
    let mut high = Found::bare(k, end, number);
    read_inside_approx(lex, text, &mut high);
    if lex.units.at(text, high.end).is_none() {
        read_letter_magnitude(lex, text, &mut high);
    }
    if is_time(lex, text, high.end) {
        return Some(high.end);
    }
    if is_phone(f, &high) {
        return Some(high.end);
    }
    // A range runs upwards (3-5, 3至5万); 5-3 is something else, a score or a code.
    // 3至5万, 10~15k: a bare low end borrows the magnitude of the high end (set below, once
    // the units agree).
    let mut borrowed_scale = None;
    if let (
        Number::Plain {
            run: low,
            scale: low_scale,
        },
        Number::Plain {
            run: hi,
            scale: hi_scale,
        },
    ) = (&f.number, &high.number)
    {
        let borrows = !low.has_magnitude() && *low_scale == 1.0;
        let factor = if borrows {
            trailing_magnitudes(hi) * hi_scale
        } else {
            *low_scale
        };
        // A low end with its own magnitude must lie below all of the high end
        // (3.5万-三四万 is no range); a bare one only below its top.
        let high_end = if low.has_magnitude() { End::Low } else { End::High };
        let low_value = numeral(&low.toks, End::Low).map(|(v, _)| v * factor);
        let high_value = numeral(&hi.toks, high_end).map(|(v, _)| v * hi_scale);
        if let (Some(l), Some(h)) = (low_value, high_value) {
            if h < l {
                return None;
            }
        }
        if borrows {
            borrowed_scale = Some(factor);
        }
    }
    read_unit(lex, text, &mut high);
    match (f.unit, high.unit) {
        (Some(a), Some(b)) if a.base != b.base => return None,
        (None, Some(_)) | (Some(_), Some(_)) => {
            f.unit = high.unit;
            f.unit_at = high.unit_at;
        }
        (Some(_), None) => return None,
        (None, None) => {}
    }
    if let (Number::Plain { scale, .. }, Some(factor)) = (&mut f.number, borrowed_scale) {
        *scale = factor;
    }
    if high.approx != Approx::Exact {
        f.approx = high.approx;
    }
    f.end = high.end;
    f.high = Some(high.number);
    None
}

/// 5万亿 → 1e12: the magnitudes a numeral ends with.
fn trailing_magnitudes(run: &Run) -> f64 {
    run.toks
        .iter()
        .rev()
        .map_while(|t| {
            if let Tok::Magnitude(m) = t {
                Some(*m)
            } else {
                None
            }
        })
        .product()
}

fn is_phone(low: &Found, high: &Found) -> bool {
    let digits = |n: &Number| match n {
        Number::Plain { run, .. } if run.is_single_arabic() => Some(run.end() - run.start),
        _ => None,
    };
    matches!(
        (digits(&low.number), digits(&high.number)),
        (Some(3..=4), Some(7..=8))
    )
}

fn read_prefixes(lex: &'static Lexicon, text: &[char], f: &mut Found) {
    // Currency written first: 人民币50元, ￥300.
    let before = back_spaces(text, f.start, 2);
    if let Some((n, base)) = lex.unit_prefixes.ending_at(text, before) {
        if f.unit.is_none() {
            f.unit = lex
                .units
                .at(&base.chars().collect::<Vec<_>>(), 0)
                .map(|(_, u)| u);
            f.unit_at = before - n;
        }
        f.start = before - n;
    }
    // 负, 负的, - (a hyphen after a number or letter is not a sign).
    let signed_at = back_spaces(text, f.start, 1);
    let sign_word = lex
        .negative
        .ending_at(text, signed_at)
        .filter(|&(n, _)| !prev_is(text, signed_at - n, |c| lex.negative_not_after.contains(&c)));
    if let Some((n, _)) = sign_word {
        f.negative = true;
        f.start = signed_at - n;
    } else {
        let at = back_spaces(text, f.start, 1);
        // "- 24个" at the start of a line is a bullet, not a sign; "- 1,200,000"
        // alone on its line introduces nothing.
        let alone = f.unit.is_none() && text.get(f.end).is_none_or(|&c| c == '\n');
        let bullet =
            at > 0 && at < f.start && (at == 1 || prev_is(text, at - 1, |c| c == '\n')) && !alone;
        if at > 0
            && text[at - 1] == '-'
            && !bullet
            && !prev_is(text, at - 1, |c| c.is_ascii_alphanumeric() || c == '-')
        {
            f.negative = true;
            f.start = at - 1;
        }
    }
    if let Some((n, approx)) = lex.approx_before.ending_at(text, f.start) {
        let word_end = n == 1
            && f.start >= 2
            && lex
                .approx_before_blocked_by
                .get(&text[f.start - 1])
                .is_some_and(|b| b.contains(&text[f.start - 2]));
        if f.approx == Approx::Exact && !word_end {
            f.approx = *approx;
        }
    }
}

/// Things written like numbers that are not measures.
fn not_a_measure(lex: &'static Lexicon, text: &[char], f: &Found) -> bool {
    let start = f.start;
    let prev = start.checked_sub(1).map(|p| text[p]);
    let next = text.get(f.end).copied();
    let bare = f.unit.is_none() && f.approx == Approx::Exact && !is_percent_fraction(&f.number);
    let num_run = match &f.number {
        Number::Plain { run, .. } => Some(run),
        _ => None,
    };
    let unit_at_end = f.unit.is_some();

    // 第3针, 第一
    if lex.ordinal_prefixes.ends(text, start) {
        return true;
    }
    // G322国道, S3线, 5G, A202107211321: digits glued to a short code of letters.
    let letters_before = text[..start]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let code_letters = text[start - letters_before..start]
        .iter()
        .any(|c| c.is_ascii_uppercase())
        || letters_before <= 3;
    if letters_before > 0 && code_letters {
        return true;
    }
    let ends_in_digit = f.end > 0 && text[f.end - 1].is_ascii_digit();
    if !unit_at_end && ends_in_digit && next.is_some_and(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    // URLs, file names and codes: /roll/202502, t2025_3929, 001008003004081.
    if prev.is_some_and(|c| matches!(c, '/' | '_' | '=' | '#' | '@' | '\\' | '&'))
        || next == Some('_')
    {
        return true;
    }
    if let Some(run) = num_run {
        let digits = &text[run.start..run.end()];
        if run.is_single_arabic() && digits.len() >= 3 && digits[0] == '0' && !digits.contains(&'.')
        {
            return true;
        }
    }
    // “1+4”, 1+4+N
    if prev == Some('+') || next == Some('+') {
        return true;
    }
    // (三), （3）, 〔2023〕
    if prev.is_some_and(is_open_bracket) && next.is_some_and(is_close_bracket) {
        return true;
    }
    // 一、  1.  1、  一是
    if !unit_at_end {
        let at_boundary = {
            let b = back_spaces(text, start, MAX_SPACES);
            b == 0 || is_marker_boundary(text[b - 1])
        };
        let dot_marker =
            matches!(next, Some('.')) && !text.get(f.end + 1).is_some_and(|c| c.is_ascii_digit());
        let cjk_numeral =
            num_run.is_some_and(|r| !r.toks.iter().any(|t| matches!(t, Tok::Arabic { .. })));
        if at_boundary && (next == Some('、') || dot_marker || matches!(next, Some(')' | '）'))) {
            return true;
        }
        if cjk_numeral
            && (next == Some('、')
                || (next == Some('是') && num_run.is_some_and(|r| r.toks.len() == 1)))
        {
            return true;
        }
    }
    // 2.2本计划投资 at the start of a line: a heading number, not a decimal.
    let line_start = {
        let b = back_spaces(text, start, MAX_SPACES);
        b == 0 || text[b - 1] == '\n'
    };
    let heading_number = num_run.is_some_and(|r| {
        r.is_single_arabic() && text[r.start..r.end()].contains(&'.') && r.end() - r.start <= 4
    });
    let glued_after = text.get(f.end).is_some_and(|&c| is_cjk(c));
    let word_follows = if unit_at_end {
        f.end - f.unit_at == 1 && glued_after
    } else {
        glued_after
    };
    if line_start && heading_number && word_follows {
        return true;
    }
    // 一件件民生实事, 一个个项目: a doubled classifier says "each", not a count.
    if unit_at_end
        && f.end > f.unit_at
        && text.get(f.end) == Some(&text[f.end - 1])
        && f.end - f.unit_at == 1
    {
        return true;
    }
    // “1586”专项行动, “六个一”
    if in_short_quote(text, start, f.end) {
        return true;
    }
    // 一切, 四川, 十四五
    if overlaps_word(lex, text, start, f.end) {
        return true;
    }
    // 13812345678
    if let Some(run) = num_run {
        if run.is_single_arabic() && run.end() - run.start == 11 && text[run.start] == '1' {
            return true;
        }
    }
    // 8.8万京津老人, 一个亿: a magnitude makes a bare number a measure.
    let scaled = num_run.is_some_and(|r| r.has_magnitude())
        || matches!(f.number, Number::Plain { scale, .. } if scale > 1.0);
    if bare && !scaled {
        // 1586专项行动, 三大差距, 二十大: a bare number glued to a word is part of a name.
        if next.is_some_and(is_cjk) && !lex.bare_followers.starts(text, f.end) {
            return true;
        }
        // A lone Chinese digit inside words (一看, 陆地) is not a number.
        if let Some(run) = num_run {
            if let [tok] = run.toks.as_slice() {
                if !matches!(tok, Tok::Arabic { .. }) {
                    let capital = lex.capital.contains(&text[run.start]);
                    let prev_cjk = prev.is_some_and(is_cjk) && !f.negative;
                    if prev_cjk && !lex.lone_digit_preceders.ends(text, start) {
                        return true;
                    }
                    if capital && next.is_some_and(is_cjk) {
                        return true;
                    }
                }
            }
            // 一一, 五五开: a doubled digit counts only with a unit (五五折).
            if let [Tok::Digit(a), Tok::Digit(b)] = run.toks.as_slice() {
                if a == b {
                    return true;
                }
            }
        }
    }
    false
}

fn is_percent_fraction(n: &Number) -> bool {
    matches!(n, Number::Fraction { den, .. } if !has_digits(&den.toks))
}

/// Reads the numeral run at `i` (digits, numeral characters, 点, spaces between).
pub fn read_run(lex: &'static Lexicon, text: &[char], i: usize) -> Option<Run> {
    let mut run = Run {
        start: i,
        toks: Vec::new(),
        ends: Vec::new(),
    };
    let mut j = i;
    while let Some(&c) = text.get(j) {
        if run.toks.len() >= MAX_RUN {
            break;
        }
        let last = run.toks.last().copied();
        if matches!(last, Some(Tok::Decimals(_)))
            && !matches!(lex.numeral.get(&c), Some(NumeralChar::Magnitude(_)))
        {
            break;
        }
        if c.is_ascii_digit()
            || (c == '.'
                && run.toks.is_empty()
                && text.get(j + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            if matches!(
                last,
                Some(Tok::Arabic { .. } | Tok::Digit(1..) | Tok::Tens(_))
            ) {
                break;
            }
            let (value, single, next) = read_arabic(text, j);
            run.toks.push(Tok::Arabic { value, single });
            run.ends.push(next);
            j = next;
            continue;
        }
        if let Some(&nc) = lex.numeral.get(&c) {
            // 千米, 百分点: a unit that starts with a numeral character ends the run.
            if !run.toks.is_empty() && lex.units.at(text, j).is_some_and(|(n, _)| n > 1) {
                break;
            }
            if matches!(nc, NumeralChar::Digit(_)) && matches!(last, Some(Tok::Arabic { .. })) {
                break;
            }
            run.toks.push(match nc {
                NumeralChar::Half => Tok::Half,
                NumeralChar::Digit(d) => Tok::Digit(d),
                NumeralChar::SmallUnit(u) => Tok::SmallUnit(u),
                NumeralChar::Tens(t) => Tok::Tens(t),
                NumeralChar::Magnitude(m) => Tok::Magnitude(m),
            });
            run.ends.push(j + 1);
            j += 1;
            continue;
        }
        if lex.points.contains(&c) && last.is_some() {
            let k = skip_spaces(text, j + 1, MAX_SPACES);
            if let Some((f, next)) = read_decimals(lex, text, k) {
                run.toks.push(Tok::Decimals(f));
                run.ends.push(next);
                j = next;
                continue;
            }
            break;
        }
        if c == ' ' && last.is_some() {
            let k = skip_spaces(text, j, MAX_SPACES);
            let Some(&n) = text.get(k) else { break };
            let arabic_last = matches!(last, Some(Tok::Arabic { .. }));
            let goes_on = match lex.numeral.get(&n) {
                Some(NumeralChar::Digit(_)) => !arabic_last,
                Some(_) => true,
                None if n.is_ascii_digit() => {
                    matches!(last, Some(Tok::SmallUnit(_) | Tok::Magnitude(_)))
                }
                None => {
                    lex.points.contains(&n)
                        && read_decimals(lex, text, skip_spaces(text, k + 1, MAX_SPACES)).is_some()
                }
            };
            if goes_on {
                j = k;
                continue;
            }
        }
        break;
    }
    (!run.toks.is_empty()).then_some(run)
}

/// Arabic digits at `i` with `,` thousands separators and a decimal point:
/// the value, whether it is a single digit, and where it ends.
fn read_arabic(text: &[char], i: usize) -> (f64, bool, usize) {
    let mut digits = String::new();
    let mut j = i;
    let mut group = 0;
    while let Some(&c) = text.get(j) {
        if c.is_ascii_digit() {
            digits.push(c);
            group += 1;
            j += 1;
        } else if matches!(c, ',' | '，') && (first_group_ok(group, digits.len()) || group == 3) {
            // A separator needs exactly three digits after it (26.98亿元,完成率 is a clause break).
            let three = (1..=3).all(|k| text.get(j + k).is_some_and(|c| c.is_ascii_digit()));
            let fourth = text.get(j + 4).is_some_and(|c| c.is_ascii_digit());
            if !three || fourth {
                break;
            }
            group = 0;
            j += 1;
        } else {
            break;
        }
    }
    let single = digits.len() == 1;
    if text.get(j) == Some(&'.') && text.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
        digits.push('.');
        j += 1;
        while let Some(&c) = text.get(j).filter(|c| c.is_ascii_digit()) {
            digits.push(c);
            j += 1;
        }
    }
    let digits = if digits.starts_with('.') {
        format!("0{digits}")
    } else {
        digits
    };
    let mut value: f64 = digits.parse().unwrap_or(0.0);
    // 2.789e-1, 1.2E+08: an exponent after a decimal mantissa (a bare 49e7 is a hash).
    if digits.contains('.') {
        if let Some((exp, next)) = exponent(text, j) {
            value *= 10f64.powi(exp);
            j = next;
        }
    }
    (value, single && !digits.contains('.'), j)
}

/// `e-1`, `E+08` at `i`, not running on into a word: the power of ten and where it ends.
fn exponent(text: &[char], i: usize) -> Option<(i32, usize)> {
    if !matches!(text.get(i), Some('e' | 'E')) {
        return None;
    }
    let mut j = i + 1;
    let negative = text.get(j) == Some(&'-');
    if matches!(text.get(j), Some('-' | '+')) {
        j += 1;
    }
    let len = text[j.min(text.len())..]
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=3).contains(&len) || text.get(j + len).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let exp: i32 = text[j..j + len].iter().collect::<String>().parse().ok()?;
    Some((if negative { -exp } else { exp }, j + len))
}

/// The first group before a thousands separator has one to three digits.
fn first_group_ok(group: usize, digits: usize) -> bool {
    (1..=3).contains(&group) && digits == group
}

/// The digits after a decimal point (五五四四, 123): their value as a fraction.
fn read_decimals(lex: &'static Lexicon, text: &[char], i: usize) -> Option<(f64, usize)> {
    let mut digits = String::from("0.");
    let mut j = i;
    while let Some(&c) = text.get(j) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if let (Some(NumeralChar::Digit(d)), false) =
            (lex.numeral.get(&c), lex.not_decimal.contains(&c))
        {
            digits.push(char::from(b'0' + d));
        } else {
            break;
        }
        j += 1;
    }
    (j > i).then(|| (digits.parse().unwrap_or(0.0), j))
}

/// 2023-12-13, 2023.12, 2024/1/5, 14:30: where a date or clock time at `i` ends.
fn date_at(text: &[char], i: usize) -> Option<usize> {
    let hour_len = text[i..]
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if (1..=2).contains(&hour_len) && matches!(text.get(i + hour_len), Some(':' | '：')) {
        let minute_len = text[i + hour_len + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if minute_len == 2 {
            return Some(i + hour_len + 3);
        }
    }
    let year_end = i + 4;
    if year_end > text.len() || !text[i..year_end].iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if prev_is(text, i, |c| c.is_ascii_digit())
        || text.get(year_end).is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    let year: u32 = text[i..year_end].iter().collect::<String>().parse().ok()?;
    let sep = *text.get(year_end)?;
    if !(1900..=2100).contains(&year) || !matches!(sep, '-' | '.' | '/') {
        return None;
    }
    let month_len = text[year_end + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=2).contains(&month_len) {
        return None;
    }
    let mut end = year_end + 1 + month_len;
    if text.get(end) == Some(&sep) {
        let day_len = text[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if (1..=2).contains(&day_len) {
            end += 1 + day_len;
        }
    }
    Some(end)
}

fn in_short_quote(text: &[char], start: usize, end: usize) -> bool {
    let open = (start.saturating_sub(QUOTE_REACH)..start)
        .rev()
        .find(|&p| is_open_quote(text[p]) || is_close_quote(text[p]) || is_clause_break(text[p]));
    let Some(open) = open.filter(|&p| is_open_quote(text[p])) else {
        return false;
    };
    let limit = (end + QUOTE_REACH).min(text.len());
    let close = (end..limit).find(|&p| {
        let c = text[p];
        is_open_quote(c) && c != '"' || is_close_quote(c) || is_clause_break(c)
    });
    close.is_some_and(|p| is_close_quote(text[p]) && p - open <= QUOTE_REACH + 1)
}

/// Does a not-a-number word (一切, 四川, 十四五) cover part of the number?
/// A word wholly inside a longer numeral (万一 in 一百零一万一千) does not count.
fn overlaps_word(lex: &'static Lexicon, text: &[char], start: usize, end: usize) -> bool {
    let from = start.saturating_sub(lex.not_numbers.longest.saturating_sub(1));
    (from..end).any(|p| {
        lex.not_numbers.at(text, p).is_some_and(|(n, _)| {
            let word_end = p + n;
            word_end > start && (p < start || word_end > end || (p == start && word_end == end))
        })
    })
}

/// A CJK ideograph (punctuation and ASCII are not).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

fn prev_is(text: &[char], i: usize, test: impl Fn(char) -> bool) -> bool {
    i > 0 && test(text[i - 1])
}

fn skip_spaces(text: &[char], mut i: usize, max: usize) -> usize {
    let limit = i + max;
    while i < limit && text.get(i) == Some(&' ') {
        i += 1;
    }
    if text.get(i) == Some(&' ') {
        return limit - max;
    }
    i
}

fn back_spaces(text: &[char], mut i: usize, max: usize) -> usize {
    let start = i;
    while i > 0 && start - i < max && text[i - 1] == ' ' {
        i -= 1;
    }
    i
}
