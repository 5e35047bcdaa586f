//! ExportIndicators and updated_after against a real server and PostgreSQL: the export is
//! QueryIndicators' rows (all pages), CSV with one header over several chunks, JSON lines;
//! a re-parse makes its report's rows new for updated_after.

mod common;

use std::path::PathBuf;

use common::TestServer;
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;
use tonic::Code;

fn corpus(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(name);
    std::fs::read_to_string(path).unwrap()
}

const REPORTS: [&str; 4] = [
    "external/national_2024_gwr.txt",
    "external/hailaer_district_2016_gwr.txt",
    "external/shaanxi_province_2026_gwr.txt",
    "seeds/000_5c548b74d12d1e64.txt",
];

async fn store_all(server: &mut TestServer) -> Vec<pb::Report> {
    let mut stored = Vec::new();
    for name in REPORTS {
        let request = pb::ParseReportRequest {
            source: Some(Source::Text(corpus(name))),
            source_uri: name.into(),
            ..Default::default()
        };
        let parsed = server.client.parse_report(request).await.unwrap().into_inner();
        stored.push(parsed.report.unwrap());
    }
    stored
}

/// Every chunk of an export.
async fn export(server: &mut TestServer, query: pb::QueryIndicatorsRequest, format: pb::ExportFormat) -> Vec<pb::ExportIndicatorsChunk> {
    let request = pb::ExportIndicatorsRequest { query: Some(query), format: format as i32 };
    let mut stream = server.client.export_indicators(request).await.unwrap().into_inner();
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.message().await.unwrap() {
        chunks.push(chunk);
    }
    chunks
}

/// The ids QueryIndicators returns over all its pages.
async fn query_ids(server: &mut TestServer, mut query: pb::QueryIndicatorsRequest) -> Vec<String> {
    query.page_size = 1000;
    let mut ids = Vec::new();
    loop {
        let page = server.client.query_indicators(query.clone()).await.unwrap().into_inner();
        ids.extend(page.indicators.into_iter().map(|i| i.id));
        if page.next_page_token.is_empty() {
            return ids;
        }
        query.page_token = page.next_page_token;
    }
}

fn csv_text(chunks: &[pb::ExportIndicatorsChunk]) -> String {
    let bytes: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
    String::from_utf8(bytes).unwrap()
}

/// The first field of each CSV record after the header (ids are never quoted), and how
/// many header lines there were. Quoted fields may hold line feeds: count quotes.
fn csv_ids(text: &str) -> (Vec<String>, usize) {
    let (mut ids, mut headers, mut record, mut quoted) = (Vec::new(), 0, String::new(), false);
    for line in text.split_inclusive('\n') {
        record.push_str(line);
        quoted ^= line.matches('"').count() % 2 == 1;
        if quoted {
            continue;
        }
        let first = record.split(',').next().unwrap().to_owned();
        match first.as_str() {
            "id" => headers += 1,
            _ => ids.push(first),
        }
        record.clear();
    }
    (ids, headers)
}

