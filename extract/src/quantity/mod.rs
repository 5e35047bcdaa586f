//! Numbers with their units: matchers find tokens, `resolve` computes values.

use crate::Quantity;

/// Every quantity in clean text; spans are code point offsets into `clean`.
pub fn scan(clean: &str) -> Vec<Quantity> {
    let _ = clean;
    Vec::new()
}
