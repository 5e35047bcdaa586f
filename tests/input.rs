//! Hostile but well-formed input never reaches PostgreSQL as an error: control characters
//! and over-long strings are INVALID_ARGUMENT naming the field (and the limit), nothing is
//! stored; stray controls in report text and run-on names are stored bounded.

mod common;

use common::TestServer;
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;
use tonic::Code;
use tonic_types::StatusExt;

fn assert_refused(result: Result<impl std::fmt::Debug, tonic::Status>, field: &str, limit: &str) {
    let status = result.expect_err(field);
    assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
    let message = status.message();
    assert!(message.starts_with(&format!("{field}: ")), "{message}");
    assert!(
        message.contains(limit),
        "{field}: {message:?} should say {limit:?}"
    );
    let violations = status.get_details_bad_request().unwrap().field_violations;
    assert_eq!(violations[0].field, field);
}

async fn stored_rows(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM indicators)")
        .fetch_one(server.store.pool())
        .await
        .unwrap()
}

fn parse(text: &str, with: impl FnOnce(&mut pb::ParseReportRequest)) -> pb::ParseReportRequest {
    let mut request = pb::ParseReportRequest {
        source: Some(Source::Text(text.into())),
        ..Default::default()
    };
    with(&mut request);
    request
}

fn hints(issuer: &str) -> Option<pb::Hints> {
    Some(pb::Hints {
        issuer: Some(issuer.into()),
        report_year: None,
    })
}

const TEXT: &str = "2023年全年实现地区生产总值48.78亿元。";
const CONTROL: &str = "must not contain control characters";

/// Every string of ParseReport but the text: a control character or too many characters.
#[tokio::test]
async fn parse_report_refuses_controls_and_long_fields_and_stores_nothing() {
    let mut server = TestServer::start().await;
    let c = &mut server.client;
    let long_uri = "u".repeat(2049);
    let cases = [
        (
            parse(TEXT, |r| r.source_uri = "a\0b".into()),
            "source_uri",
            CONTROL,
        ),
        (
            parse(TEXT, |r| r.source_uri = long_uri),
            "source_uri",
            "2048 bytes",
        ),
        (
            parse(TEXT, |r| r.hints = hints("飞云\0街道")),
            "hints.issuer",
            CONTROL,
        ),
        (
            parse(TEXT, |r| r.hints = hints(&"街".repeat(65))),
            "hints.issuer",
            "64 characters",
        ),
        (
            parse(TEXT, |r| {
                r.source = Some(Source::Content(TEXT.as_bytes().to_vec()));
                r.content_type = "text/plain\0".into();
            }),
            "content_type",
            CONTROL,
        ),
    ];
    for (request, field, limit) in cases {
        let mut dry = request.clone();
        dry.dry_run = true;
        assert_refused(c.parse_report(dry).await, field, limit);
        assert_refused(c.parse_report(request).await, field, limit);
    }
    assert_eq!(stored_rows(&server).await, 0, "nothing was stored");
    server.stop().await.unwrap();
}

fn query(with: impl FnOnce(&mut pb::QueryIndicatorsRequest)) -> pb::QueryIndicatorsRequest {
    let mut request = pb::QueryIndicatorsRequest::default();
    with(&mut request);
    request
}

/// Every string filter of QueryIndicators, with `value` in it.
fn query_cases(value: &str) -> Vec<(pb::QueryIndicatorsRequest, &'static str)> {
    let v = || value.to_owned();
    vec![
        (query(|r| r.issuer = v()), "issuer"),
        (query(|r| r.issuers = vec!["甲".into(), v()]), "issuers"),
        (query(|r| r.issuer_prefix = v()), "issuer_prefix"),
        (query(|r| r.issuer_contains = v()), "issuer_contains"),
        (query(|r| r.name_contains = v()), "name_contains"),
        (query(|r| r.name_similar_to = v()), "name_similar_to"),
        (query(|r| r.report_id = v()), "report_id"),
        (query(|r| r.report_ids = vec![v()]), "report_ids"),
        (query(|r| r.canonical_codes = vec![v()]), "canonical_codes"),
        (query(|r| r.categories = vec![v()]), "categories"),
        (query(|r| r.page_token = v()), "page_token"),
    ]
}

