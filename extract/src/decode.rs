//! Bytes to text: UTF-8 (with or without BOM), GB18030/GBK, or a charset the caller names.

use crate::DecodeError;
use encoding_rs::{Encoding, GB18030, UTF_8};

/// Decodes `bytes`; a `charset=` in `content_type` wins over detection.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<String, DecodeError> {
    if let Some(label) = content_type.and_then(charset_of) {
        let encoding = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| DecodeError::UnsupportedCharset(label.to_string()))?;
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(DecodeError::NotText(format!("bytes are not valid {}", encoding.name())));
        }
        return checked(text.into_owned());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(text) = UTF_8.decode_without_bom_handling_and_without_replacement(body) {
        return checked(text.into_owned());
    }
    match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => checked(text.into_owned()),
        None => Err(DecodeError::NotText("bytes are neither UTF-8 nor GB18030".to_string())),
    }
}

/// The value of `charset=` in a content type such as `text/plain; charset=GBK`.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"').trim_matches('\''))
    })
}

/// Rejects decoded text that is mostly control characters (a binary file that happens to decode).
fn checked(text: String) -> Result<String, DecodeError> {
    let text = text.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(text);
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    let total = text.chars().count();
    if total > 0 && (text.contains('\0') || controls * 10 > total) {
        return Err(DecodeError::NotText("control characters: binary content".to_string()));
    }
    Ok(text)
}
