//! Property tests: whatever comes in, the engine does not panic, every span
//! lies inside the caller's text (code points) and every value is finite; the
//! consistency checks of any report do not panic and name its own indicators.

use govreport_extract::{decode, parse, quantities, Hints, Report, Span};
use proptest::prelude::*;
use std::sync::LazyLock;

/// Pieces report text is made of: numerals, digits, magnitudes, units,
/// qualifiers, punctuation, markup and scraper leftovers.
const PIECES: &[&str] = &[
    "一",
    "二",
    "两",
    "三",
    "十",
    "百",
    "千",
    "万",
    "亿",
    "零",
    "〇",
    "壹",
    "肆",
    "佰",
    "拾",
    "陆",
    "廿",
    "点",
    "分之",
    "百分之",
    "负",
    "第",
    "又",
    "0",
    "1",
    "2",
    "5",
    "9",
    "12",
    "3.5",
    ".",
    ",",
    "，",
    "-",
    "—",
    "~",
    "至",
    "到",
    "/",
    "+",
    "%",
    "％",
    "１",
    "２",
    "．",
    "元",
    "万元",
    "亿元",
    "人",
    "人次",
    "个",
    "户",
    "家",
    "亩",
    "平方米",
    "㎡",
    "km",
    "千米",
    "吨",
    "个百分点",
    "年",
    "月",
    "日",
    "余",
    "多",
    "几",
    "约",
    "近",
    "超",
    "以上",
    "左右",
    "不足",
    "以内",
    "成",
    "折",
    "角",
    "块",
    "k",
    "G",
    "A",
    "“",
    "”",
    "（",
    "）",
    "(",
    ")",
    "、",
    "。",
    "；",
    "：",
    "\n",
    " ",
    "\u{3000}",
    "是",
    "四川",
    "一切",
    "十四五",
    "增长",
    "同比",
    "<p>",
    "</p>",
    "<span>",
    "</span>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&nbsp;",
    "&#37;",
    "&amp",
    "\\r\\n",
    "\r\n",
    "\\",
    "<",
    "&",
    "\u{feff}",
    "𠀀",
    "é",
];

fn chinese_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat())
}

static REPORTS: LazyLock<Vec<Vec<char>>> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut texts = Vec::new();
    for dir in ["seeds", "external"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(&path) {
                if let Ok(text) = decode(&bytes, None) {
                    texts.push(text.chars().collect());
                }
            }
        }
    }
    texts
});

fn check_span(span: Span, len: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start <= span.end && span.end <= len,
        "span {span:?} outside text of {len} code points"
    );
    Ok(())
}

/// Full-width forms the cleaner folds (the only change it makes to plain text).
fn folded(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' | '－' | '＋' | '／' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap()
            }
            '\u{3000}' | '\u{a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
            c => c,
        })
        .collect()
}

fn check_quantities(text: &str) -> Result<(), TestCaseError> {
    let chars: Vec<char> = text.chars().collect();
    let plain = !text.contains(['<', '&', '\\', '\r']);
    for q in quantities(text) {
        check_span(q.span, chars.len())?;
        prop_assert!(q.value.is_finite(), "value {} of {:?}", q.value, q.text);
        prop_assert!(q.max.is_none_or(f64::is_finite));
        if plain {
            // Without markup the span covers exactly the quantity's text.
            let surface: String = chars[q.span.start..q.span.end].iter().collect();
            prop_assert_eq!(folded(&surface), q.text.clone());
        }
    }
    Ok(())
}

fn check_report(text: &str, report: &Report) -> Result<(), TestCaseError> {
    let len = text.chars().count();
    for i in &report.indicators {
        check_span(i.span, len)?;
        prop_assert!(i.value.is_none_or(f64::is_finite));
    }
    for s in &report.sections {
        check_span(s.span, len)?;
    }
    check_checks(report)
}

/// The consistency checks of any report name its own indicators, with finite figures.
fn check_checks(report: &Report) -> Result<(), TestCaseError> {
    for c in govreport_extract::checks::check(report) {
        prop_assert!(!c.indicators.is_empty() && c.indicators.len() == c.spans.len());
        for (&i, span) in c.indicators.iter().zip(&c.spans) {
            prop_assert!(report.indicators.get(i).is_some_and(|ind| ind.span == *span));
        }
        prop_assert!(c.expected.is_finite() && c.stated.is_finite() && c.tolerance >= 0.0, "{c:?}");
    }
    Ok(())
}

