//! Views (AIP-157) and the message limit: BASIC answers leave out the lists; an answer larger
//! than `--max-message-bytes` is refused with FAILED_PRECONDITION and its figures before the
//! report is stored (ParseReport, each ParseReports result), or instead of the transport's
//! error (GetReport); the indicators of a report too large stay readable with QueryIndicators.

mod common;

use common::serve::{free_port, Serve};
use common::{fresh_store, seed, TestServer};
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use pb::parse_report_request::Source;
use prost::Message;
use tonic::Code;
use tonic_types::StatusExt;

const SMALL: &str = "2023年全市地区生产总值达到100亿元。";

fn parse(text: &str, view: pb::ReportView) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.into())),
        source_uri: "test://views".into(),
        view: view as i32,
        ..Default::default()
    }
}

async fn with_limit(max_message_bytes: usize) -> TestServer {
    let (store, database) = fresh_store(PoolConfig::default()).await;
    let config = ServerConfig {
        max_message_bytes,
        ..Default::default()
    };
    TestServer::start_on(store, database, config).await
}

async fn count(server: &TestServer, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(server.store.pool())
        .await
        .unwrap()
}

/// A refusal for an answer of `size` bytes (when known) over `limit`, with the figures and
/// what to do.
fn assert_too_large(status: &tonic::Status, size: Option<usize>, limit: usize) {
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    let message = status.message();
    let info = status.get_details_error_info().expect("ErrorInfo");
    let size = size.unwrap_or_else(|| info.metadata["size"].parse().unwrap());
    assert!(size > limit, "{message}");
    assert!(message.contains(&format!("would be {size} bytes")), "{message}");
    assert!(message.contains(&format!("limit of {limit} bytes")), "{message}");
    assert!(message.contains("REPORT_VIEW_BASIC") && message.contains("QueryIndicators"), "{message}");
    assert_eq!(info.reason, "ANSWER_TOO_LARGE");
    assert_eq!(info.metadata["size"], size.to_string());
    assert_eq!(info.metadata["limit"], limit.to_string());
}

