//! govreport-extract: the extraction engine. Text in, report out; no I/O.
//!
//! Pipeline (see DESIGN.md): decode bytes → clean the text (keeping a map back
//! to the caller's offsets) → find number tokens → resolve them into
//! quantities → split sentences and sections → assemble indicators.

pub mod catalog;
pub mod checks;
mod decode;
mod indicator;
mod lexicon;
mod metadata;
mod model;
mod quantity;
mod report;
mod sentence;
mod structure;
mod text;
pub mod token;

pub use model::*;

/// Recorded with every stored report, so stored facts can be traced to the engine that made them.
pub const PARSER_VERSION: &str = concat!("govreport-extract/", env!("CARGO_PKG_VERSION"));

/// What the caller knows better than the parser.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    pub issuer: Option<String>,
    pub report_year: Option<i32>,
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are neither UTF-8 nor GB18030 text (e.g. a binary file).
    NotText(String),
    /// The content type names a charset we cannot read.
    UnsupportedCharset(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotText(why) => write!(f, "content is not text: {why}"),
            DecodeError::UnsupportedCharset(cs) => write!(f, "unsupported charset {cs:?}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes raw bytes (UTF-8 with or without BOM, GB18030/GBK) into the text
/// the caller would see; `content_type` may name a charset.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<String, DecodeError> {
    decode::decode(bytes, content_type)
}

/// Reads a report. Spans in the result are code point offsets into `text`.
pub fn parse(text: &str, hints: &Hints) -> Report {
    report::parse(text, hints)
}

/// Every number the engine finds in `text`, with its unit when it has one.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let clean = text::CleanText::new(text);
    let mut found = quantity::scan(&clean.text);
    for q in &mut found {
        q.span = clean.to_caller(q.span);
    }
    found
}
