//! Numbers with their units: matchers find tokens, `resolve` computes values.
//!
//! `find` reads numeral runs (48.78, 一千零五十, 3万4000) with their
//! magnitude, unit and qualifier words and drops what only looks like a
//! number; `resolve` turns the pieces into a [`Quantity`] in base units.

mod find;
mod lexicon;
mod resolve;

use crate::Quantity;

/// The number layer's words: the token layer reads its units and magnitudes, the indicator layer its
/// numerals, qualifiers and units, so that both read them as the number layer does.
pub(crate) use lexicon::{lexicon, NumeralChar};

/// Every quantity in clean text; spans are code point offsets into `clean`.
pub fn scan(clean: &str) -> Vec<Quantity> {
    let chars: Vec<char> = clean.chars().collect();
    scan_chars(&chars)
}

/// [`scan`] on the clean text's characters, for a caller that has them already.
pub fn scan_chars(chars: &[char]) -> Vec<Quantity> {
    let mut quantities = Vec::new();
    find::find_each(chars, |f| quantities.extend(resolve::quantity(chars, &f)));
    quantities
}
