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
            return Err(DecodeError::NotText(format!(
                "bytes are not valid {}",
                encoding.name()
            )));
        }
        return checked(text.into_owned());
    }
    // A byte order mark names its encoding (UTF-8, UTF-16LE/BE).
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return match encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom_len..])
        {
            Some(text) => checked(text.into_owned()),
            None => Err(DecodeError::NotText(format!(
                "bytes after the {} byte order mark are not valid",
                encoding.name()
            ))),
        };
    }
    if let Some(text) = UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
        return checked(text.into_owned());
    }
    match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => checked(text.into_owned()),
        None => Err(DecodeError::NotText(
            "bytes are neither UTF-8 nor GB18030".to_string(),
        )),
    }
}

/// The value of `charset=` in a content type such as `text/plain; charset=GBK`.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').trim_matches('\''))
    })
}

/// Rejects decoded text that is mostly control characters (a binary file that happens to decode).
fn checked(text: String) -> Result<String, DecodeError> {
    let text = text
        .strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text);
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    let total = text.chars().count();
    if total > 0 && (text.contains('\0') || controls * 10 > total) {
        return Err(DecodeError::NotText(
            "control characters: binary content".to_string(),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("增长6%".as_bytes(), None).unwrap(), "增长6%");
        assert_eq!(decode(b"\xEF\xBB\xBF\xE5\xA2\x9E", None).unwrap(), "增");
    }

    #[test]
    fn utf16_with_a_byte_order_mark() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("增长6%".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le, None).unwrap(), "增长6%");
    }

    #[test]
    fn gbk_is_detected_and_named_charsets_win() {
        let (gbk, _, _) = GB18030.encode("规上工业产值48.78亿元");
        assert_eq!(decode(&gbk, None).unwrap(), "规上工业产值48.78亿元");
        assert_eq!(
            decode(&gbk, Some("text/plain; charset=\"GBK\"")).unwrap(),
            "规上工业产值48.78亿元"
        );
        assert_eq!(
            decode("abc".as_bytes(), Some("text/html;charset=utf-8")).unwrap(),
            "abc"
        );
    }

    #[test]
    fn rejects_binary_and_unknown_charsets() {
        assert!(matches!(
            decode(b"\x00\x01\x02PK\x03\x04\xff\xfe", None),
            Err(DecodeError::NotText(_))
        ));
        assert!(matches!(
            decode(b"\x80\xff\x80", None),
            Err(DecodeError::NotText(_))
        ));
        assert!(matches!(
            decode(b"abc", Some("text/plain; charset=ebcdic-x")),
            Err(DecodeError::UnsupportedCharset(_))
        ));
        let (gbk, _, _) = GB18030.encode("中文");
        assert!(matches!(
            decode(&gbk, Some("text/plain; charset=utf-8")),
            Err(DecodeError::NotText(_))
        ));
    }
}
