//! Consistency checks through the service: computed at parse (ParseReport and ParseReports),
//! stored with the report, read back by GetReport, and QueryIndicators' failed_checks_only.

mod common;

use common::TestServer;
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;

/// 其中 parts (12) above their whole (10): a failing parts_within_whole check of indicators 0
/// and 1; the 生产总值 sentence after it takes part in no check.
const FAILING: &str = "2024年政府工作报告\n一、2023年工作回顾\n全年招引项目10个，其中亿元以上项目12个。地区生产总值500亿元。\n";
/// The same with a whole of 20: the check passes.
const PASSING: &str = "2024年政府工作报告\n一、2023年工作回顾\n全年招引项目20个，其中亿元以上项目12个。地区生产总值500亿元。\n";

fn parse(text: &str, source_uri: &str, dry_run: bool) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        source_uri: source_uri.to_owned(),
        dry_run,
        ..Default::default()
    }
}

async fn store(server: &mut TestServer, text: &str, source_uri: &str) -> pb::Report {
    let parsed = server.client.parse_report(parse(text, source_uri, false)).await.unwrap();
    parsed.into_inner().report.unwrap()
}

async fn get(server: &mut TestServer, id: &str) -> pb::Report {
    let request = pb::GetReportRequest { id: id.to_owned(), ..Default::default() };
    server.client.get_report(request).await.unwrap().into_inner()
}

/// The one parts_within_whole check of `report`, of its indicators 0 (whole) and 1 (part).
fn parts_check(report: &pb::Report) -> &pb::Check {
    assert_eq!(report.checks.len(), 1, "{:#?}", report.checks);
    let check = &report.checks[0];
    assert_eq!(check.kind, "parts_within_whole");
    assert_eq!(check.indicators, vec![0, 1]);
    assert_eq!(check.unit, "个");
    assert_eq!(check.expected, 12.0);
    check
}

#[tokio::test]
async fn get_report_shows_the_checks_stored_at_parse() {
    let mut server = TestServer::start().await;
    let failing = store(&mut server, FAILING, "failing").await;
    let passing = store(&mut server, PASSING, "passing").await;
    for (parsed, pass, stated) in [(failing, false, 10.0), (passing, true, 20.0)] {
        let read = get(&mut server, &parsed.id).await;
        assert_eq!(read.checks, parsed.checks, "GetReport reads back what ParseReport answered");
        let check = parts_check(&read);
        assert_eq!((check.pass, check.stated), (pass, stated));
        assert_eq!(check.tolerance, Some(1.0));
        let ids: Vec<&str> = read.indicators[..2].iter().map(|i| i.id.as_str()).collect();
        assert_eq!(check.indicator_ids, ids);
        let spans: Vec<_> = read.indicators[..2].iter().map(|i| i.span.unwrap()).collect();
        assert_eq!(check.spans, spans);
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_dry_run_and_the_stream_answer_checks_too() {
    let mut server = TestServer::start().await;
    let dry = server.client.parse_report(parse(FAILING, "dry", true)).await.unwrap().into_inner();
    let report = dry.report.unwrap();
    assert!(report.id.is_empty());
    let check = parts_check(&report);
    assert!(!check.pass);
    assert!(check.indicator_ids.is_empty(), "a dry run's indicators have no ids");

    let requests = vec![parse(FAILING, "s-failing", false), parse(PASSING, "s-passing", false)];
    let mut results = server.client.parse_reports(tokio_stream::iter(requests)).await.unwrap().into_inner();
    let mut passes = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        let report = result.response.unwrap().report.unwrap();
        passes.push(parts_check(&get(&mut server, &report.id).await).pass);
    }
    assert_eq!(passes, vec![false, true]);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn failed_checks_only_returns_the_failing_checks_indicators() {
    let mut server = TestServer::start().await;
    let failing = store(&mut server, FAILING, "failing").await;
    let passing = store(&mut server, PASSING, "passing").await;
    assert!(failing.indicators.len() > 2 && passing.indicators.len() > 2, "{failing:#?}");
    let query = |failed_checks_only| pb::QueryIndicatorsRequest { failed_checks_only, page_size: 1000, ..Default::default() };
    let all = server.client.query_indicators(query(false)).await.unwrap().into_inner();
    assert_eq!(all.indicators.len(), failing.indicators.len() + passing.indicators.len());

    let failed = server.client.query_indicators(query(true)).await.unwrap().into_inner();
    let mut got: Vec<&str> = failed.indicators.iter().map(|i| i.id.as_str()).collect();
    let mut want: Vec<&str> = failing.checks[0].indicator_ids.iter().map(String::as_str).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(failed.total_size, 2);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_whole_bounded_above_only_has_no_tolerance_and_passes() {
    let mut server = TestServer::start().await;
    let text = "2024年政府工作报告\n一、2023年工作回顾\n全年招引项目超10个，其中亿元以上项目12个。\n";
    let dry = server.client.parse_report(parse(text, "over", true)).await.unwrap().into_inner();
    let check = parts_check(dry.report.as_ref().unwrap());
    assert_eq!((check.stated, check.tolerance, check.pass), (10.0, None, true));
    server.stop().await.unwrap();
}

/// The `failed_check` flags of `indicators`, in order.
fn flags(indicators: &[pb::Indicator]) -> Vec<bool> {
    indicators.iter().map(|i| i.failed_check).collect()
}

#[tokio::test]
async fn indicators_say_whether_they_failed_a_check_and_when_they_were_written() {
    let mut server = TestServer::start().await;
    let failing = store(&mut server, FAILING, "failing").await;
    let passing = store(&mut server, PASSING, "passing").await;
    let n = failing.indicators.len();
    let mut want = vec![false; n];
    (want[0], want[1]) = (true, true);
    assert_eq!(flags(&failing.indicators), want, "ParseReport answers the flags");
    assert_eq!(flags(&get(&mut server, &failing.id).await.indicators), want, "GetReport reads them back");
    assert_eq!(flags(&get(&mut server, &passing.id).await.indicators), vec![false; passing.indicators.len()]);

    let query = pb::QueryIndicatorsRequest { page_size: 1000, ..Default::default() };
    let all = server.client.query_indicators(query).await.unwrap().into_inner().indicators;
    let failed: Vec<&str> = all.iter().filter(|i| i.failed_check).map(|i| i.id.as_str()).collect();
    assert_eq!(failed, failing.checks[0].indicator_ids, "QueryIndicators flags exactly the failing check's rows");

    for report in [&failing, &passing] {
        let created = chrono::DateTime::parse_from_rfc3339(&report.create_time).unwrap();
        let read = get(&mut server, &report.id).await;
        let rows = all.iter().filter(|i| i.report_id == report.id);
        for ind in read.indicators.iter().chain(rows).chain(&report.indicators) {
            let written = chrono::DateTime::parse_from_rfc3339(&ind.ingested_at);
            assert_eq!(written.ok(), Some(created), "{:?}: written with its report", ind.ingested_at);
        }
    }
    let dry = server.client.parse_report(parse(FAILING, "dry", true)).await.unwrap().into_inner().report.unwrap();
    assert!(dry.indicators.iter().all(|i| i.ingested_at.is_empty()), "a dry run writes nothing");
    assert_eq!(flags(&dry.indicators), want, "a dry run flags them too");
    server.stop().await.unwrap();
}
