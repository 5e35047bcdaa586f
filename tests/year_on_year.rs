//! The check across reports (issue 11): a 同比 change stated with a figure against the same
//! issuer's stored report of the year before, made when reports are written (ParseReport,
//! ParseReports, ReparseReports, DeleteReport), whatever order they come in, and seen in
//! Report.checks, Indicator.failed_check and QueryIndicators' failed_checks_only.

mod common;

use common::TestServer;
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;

const ISSUER: &str = "云驿镇";
/// 48.78 / 45.95 − 1 is 6.16 %.
const BEFORE: &str = "2022年全镇规上工业产值45.95亿元。";
const AGREES: &str = "2023年全镇规上工业产值48.78亿元，同比增长6.15%。";
const DISAGREES: &str = "2023年全镇规上工业产值48.78亿元，同比增长16.15%。";

fn request(text: &str, issuer: &str, year: i32, source_uri: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        source_uri: source_uri.to_owned(),
        hints: Some(pb::Hints { issuer: Some(issuer.to_owned()), report_year: Some(year) }),
        ..Default::default()
    }
}

async fn store(server: &mut TestServer, text: &str, issuer: &str, year: i32) -> pb::Report {
    let uri = format!("{issuer}/{year}/{}", uuid::Uuid::new_v4());
    let parsed = server.client.parse_report(request(text, issuer, year, &uri)).await.unwrap();
    parsed.into_inner().report.unwrap()
}

async fn get(server: &mut TestServer, id: &str) -> pb::Report {
    let request = pb::GetReportRequest { id: id.to_owned(), ..Default::default() };
    server.client.get_report(request).await.unwrap().into_inner()
}

/// The report's year_on_year checks.
fn year_on_year(report: &pb::Report) -> Vec<&pb::Check> {
    report.checks.iter().filter(|c| c.kind == "year_on_year").collect()
}

/// The one year_on_year check of `report`, made against the one indicator of `before`.
fn the_check<'a>(report: &'a pb::Report, before: &pb::Report) -> &'a pb::Check {
    let checks = year_on_year(report);
    assert_eq!(checks.len(), 1, "{:#?}", report.checks);
    let check = checks[0];
    assert_eq!(check.indicators, vec![0]);
    assert_eq!(check.indicator_ids, vec![report.indicators[0].id.clone()]);
    assert_eq!(check.spans, vec![report.indicators[0].span.unwrap()]);
    assert_eq!(check.unit, "%");
    assert_eq!(check.previous_report_id, before.id);
    assert_eq!(check.previous_indicator_id, before.indicators[0].id);
    assert_eq!(check.previous_value, Some(45.95e8));
    assert!((check.expected - 6.159).abs() < 1e-3, "{check:?}");
    check
}

/// The ids QueryIndicators' failed_checks_only finds.
async fn failed_ids(server: &mut TestServer) -> Vec<String> {
    let query = pb::QueryIndicatorsRequest { failed_checks_only: true, page_size: 1000, ..Default::default() };
    let page = server.client.query_indicators(query).await.unwrap().into_inner();
    page.indicators.into_iter().map(|i| i.id).collect()
}