#[tokio::test]
async fn an_export_is_the_rows_query_indicators_pages_through() {
    let mut server = TestServer::start().await;
    let stored = store_all(&mut server).await;
    let all = pb::QueryIndicatorsRequest::default();
    let chunks = export(&mut server, all.clone(), pb::ExportFormat::Csv).await;
    assert!(chunks.len() > 1, "more than one chunk of 64 KiB");
    assert!(chunks.iter().all(|c| c.data.ends_with(b"\n")), "chunks hold whole lines");
    let text = csv_text(&chunks);
    assert!(text.starts_with(govreport::export::CSV_HEADER));
    let (ids, headers) = csv_ids(&text);
    assert_eq!(headers, 1, "one header");
    assert_eq!(ids, query_ids(&mut server, all).await, "the same rows in storage order");
    assert_eq!(chunks.iter().map(|c| c.rows as usize).sum::<usize>(), ids.len());
    let total: usize = stored.iter().map(|r| r.indicators.len()).sum();
    assert_eq!(ids.len(), total);

    let filter = pb::QueryIndicatorsRequest {
        kind: pb::IndicatorKind::Target as i32,
        report_year_from: Some(2024),
        ..Default::default()
    };
    let (ids, _) = csv_ids(&csv_text(&export(&mut server, filter.clone(), pb::ExportFormat::Csv).await));
    let want = query_ids(&mut server, filter.clone()).await;
    assert!(!want.is_empty() && want.len() < total, "a real filter: {}", want.len());
    assert_eq!(ids, want);

    let lines = csv_text(&export(&mut server, filter, pb::ExportFormat::Jsonl).await);
    let json: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let json_ids: Vec<String> = json.iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(json_ids, want);
    assert!(json.iter().all(|v| v["ingestTime"].is_string() && v["reportId"].is_string()));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn updated_after_keeps_the_rows_written_since() {
    let mut server = TestServer::start().await;
    let stored = store_all(&mut server).await;
    let since: String = sqlx::query_scalar("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        .fetch_one(server.store.pool())
        .await
        .unwrap();
    let after = pb::QueryIndicatorsRequest { updated_after: since.clone(), ..Default::default() };
    assert!(query_ids(&mut server, after.clone()).await.is_empty(), "nothing written since");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // A re-parse writes one report's rows anew: those, and only those, are new since.
    let one = &stored[1];
    let request = pb::ReparseReportsRequest { report_ids: vec![one.id.clone()], ..Default::default() };
    server.client.reparse_reports(request).await.unwrap();
    let new_ids = query_ids(&mut server, after.clone()).await;
    assert_eq!(new_ids.len(), one.indicators.len());
    let page = server.client.query_indicators(pb::QueryIndicatorsRequest { page_size: 1, ..after.clone() }).await.unwrap().into_inner();
    assert_eq!(page.indicators[0].report_id, one.id);
    assert_eq!(page.total_size as usize, one.indicators.len());
    let (exported, _) = csv_ids(&csv_text(&export(&mut server, after, pb::ExportFormat::Csv).await));
    assert_eq!(exported, new_ids);
    let before_all = pb::QueryIndicatorsRequest { updated_after: "2000-01-01T00:00:00+08:00".into(), ..Default::default() };
    let total: usize = stored.iter().map(|r| r.indicators.len()).sum();
    assert_eq!(query_ids(&mut server, before_all).await.len(), total);
    server.stop().await.unwrap();
}

fn assert_invalid(status: tonic::Status, field: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().starts_with(&format!("{field}:")), "{:?} names {field}", status.message());
}

#[tokio::test]
async fn bad_export_requests_name_the_field() {
    let mut server = TestServer::start().await;
    let bad_time = pb::QueryIndicatorsRequest { updated_after: "yesterday".into(), ..Default::default() };
    assert_invalid(server.client.query_indicators(bad_time.clone()).await.unwrap_err(), "updated_after");
    let cases = [
        ("updated_after", Some(bad_time), 0),
        ("format", None, 9),
        ("page_size", Some(pb::QueryIndicatorsRequest { page_size: 10, ..Default::default() }), 0),
        ("order_by", Some(pb::QueryIndicatorsRequest { order_by: 1, ..Default::default() }), 0),
        ("kind", Some(pb::QueryIndicatorsRequest { kind: 7, ..Default::default() }), 0),
    ];
    for (field, query, format) in cases {
        let request = pb::ExportIndicatorsRequest { query, format };
        assert_invalid(server.client.export_indicators(request).await.unwrap_err(), field);
    }
    // An export of nothing is the header alone.
    let none = pb::QueryIndicatorsRequest { issuer: "无此县".into(), ..Default::default() };
    let text = csv_text(&export(&mut server, none, pb::ExportFormat::Csv).await);
    assert_eq!(text, govreport::export::CSV_HEADER);
    server.stop().await.unwrap();
}

/// 其中 parts (12) above their whole (10): a failing check of indicators 0 and 1 (tests/checks.rs).
const FAILING: &str = "2024年政府工作报告\n一、2023年工作回顾\n全年招引项目10个，其中亿元以上项目12个。地区生产总值500亿元。\n";
const PASSING: &str = "2024年政府工作报告\n一、2023年工作回顾\n全年招引项目20个，其中亿元以上项目12个。地区生产总值500亿元。\n";

/// (id, failed_check) of each CSV record: the first and the last field (neither is quoted).
fn csv_flags(text: &str) -> Vec<(String, String)> {
    let records = text.lines().skip(1);
    records.map(|l| (l.split(',').next().unwrap().into(), l.rsplit(',').next().unwrap().into())).collect()
}

#[tokio::test]
async fn failed_checks_only_exports_the_failing_rows_with_their_flag() {
    let mut server = TestServer::start().await;
    let mut failing = Vec::new();
    for (text, uri) in [(FAILING, "failing"), (PASSING, "passing")] {
        let request = pb::ParseReportRequest { source: Some(Source::Text(text.into())), source_uri: uri.into(), ..Default::default() };
        let report = server.client.parse_report(request).await.unwrap().into_inner().report.unwrap();
        failing.extend(report.checks.iter().filter(|c| !c.pass).flat_map(|c| c.indicator_ids.clone()));
    }
    assert_eq!(failing.len(), 2);
    assert!(govreport::export::CSV_HEADER.ends_with(",ingested_at,failed_check\n"));

    let all = csv_flags(&csv_text(&export(&mut server, Default::default(), pb::ExportFormat::Csv).await));
    assert!(all.len() > 4, "{all:?}");
    let flagged: Vec<&String> = all.iter().filter(|(_, f)| f == "true").map(|(id, _)| id).collect();
    assert_eq!(flagged, failing.iter().collect::<Vec<_>>(), "the column flags the failing rows");
    assert!(all.iter().all(|(_, f)| f == "true" || f == "false"));

    let only = pb::QueryIndicatorsRequest { failed_checks_only: true, ..Default::default() };
    let rows = csv_flags(&csv_text(&export(&mut server, only.clone(), pb::ExportFormat::Csv).await));
    let want: Vec<(String, String)> = failing.iter().map(|id| (id.clone(), "true".into())).collect();
    assert_eq!(rows, want, "failed_checks_only: the failing rows only");
    assert_eq!(query_ids(&mut server, only.clone()).await, failing, "as QueryIndicators");

    let lines = csv_text(&export(&mut server, only, pb::ExportFormat::Jsonl).await);
    let json: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = json.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, failing);
    assert!(json.iter().all(|v| v["failedCheck"] == true && v["ingestedAt"] == v["ingestTime"]));
    server.stop().await.unwrap();
}
