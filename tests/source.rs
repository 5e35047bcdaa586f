//! The kept source: GetReport with view FULL returns the text every span points into;
//! reports stored before the text was kept (migrated rows) say so.

mod common;

use std::borrow::Cow;

use common::{seed, unmigrated_store, TestServer};
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport::store::{PoolConfig, MIGRATOR};
use pb::parse_report_request::Source;

async fn store(server: &mut TestServer, text: &str, content_type: &str) -> pb::Report {
    let request = pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        content_type: content_type.to_owned(),
        source_uri: "test://source".into(),
        ..Default::default()
    };
    let parsed = server.client.parse_report(request).await.unwrap().into_inner();
    assert!(parsed.created);
    parsed.report.unwrap()
}

async fn get(server: &mut TestServer, id: &str, view: pb::ReportView) -> pb::Report {
    let request = pb::GetReportRequest {
        id: id.to_owned(),
        view: view as i32,
    };
    server.client.get_report(request).await.unwrap().into_inner()
}

/// The code points `span` covers in `text`.
fn slice(text: &str, span: &pb::Span) -> String {
    text.chars()
        .skip(span.start as usize)
        .take((span.end - span.start) as usize)
        .collect()
}

#[tokio::test]
async fn full_view_returns_the_text_the_spans_index_into() {
    let mut server = TestServer::start().await;
    // Characters outside the BMP before the figures: a span in UTF-16 units or bytes would miss.
    let text = format!("𠀀𠀁报告\n{}", seed("000"));
    let stored = store(&mut server, &text, "text/plain; charset=utf-8").await;
    assert!(stored.source_kept);
    assert_eq!(stored.content_type, "text/plain; charset=utf-8");
    assert_eq!(stored.text, "", "ParseReport does not echo the text");

    let full = get(&mut server, &stored.id, pb::ReportView::Full).await;
    assert_eq!(full.text, text, "the exact text the caller sent");
    assert!(full.source_kept);
    let ind = full
        .indicators
        .iter()
        .find(|i| i.value.is_some())
        .expect("an indicator with a value");
    assert_eq!(slice(&full.text, ind.span.as_ref().unwrap()), ind.value_text);
    for ind in &full.indicators {
        assert!(slice(&full.text, ind.span.as_ref().unwrap()).contains(&ind.value_text));
    }

    for view in [pb::ReportView::Standard, pb::ReportView::Unspecified] {
        let standard = get(&mut server, &stored.id, view).await;
        assert_eq!(standard.text, "", "{view:?} leaves the text out");
        assert_eq!(standard, pb::Report { text: String::new(), ..full.clone() });
    }
    let basic = get(&mut server, &stored.id, pb::ReportView::Basic).await;
    let (sections, indicators, checks, text) = (vec![], vec![], vec![], String::new());
    let metadata = pb::Report { sections, indicators, checks, text, ..full.clone() };
    assert_eq!(basic, metadata, "BASIC: the metadata and counts alone");
    assert!(basic.indicator_count > 0);
    let status = server
        .client
        .get_report(pb::GetReportRequest { id: stored.id.clone(), view: 7 })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(status.message().starts_with("view:"), "{}", status.message());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn content_bytes_keep_their_content_type_and_their_decoded_text() {
    let mut server = TestServer::start().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/external");
    let gbk = std::fs::read(dir.join("hailaer_district_2016_gwr.gbk.txt")).unwrap();
    let text = std::fs::read_to_string(dir.join("hailaer_district_2016_gwr.txt")).unwrap();
    let request = pb::ParseReportRequest {
        source: Some(Source::Content(gbk)),
        content_type: "text/plain; charset=gbk".into(),
        ..Default::default()
    };
    let parsed = server.client.parse_report(request).await.unwrap().into_inner();
    let full = get(&mut server, &parsed.report.unwrap().id, pb::ReportView::Full).await;
    assert_eq!(full.text, text);
    assert_eq!(full.content_type, "text/plain; charset=gbk");
    server.stop().await.unwrap();
}

/// The migrations before the one that keeps the text.
fn migrations_before_source() -> sqlx::migrate::Migrator {
    let before: Vec<_> = MIGRATOR
        .migrations
        .iter()
        .filter(|m| m.version < 20261122000010)
        .cloned()
        .collect();
    sqlx::migrate::Migrator {
        migrations: Cow::Owned(before),
        ..sqlx::migrate::Migrator::DEFAULT
    }
}

#[tokio::test]
async fn a_report_stored_before_the_text_was_kept_says_so() {
    // A database at the schema before migration 10, with a report stored then.
    let (old, database) = unmigrated_store(PoolConfig::default()).await;
    migrations_before_source().run(old.pool()).await.unwrap();
    let id = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO reports (id, sha256, title, issuer, index_no, report_year, parser_version, \
             text_length, indicator_count) VALUES ($1, 'ab', '旧报告', '甲县', '', 2020, 'old', 10, 0)",
    )
    .bind(id)
    .execute(old.pool())
    .await
    .unwrap();
    // Then the service starts on it: the remaining migrations run.
    old.migrate().await.unwrap();
    let mut server = TestServer::start_on(old, database, ServerConfig::default()).await;
    let full = get(&mut server, &id.to_string(), pb::ReportView::Full).await;
    assert!(!full.source_kept);
    assert_eq!(full.text, "");
    assert_eq!(full.content_type, "");
    assert_eq!(full.title, "旧报告");
    let listed = server
        .client
        .list_reports(pb::ListReportsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(!listed.reports[0].source_kept);
    server.stop().await.unwrap();
}