#[tokio::test]
async fn a_change_that_agrees_with_the_year_before_passes() {
    let mut server = TestServer::start().await;
    let before = store(&mut server, BEFORE, ISSUER, 2022).await;
    let now = store(&mut server, AGREES, ISSUER, 2023).await;
    let check = the_check(&now, &before);
    assert!(check.pass, "{check:?}");
    assert_eq!(check.stated, 6.15);
    assert!(check.tolerance.unwrap() >= 0.5, "at least half a point: {check:?}");
    assert_eq!(get(&mut server, &now.id).await.checks, now.checks, "stored as answered");
    assert!(!now.indicators[0].failed_check);
    assert!(year_on_year(&before).is_empty(), "the year before has nothing to compare with");
    assert!(failed_ids(&mut server).await.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_change_that_disagrees_fails_and_flags_its_indicator() {
    let mut server = TestServer::start().await;
    let before = store(&mut server, BEFORE, ISSUER, 2022).await;
    let now = store(&mut server, DISAGREES, ISSUER, 2023).await;
    let check = the_check(&now, &before);
    assert!(!check.pass, "{check:?}");
    assert_eq!(check.stated, 16.15);
    assert!(now.indicators[0].failed_check, "ParseReport answers the flag");
    let read = get(&mut server, &now.id).await;
    assert_eq!(read.checks, now.checks);
    assert!(read.indicators[0].failed_check, "GetReport reads it back");
    assert!(!get(&mut server, &before.id).await.indicators[0].failed_check, "only the figure stating the change");
    assert_eq!(failed_ids(&mut server).await, vec![now.indicators[0].id.clone()]);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_year_after_stored_first_is_checked_when_the_year_before_comes() {
    let mut server = TestServer::start().await;
    let now = store(&mut server, DISAGREES, ISSUER, 2023).await;
    assert!(year_on_year(&now).is_empty() && !now.indicators[0].failed_check, "nothing to compare with yet");
    let written = now.indicators[0].ingested_at.clone();
    let before = store(&mut server, BEFORE, ISSUER, 2022).await;
    let read = get(&mut server, &now.id).await;
    assert!(!the_check(&read, &before).pass);
    assert!(read.indicators[0].failed_check);
    assert_ne!(read.indicators[0].ingested_at, written, "a turned flag is a new write for updated_after");
    assert_eq!(failed_ids(&mut server).await, vec![now.indicators[0].id.clone()]);

    // Deleting the year before takes the check (and the flag) away again.
    let delete = pb::DeleteReportRequest { id: before.id.clone() };
    server.client.delete_report(delete).await.unwrap();
    let read = get(&mut server, &now.id).await;
    assert!(year_on_year(&read).is_empty(), "{:#?}", read.checks);
    assert!(!read.indicators[0].failed_check);
    assert!(failed_ids(&mut server).await.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn figures_that_are_not_alike_are_not_checked() {
    let mut server = TestServer::start().await;
    // Another issuer's year before.
    store(&mut server, BEFORE, "飞云街道", 2022).await;
    let other = store(&mut server, DISAGREES, ISSUER, 2023).await;
    // An approximate figure of the year before.
    store(&mut server, "2022年全镇规上工业产值约45.95亿元。", "白江镇", 2022).await;
    let approximate = store(&mut server, DISAGREES, "白江镇", 2023).await;
    // An approximate figure now.
    store(&mut server, BEFORE, "青山镇", 2022).await;
    let approximate_now = store(&mut server, "2023年全镇规上工业产值约48.78亿元，同比增长16.15%。", "青山镇", 2023).await;
    // Another unit: 美元 the year before, 元 now.
    store(&mut server, "2022年全镇外贸进出口总额3.2亿美元。", "东湖镇", 2022).await;
    let unit = store(&mut server, "2023年全镇外贸进出口总额25亿元，同比增长8%。", "东湖镇", 2023).await;
    for (what, report) in [("issuer", other), ("approx", approximate), ("approx now", approximate_now), ("unit", unit)] {
        assert_eq!(report.indicators.len(), 1, "{what}: {:#?}", report.indicators);
        assert!(report.indicators[0].canonical_code.len() > 1 && report.indicators[0].change.is_some(), "{what}");
        assert!(year_on_year(&report).is_empty(), "{what}: {:#?}", report.checks);
        assert!(year_on_year(&get(&mut server, &report.id).await).is_empty(), "{what}");
    }
    assert!(failed_ids(&mut server).await.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_dry_run_and_the_stream_check_against_the_year_before_too() {
    let mut server = TestServer::start().await;
    // One stream, the year after first for one issuer, last for the other (one batch or two).
    let requests = vec![
        request(DISAGREES, ISSUER, 2023, "a/2023"),
        request(BEFORE, ISSUER, 2022, "a/2022"),
        request(BEFORE, "白江镇", 2022, "b/2022"),
        request(DISAGREES, "白江镇", 2023, "b/2023"),
    ];
    let mut results = server.client.parse_reports(tokio_stream::iter(requests)).await.unwrap().into_inner();
    let mut reports = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        reports.push(result.response.unwrap().report.unwrap());
    }
    for (now, before) in [(&reports[0], &reports[1]), (&reports[3], &reports[2])] {
        assert!(!the_check(&get(&mut server, &now.id).await, before).pass);
    }
    // The stream's two writer slots may write b/2023 before b/2022 (then b/2023's answer has no check yet
    // and b/2022's write adds it to the stored report, read above); a unary write after its year before
    // answers with the check (a_change_that_disagrees_fails_and_flags_its_indicator).
    assert_eq!(failed_ids(&mut server).await.len(), 2);

    let mut dry = request(AGREES, ISSUER, 2023, "dry");
    dry.dry_run = true;
    let dry = server.client.parse_report(dry).await.unwrap().into_inner().report.unwrap();
    let checks = year_on_year(&dry);
    assert_eq!(checks.len(), 1, "{:#?}", dry.checks);
    assert!(checks[0].pass && checks[0].indicator_ids.is_empty());
    assert_eq!(checks[0].previous_indicator_id, reports[1].indicators[0].id);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_reparse_of_the_year_before_checks_the_year_after_against_its_new_rows() {
    let mut server = TestServer::start().await;
    let before = store(&mut server, BEFORE, ISSUER, 2022).await;
    let now = store(&mut server, DISAGREES, ISSUER, 2023).await;
    assert!(!the_check(&now, &before).pass);
    let reparse = pb::ReparseReportsRequest { report_ids: vec![before.id.clone()], ..Default::default() };
    let done = server.client.reparse_reports(reparse).await.unwrap().into_inner();
    assert_eq!(done.reports_done, 1);
    let reparsed = get(&mut server, &before.id).await;
    assert_ne!(reparsed.indicators[0].id, before.indicators[0].id, "a re-parse writes new rows");
    let read = get(&mut server, &now.id).await;
    assert!(!the_check(&read, &reparsed).pass);
    assert!(read.indicators[0].failed_check);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn consecutive_years_written_at_once_still_see_each_other() {
    let mut server = TestServer::start().await;
    let issuers: Vec<String> = (0..24).map(|n| format!("第{n}测试镇")).collect();
    // Both years of an issuer at once (two calls: the test server's two parse slots).
    for issuer in &issuers {
        let mut calls = Vec::new();
        for (text, year) in [(BEFORE, 2022), (DISAGREES, 2023)] {
            let mut client = server.client.clone();
            let request = request(text, issuer, year, &format!("{issuer}/{year}"));
            calls.push(tokio::spawn(async move { client.parse_report(request).await.unwrap().into_inner() }));
        }
        for call in calls {
            call.await.unwrap();
        }
    }
    // Without the issuer's lock, two writers of one issuer's years each miss the other's rows.
    assert_eq!(failed_ids(&mut server).await.len(), issuers.len());
    server.stop().await.unwrap();
}