/// Every indicator of `report_id`, page by page.
async fn all_indicators(server: &mut TestServer, report_id: &str) -> Vec<pb::Indicator> {
    let (mut all, mut token) = (Vec::new(), String::new());
    loop {
        let request = pb::QueryIndicatorsRequest {
            report_id: report_id.into(),
            page_size: 5,
            page_token: token,
            ..Default::default()
        };
        let page = server.client.query_indicators(request).await.unwrap().into_inner();
        all.extend(page.indicators);
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

#[tokio::test]
async fn a_parse_whose_answer_would_not_fit_is_refused_before_it_is_stored() {
    let text = seed("001");
    // The stored answer's size, from a server with room for it.
    let mut roomy = with_limit(16 << 20).await;
    let answer = roomy.client.parse_report(parse(&text, pb::ReportView::Unspecified)).await.unwrap();
    let size = answer.into_inner().encoded_len();
    roomy.stop().await.unwrap();

    // Exactly that much fits: the size checked before the write is the answer's.
    let mut exact = with_limit(size).await;
    let answer = exact.client.parse_report(parse(&text, pb::ReportView::Standard)).await.unwrap();
    assert_eq!(answer.into_inner().encoded_len(), size);
    exact.stop().await.unwrap();

    // One byte less: refused with the figures, and nothing stored.
    let mut tight = with_limit(size - 1).await;
    for view in [pb::ReportView::Unspecified, pb::ReportView::Standard, pb::ReportView::Full] {
        let status = tight.client.parse_report(parse(&text, view)).await.unwrap_err();
        let refused = (view != pb::ReportView::Full).then_some(size);
        assert_too_large(&status, refused, size - 1);
        assert!(status.message().contains("stored nothing"), "{}", status.message());
    }
    for table in ["reports", "sections", "indicators"] {
        assert_eq!(count(&tight, table).await, 0, "{table} after the refusals");
    }

    // BASIC stores it and answers without the lists; its indicators come page by page.
    let basic = tight.client.parse_report(parse(&text, pb::ReportView::Basic)).await.unwrap();
    let basic = basic.into_inner();
    assert!(basic.created);
    let report = basic.report.unwrap();
    assert!(report.indicators.is_empty() && report.sections.is_empty() && report.checks.is_empty());
    assert!(report.indicator_count > 10, "{}", report.indicator_count);
    let paged = all_indicators(&mut tight, &report.id).await;
    assert_eq!(paged.len(), report.indicator_count as usize);
    assert_eq!(count(&tight, "indicators").await, i64::from(report.indicator_count));

    // The same text again in FULL: the stored report's answer is refused too, nothing new.
    // (In STANDARD it fits by two bytes now: created = false is not encoded.)
    let again = tight.client.parse_report(parse(&text, pb::ReportView::Full)).await;
    let again = again.map(|r| r.into_inner().created).unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition, "{again:?}");
    assert!(again.message().contains("stored nothing"), "{}", again.message());
    assert_eq!(count(&tight, "reports").await, 1);
    tight.stop().await.unwrap();
}

#[tokio::test]
async fn get_report_of_a_report_too_large_says_so_and_basic_reads_it() {
    let mut server = with_limit(20_000).await;
    let stored = server.client.parse_report(parse(&seed("001"), pb::ReportView::Basic)).await;
    let stored = stored.unwrap().into_inner().report.unwrap();
    for view in [pb::ReportView::Unspecified, pb::ReportView::Standard, pb::ReportView::Full] {
        let request = pb::GetReportRequest { id: stored.id.clone(), view: view as i32 };
        let status = server.client.get_report(request).await.unwrap_err();
        assert_eq!(status.code(), Code::FailedPrecondition, "{view:?}: {status:?}");
        assert!(status.message().contains("limit of 20000 bytes"), "{}", status.message());
        assert_eq!(status.get_details_error_info().unwrap().reason, "ANSWER_TOO_LARGE");
    }
    let request = pb::GetReportRequest { id: stored.id.clone(), view: pb::ReportView::Basic as i32 };
    let basic = server.client.get_report(request).await.unwrap().into_inner();
    assert_eq!(basic.indicator_count, stored.indicator_count);
    assert!(basic.indicators.is_empty() && basic.sections.is_empty() && basic.text.is_empty());
    assert_eq!(basic, stored, "BASIC reads as ParseReport answered it");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn each_parse_reports_result_is_checked_before_its_report_is_stored() {
    let mut server = with_limit(20_000).await;
    let big = seed("001");
    let mut requests = vec![
        parse(SMALL, pb::ReportView::Unspecified),
        parse(&big, pb::ReportView::Unspecified),
        parse(&big, pb::ReportView::Basic),
    ];
    requests[0].source_uri = "test://small".into();
    let results = server.client.parse_reports(futures_util::stream::iter(requests)).await;
    let mut results = results.unwrap().into_inner();
    let mut statuses = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        statuses.push((result.status.unwrap_or_default(), result.response));
    }
    let codes: Vec<i32> = statuses.iter().map(|(s, _)| s.code).collect();
    assert_eq!(codes, [0, Code::FailedPrecondition as i32, 0], "{statuses:?}");
    let refused = &statuses[1].0.message;
    assert!(refused.contains("limit of 20000 bytes") && refused.contains("REPORT_VIEW_BASIC"), "{refused}");
    let small = statuses[0].1.as_ref().unwrap().report.as_ref().unwrap();
    assert!(!small.indicators.is_empty(), "STANDARD results hold the indicators");
    let basic = statuses[2].1.as_ref().unwrap();
    assert!(basic.created && basic.report.as_ref().unwrap().indicators.is_empty());
    // The small one and the big one once (from its BASIC request).
    assert_eq!(count(&server, "reports").await, 2);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_with_a_small_max_message_bytes_stores_nothing_it_cannot_answer() {
    let data = tempfile::Builder::new().prefix("govreport-test-views-").tempdir().unwrap();
    let port = free_port();
    let envs = [("GOVREPORT_MAX_MESSAGE_BYTES", "20000")];
    let serve = Serve::started_with(data.path(), port, &envs).await;
    let url = format!("http://127.0.0.1:{port}");
    let mut client = pb::report_service_client::ReportServiceClient::connect(url).await.unwrap();
    let status = client.parse_report(parse(&seed("001"), pb::ReportView::Unspecified)).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    let list = client.list_reports(pb::ListReportsRequest::default()).await.unwrap().into_inner();
    assert_eq!(list.total_size, 0, "nothing stored");
    let basic = client.parse_report(parse(&seed("001"), pb::ReportView::Basic)).await.unwrap();
    let id = basic.into_inner().report.unwrap().id;
    let get = |view: pb::ReportView| pb::GetReportRequest { id: id.clone(), view: view as i32 };
    let status = client.get_report(get(pb::ReportView::Unspecified)).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    client.get_report(get(pb::ReportView::Basic)).await.unwrap();
    assert_eq!(serve.terminate().code(), Some(0));
}