/// 64 cases keep the suite fast; PROPTEST_CASES=5000 for a deeper run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), gbk in any::<bool>()) {
        let content_type = gbk.then_some("text/plain; charset=GBK");
        if let Ok(text) = decode(&bytes, content_type) {
            prop_assert!(!text.starts_with("\u{feff}"), "BOM kept");
        }
    }

    #[test]
    fn random_strings(text in any::<String>()) {
        check_quantities(&text)?;
        check_report(&text, &parse(&text, &Hints::default()))?;
    }

    #[test]
    fn random_chinese_text(text in chinese_text()) {
        check_quantities(&text)?;
        check_report(&text, &parse(&text, &Hints::default()))?;
    }

    #[test]
    fn truncated_reports(pick in any::<prop::sample::Index>(), from in any::<prop::sample::Index>(), len in 0usize..1500) {
        prop_assume!(!REPORTS.is_empty());
        let chars = &REPORTS[pick.index(REPORTS.len())];
        let start = from.index(chars.len().max(1)).min(chars.len());
        let end = (start + len).min(chars.len());
        let text: String = chars[start..end].iter().collect();
        check_quantities(&text)?;
        check_report(&text, &parse(&text, &Hints::default()))?;
    }
}

#[test]
fn whole_reports() {
    assert!(!REPORTS.is_empty(), "no reports found under shared/corpus");
    for chars in REPORTS.iter() {
        let text: String = chars.iter().collect();
        let len = chars.len();
        for q in quantities(&text) {
            assert!(q.span.start <= q.span.end && q.span.end <= len && q.value.is_finite());
        }
    }
}

#[test]
fn decodes_gbk_and_utf8_reports() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/external");
    let gbk = std::fs::read(dir.join("hailaer_district_2019_gwr.gbk.txt")).unwrap();
    let utf8 = std::fs::read_to_string(dir.join("hailaer_district_2019_gwr.txt")).unwrap();
    assert_eq!(decode(&gbk, None).unwrap(), utf8);
    assert_eq!(
        decode(&gbk, Some("text/plain; charset=gb2312")).unwrap(),
        utf8
    );
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(utf8.as_bytes());
    assert_eq!(decode(&with_bom, None).unwrap(), utf8);
    assert!(matches!(
        decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", None),
        Err(govreport_extract::DecodeError::NotText(_))
    ));
    assert!(matches!(
        decode(b"abc", Some("text/plain; charset=x-klingon")),
        Err(govreport_extract::DecodeError::UnsupportedCharset(_))
    ));
}

/// The bulk reports (`shared/corpus/bulk/*/`): scraped pages with clutter, cut anywhere, for the token
/// layer and the whole engine.
static BULK: LazyLock<Vec<Vec<char>>> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/bulk");
    let mut paths = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        paths.extend(std::fs::read_dir(dir.path()).into_iter().flatten().flatten().map(|e| e.path()));
    }
    paths.sort();
    let texts = paths.iter().filter_map(|p| decode(&std::fs::read(p).ok()?, None).ok());
    texts.map(|t| t.chars().collect()).collect()
});

/// The words of `chars[start..end]` cover it exactly: in order, no gaps, none empty.
fn check_tokens(chars: &[char], start: usize, end: usize) -> Result<(), TestCaseError> {
    let found = govreport_extract::token::tokens(chars, start, end);
    let mut at = start;
    for t in &found {
        prop_assert!(t.start == at && t.end > t.start, "token {t:?} after {at}");
        at = t.end;
    }
    prop_assert_eq!(at, end.max(start));
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tokens_cover_random_strings(text in any::<String>(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let chars: Vec<char> = text.chars().collect();
        let (x, y) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
        check_tokens(&chars, x.min(y), x.max(y))?;
        check_tokens(&chars, 0, chars.len())?;
    }

    #[test]
    fn tokens_cover_random_chinese_text(text in chinese_text()) {
        let chars: Vec<char> = text.chars().collect();
        check_tokens(&chars, 0, chars.len())?;
    }

    #[test]
    fn tokens_cover_bulk_reports_cut_anywhere(pick in any::<prop::sample::Index>(), from in any::<prop::sample::Index>(), len in 0usize..400) {
        prop_assume!(!BULK.is_empty());
        let chars = &BULK[pick.index(BULK.len())];
        let start = from.index(chars.len().max(1)).min(chars.len());
        check_tokens(chars, start, (start + len).min(chars.len()))?;
    }

    #[test]
    fn bulk_reports_cut_anywhere(pick in any::<prop::sample::Index>(), from in any::<prop::sample::Index>(), len in 0usize..3000) {
        prop_assume!(!BULK.is_empty());
        let chars = &BULK[pick.index(BULK.len())];
        let start = from.index(chars.len().max(1)).min(chars.len());
        let text: String = chars[start..(start + len).min(chars.len())].iter().collect();
        check_quantities(&text)?;
        check_report(&text, &parse(&text, &Hints::default()))?;
    }
}

#[test]
fn whole_bulk_reports_parse() {
    for chars in BULK.iter() {
        let text: String = chars.iter().collect();
        check_report(&text, &parse(&text, &Hints::default())).unwrap();
    }
}

#[test]
fn tokens_cover_whole_bulk_reports() {
    // Without the shared corpus (a bare checkout) there is nothing to cut.
    println!("{} bulk reports", BULK.len());
    for chars in BULK.iter() {
        check_tokens(chars, 0, chars.len()).unwrap();
    }
}
