//! Bounds on a request's strings: no control characters (PostgreSQL rejects NUL, and none
//! belongs in an id, a filter or a hint) and a maximum length for each kind of field.

use crate::domain::MAX_INDEXED_CHARS;
use crate::error::{Error, Result};

/// Ids: a UUID fits in any of its spellings.
pub const MAX_ID_CHARS: usize = 64;
/// Issuers and names, and filters on them: stored ones are at most this long, so a longer
/// filter could match nothing.
pub const MAX_NAME_CHARS: usize = MAX_INDEXED_CHARS;
/// Catalog codes and categories.
pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_CONTENT_TYPE_CHARS: usize = 128;
/// `source_uri` shares a unique btree entry with the SHA-256: 2 KiB keeps the entry well
/// under PostgreSQL's 2704-byte limit.
pub const MAX_SOURCE_URI_BYTES: usize = 2048;
/// Tokens this service issues are far shorter.
pub const MAX_PAGE_TOKEN_CHARS: usize = 4096;
/// Values of one repeated filter.
pub const MAX_LIST_ITEMS: usize = 1000;

/// `value`, when it has no control character and at most `max_chars` characters.
pub fn checked<'a>(field: &'static str, value: &'a str, max_chars: usize) -> Result<&'a str> {
    if value.chars().nth(max_chars).is_some() {
        return Err(Error::invalid(
            field,
            format!("longer than {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(value)
}

/// Every value `checked`, and at most [`MAX_LIST_ITEMS`] of them.
pub fn checked_list<'a>(
    field: &'static str,
    values: &'a [String],
    max_chars: usize,
) -> Result<&'a [String]> {
    if values.len() > MAX_LIST_ITEMS {
        return Err(Error::invalid(
            field,
            format!("more than {MAX_LIST_ITEMS} values"),
        ));
    }
    for value in values {
        checked(field, value, max_chars)?;
    }
    Ok(values)
}

/// An optional filter: `checked`, trimmed, `None` when blank.
pub fn filter_text(field: &'static str, value: &str, max_chars: usize) -> Result<Option<String>> {
    let value = checked(field, value, max_chars)?.trim();
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_long_values_are_refused_with_the_field_and_limit() {
        assert_eq!(
            checked("f", "飞云街道\u{3000}", 5).unwrap(),
            "飞云街道\u{3000}"
        );
        let long = checked("f", "一二三四五六", 5).unwrap_err().to_string();
        assert_eq!(long, "f: longer than 5 characters");
        for bad in ["a\0b", "a\u{1}", "a\u{7f}", "a\u{85}", "tab\t"] {
            assert!(checked("f", bad, 64).is_err(), "{bad:?}");
        }
        assert_eq!(filter_text("f", "  ", 5).unwrap(), None);
        let many = vec!["a".to_owned(); MAX_LIST_ITEMS + 1];
        assert!(checked_list("f", &many, 5).is_err());
    }
}