#[tokio::test]
async fn every_string_filter_refuses_controls_and_long_values() {
    let mut server = TestServer::start().await;
    let c = &mut server.client;
    let long_name = &"飞云街道".repeat(17);
    for (request, field) in query_cases("gdp\0") {
        assert_refused(c.query_indicators(request).await, field, CONTROL);
    }
    let page_token_limit = "x".repeat(4097);
    for (mut request, field) in query_cases(&"产".repeat(65)) {
        let limit = match field {
            "page_token" => {
                request.page_token = page_token_limit.clone();
                "4096 characters"
            }
            _ => "64 characters",
        };
        assert_refused(c.query_indicators(request).await, field, limit);
    }
    let many = query(|r| r.issuers = vec!["甲".into(); 1001]);
    assert_refused(c.query_indicators(many).await, "issuers", "1000 values");

    let list = |issuer: &str, page_token: &str| pb::ListReportsRequest {
        issuer: issuer.into(),
        page_token: page_token.into(),
        ..Default::default()
    };
    assert_refused(c.list_reports(list("甲\0", "")).await, "issuer", CONTROL);
    assert_refused(c.list_reports(list("", "a\0")).await, "page_token", CONTROL);
    assert_refused(
        c.list_reports(list(long_name, "")).await,
        "issuer",
        "64 characters",
    );

    let series = |issuers: Vec<String>, prefix: &str| pb::GetIndicatorSeriesRequest {
        canonical_codes: vec!["gdp".into()],
        issuers,
        issuer_prefix: prefix.into(),
        ..Default::default()
    };
    let refused = c
        .get_indicator_series(series(vec!["甲\0".into()], ""))
        .await;
    assert_refused(refused, "issuers", CONTROL);
    let refused = c.get_indicator_series(series(vec![], long_name)).await;
    assert_refused(refused, "issuer_prefix", "64 characters");

    let compare = |code: &str, prefix: &str| pb::CompareIndicatorsRequest {
        canonical_code: code.into(),
        period_year: Some(2023),
        issuer_prefix: prefix.into(),
        ..Default::default()
    };
    assert_refused(
        c.compare_indicators(compare("gdp\0", "")).await,
        "canonical_code",
        CONTROL,
    );
    assert_refused(
        c.compare_indicators(compare("gdp", "甲\u{1}")).await,
        "issuer_prefix",
        CONTROL,
    );

    let definitions = pb::ListIndicatorDefinitionsRequest {
        category: "economy\0".into(),
    };
    assert_refused(
        c.list_indicator_definitions(definitions).await,
        "category",
        CONTROL,
    );
    for id in ["\0".to_owned(), "0".repeat(100_000)] {
        let limit = if id.len() > 1 {
            "64 characters"
        } else {
            CONTROL
        };
        let get = pb::GetReportRequest { id: id.clone(), ..Default::default() };
        assert_refused(c.get_report(get).await, "id", limit);
        let delete = pb::DeleteReportRequest { id };
        assert_refused(c.delete_report(delete).await, "id", limit);
    }
    assert_eq!(stored_rows(&server).await, 0);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn echoed_input_is_cut_to_64_characters() {
    let mut server = TestServer::start().await;
    let charset = "x".repeat(100);
    let request = parse(TEXT, |r| {
        r.source = Some(Source::Content(TEXT.as_bytes().to_vec()));
        r.content_type = format!("text/plain; charset={charset}");
    });
    let status = server.client.parse_report(request).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let message = status.message();
    assert!(
        message.contains(&format!("\"{}\"…", "x".repeat(64))),
        "{message}"
    );
    assert!(!message.contains(&"x".repeat(65)), "{message}");

    let code = pb::CompareIndicatorsRequest {
        canonical_code: "y".repeat(64),
        period_year: Some(2023),
        ..Default::default()
    };
    let status = server.client.compare_indicators(code).await.unwrap_err();
    assert!(status.message().len() < 200, "{}", status.message());
    server.stop().await.unwrap();
}

/// What used to be INTERNAL: NUL in the text, a name of a thousand characters, a long
/// `source_uri`. Stored, with every stored string bounded and free of NUL.
#[tokio::test]
async fn stray_controls_and_run_on_names_are_stored_bounded() {
    let mut server = TestServer::start().await;
    let text = format!(
        "2023年\0全年实现\u{7}地区生产总值48.78亿元。\n{}",
        run_on_phrase()
    );
    // 2048 bytes that do not compress: the unique (sha256, source_uri) entry still fits.
    let uri: String = (0..64)
        .map(|_| uuid::Uuid::new_v4().simple().to_string())
        .collect();
    let request = parse(&text, |r| r.source_uri = uri.clone());
    let report = server
        .client
        .parse_report(request)
        .await
        .unwrap()
        .into_inner();
    assert!(report.created);
    let report = report.report.unwrap();
    assert_eq!(
        report.text_length as usize,
        text.chars().count(),
        "spans keep their offsets"
    );
    assert_eq!(report.source_uri, uri);
    assert!(report.indicators.len() >= 2, "{:?}", report.indicators);
    for indicator in &report.indicators {
        assert!(indicator.name.chars().count() <= 64, "{}", indicator.name);
        assert!(
            !indicator.sentence.contains(['\0', '\u{7}']),
            "{}",
            indicator.sentence
        );
    }
    assert!(
        report.indicators.iter().any(|i| i.name.ends_with('…')),
        "a name was cut"
    );
    let longest: i32 = sqlx::query_scalar("SELECT max(char_length(name)) FROM indicators")
        .fetch_one(server.store.pool())
        .await
        .unwrap();
    assert!(longest <= 64, "stored names are bounded: {longest}");
    server.stop().await.unwrap();
}

/// A thousand ideographs before a figure, none repeating in a way that compresses: the
/// engine takes them all as the name (3 KB, over a btree row when stored whole).
fn run_on_phrase() -> String {
    let phrase: String = (0..1000)
        .map(|n| char::from_u32(0x4E00 + (n * 7919) % 0x5000).unwrap())
        .collect();
    format!("全年{phrase}投资12.5亿元。")
}
