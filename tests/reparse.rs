//! ReparseReports against a real server and PostgreSQL: stored rows altered in SQL (an old
//! parser version, a changed value, a moved span, a lost row) are re-read from the kept text.

mod common;

use common::{seed, TestServer};
use govreport::proto::v1 as pb;
use pb::parse_report_request::Source;
use tonic::Code;
use uuid::Uuid;

async fn store(server: &mut TestServer, text: &str, uri: &str, issuer: Option<&str>) -> pb::Report {
    let request = pb::ParseReportRequest {
        source: Some(Source::Text(text.to_owned())),
        source_uri: uri.into(),
        hints: Some(pb::Hints { issuer: issuer.map(Into::into), report_year: None }),
        ..Default::default()
    };
    let parsed = server.client.parse_report(request).await.unwrap().into_inner();
    parsed.report.unwrap()
}

async fn sql(server: &TestServer, statement: &str, id: &str) {
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .bind(Uuid::parse_str(id).unwrap())
        .execute(server.store.pool())
        .await
        .unwrap();
}

/// The report as an older engine would have left it: another parser version, one value
/// changed, one indicator's span moved (removed there, added back at its own), one lost (added).
async fn age(server: &TestServer, report: &pb::Report) {
    let with_value: Vec<&pb::Indicator> =
        report.indicators.iter().filter(|i| i.value.is_some()).collect();
    assert!(with_value.len() >= 3, "the seed has figures");
    sql(server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", &report.id).await;
    sql(server, "UPDATE indicators SET value = value + 1 WHERE id = $1", &with_value[0].id).await;
    sql(server, "UPDATE indicators SET span_start = 900000, span_end = 900001 WHERE id = $1", &with_value[1].id).await;
    sql(server, "DELETE FROM indicators WHERE id = $1", &with_value[2].id).await;
}

async fn reparse(server: &mut TestServer, request: pb::ReparseReportsRequest) -> pb::ReparseReportsResponse {
    server.client.reparse_reports(request).await.unwrap().into_inner()
}

async fn get(server: &mut TestServer, id: &str) -> pb::Report {
    let request = pb::GetReportRequest { id: id.into(), ..Default::default() };
    server.client.get_report(request).await.unwrap().into_inner()
}

fn counts(r: &pb::ReparseReportsResponse) -> (i64, i64, i64, i64, i64, i64) {
    (r.reports_done, r.reports_skipped, r.indicators_added, r.indicators_removed, r.indicators_changed, r.reports_remaining)
}

/// Values by span, for comparing two readings of a report.
fn readings(r: &pb::Report) -> Vec<(Option<pb::Span>, String, Option<f64>)> {
    r.indicators.iter().map(|i| (i.span, i.name.clone(), i.value)).collect()
}

#[tokio::test]
async fn stale_reports_are_read_again_under_the_same_id() {
    let mut server = TestServer::start().await;
    let stale = store(&mut server, &seed("000"), "a", Some("甲县")).await;
    let current = store(&mut server, &seed("001"), "b", None).await;
    age(&server, &stale).await;
    let aged = get(&mut server, &stale.id).await;
    assert_eq!(aged.parser_version, "old");

    let dry = reparse(&mut server, pb::ReparseReportsRequest { dry_run: true, ..Default::default() }).await;
    assert_eq!(counts(&dry), (1, 0, 2, 1, 1, 0), "only the stale report: {dry:?}");
    assert_eq!(get(&mut server, &stale.id).await, aged, "a dry run writes nothing");

    let done = reparse(&mut server, pb::ReparseReportsRequest::default()).await;
    assert_eq!(counts(&done), (1, 0, 2, 1, 1, 0), "{done:?}");
    assert_eq!(done.parser_version, govreport_extract::PARSER_VERSION);
    assert!(done.next_page_token.is_empty());
    let again = get(&mut server, &stale.id).await;
    assert_eq!(again.id, stale.id);
    assert_eq!(again.parser_version, govreport_extract::PARSER_VERSION);
    assert_eq!(again.issuer, "甲县", "the hint still wins");
    assert_eq!((again.create_time.clone(), again.source_uri.clone()), (stale.create_time.clone(), "a".into()));
    assert_eq!(readings(&again), readings(&stale), "the engine's reading is back");
    assert_eq!(again.indicator_count as usize, stale.indicators.len());
    let queried = server
        .client
        .query_indicators(pb::QueryIndicatorsRequest { report_id: stale.id.clone(), page_size: 1000, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(queried.total_size as usize, stale.indicators.len());
    assert_eq!(get(&mut server, &current.id).await, current, "a current report is left alone");

    let nothing = reparse(&mut server, pb::ReparseReportsRequest::default()).await;
    assert_eq!(counts(&nothing), (0, 0, 0, 0, 0, 0));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_filter_rereads_its_reports_whatever_their_version_and_skips_those_without_text() {
    let mut server = TestServer::start().await;
    let a = store(&mut server, &seed("000"), "a", Some("甲县")).await;
    let b = store(&mut server, &seed("001"), "b", Some("乙县")).await;
    let by_issuer = pb::ReparseReportsRequest { issuer: "甲县".into(), ..Default::default() };
    let same = reparse(&mut server, by_issuer.clone()).await;
    assert_eq!(counts(&same), (1, 0, 0, 0, 0, 0), "the current engine reads the same");

    sql(&server, "UPDATE reports SET text = NULL, parser_version = 'old' WHERE id = $1", &b.id).await;
    let by_id = pb::ReparseReportsRequest { report_ids: vec![a.id.clone(), b.id.clone()], ..Default::default() };
    assert_eq!(counts(&reparse(&mut server, by_id).await), (1, 1, 0, 0, 0, 0));
    let stale = reparse(&mut server, pb::ReparseReportsRequest::default()).await;
    assert_eq!(counts(&stale), (0, 1, 0, 0, 0, 0), "kept no text: skipped, and counted");
    // Counted once per run, by its first batch, and never visited.
    let c = store(&mut server, &seed("003"), "c", None).await;
    for id in [&a.id, &c.id] {
        sql(&server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", id).await;
    }
    let one = pb::ReparseReportsRequest { page_size: 1, ..Default::default() };
    let first = reparse(&mut server, one.clone()).await;
    assert_eq!(counts(&first), (1, 1, 0, 0, 0, 1));
    let next = pb::ReparseReportsRequest { page_token: first.next_page_token, ..one };
    assert_eq!(counts(&reparse(&mut server, next).await), (1, 0, 0, 0, 0, 0));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_run_goes_in_batches_and_a_stopped_run_continues() {
    let mut server = TestServer::start().await;
    let mut ids = Vec::new();
    for (n, seed_name) in ["000", "001", "003"].into_iter().enumerate() {
        let report = store(&mut server, &seed(seed_name), &format!("r{n}"), None).await;
        sql(&server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", &report.id).await;
        ids.push(report.id);
    }
    // One batch of one, then the run stops; started again, it finds the two left.
    let one = pb::ReparseReportsRequest { page_size: 1, ..Default::default() };
    let first = reparse(&mut server, one.clone()).await;
    assert_eq!((first.reports_done, first.reports_remaining), (1, 2));
    assert!(!first.next_page_token.is_empty());
    assert_eq!(get(&mut server, &ids[0]).await.parser_version, govreport_extract::PARSER_VERSION);
    assert_eq!(get(&mut server, &ids[1]).await.parser_version, "old", "storage order");
    let restart = reparse(&mut server, one.clone()).await;
    assert_eq!((restart.reports_done, restart.reports_remaining), (1, 1));
    let last = reparse(&mut server, pb::ReparseReportsRequest { page_token: restart.next_page_token, ..one.clone() }).await;
    assert_eq!((last.reports_done, last.reports_remaining), (1, 0));
    assert!(last.next_page_token.is_empty());

    // A dry run pages by its token (nothing changes to move it on).
    for id in &ids {
        sql(&server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", id).await;
    }
    let dry = pb::ReparseReportsRequest { page_size: 2, dry_run: true, ..Default::default() };
    let page1 = reparse(&mut server, dry.clone()).await;
    assert_eq!((page1.reports_done, page1.reports_remaining), (2, 1));
    let page2 = reparse(&mut server, pb::ReparseReportsRequest { page_token: page1.next_page_token.clone(), ..dry.clone() }).await;
    assert_eq!((page2.reports_done, page2.reports_remaining), (1, 0));
    // A token is bound to its run: not a real run's, nor a made-up one.
    let wrong = pb::ReparseReportsRequest { page_token: page1.next_page_token, ..one };
    assert_invalid(server.client.reparse_reports(wrong).await.unwrap_err(), "page_token");
    server.stop().await.unwrap();
}

fn assert_invalid(status: tonic::Status, field: &str) {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().starts_with(&format!("{field}:")), "{:?} names {field}", status.message());
    let violations = status.get_details_bad_request().expect("a BadRequest").field_violations;
    assert_eq!(violations[0].field, field);
}

#[tokio::test]
async fn bad_filters_are_invalid_argument_naming_the_field_and_change_nothing() {
    let mut server = TestServer::start().await;
    let report = store(&mut server, &seed("000"), "a", None).await;
    sql(&server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", &report.id).await;
    let cases = [
        ("report_ids", pb::ReparseReportsRequest { report_ids: vec!["nope".into()], ..Default::default() }),
        ("report_ids", pb::ReparseReportsRequest { report_ids: vec![String::new()], ..Default::default() }),
        ("issuer", pb::ReparseReportsRequest { issuer: "甲\u{0}县".into(), ..Default::default() }),
        ("report_year_from", pb::ReparseReportsRequest { report_year_from: Some(20), ..Default::default() }),
        ("report_year_to", pb::ReparseReportsRequest { report_year_to: Some(3000), ..Default::default() }),
        ("report_year_from", pb::ReparseReportsRequest { report_year_from: Some(2024), report_year_to: Some(2020), ..Default::default() }),
        ("page_size", pb::ReparseReportsRequest { page_size: -1, ..Default::default() }),
        ("page_token", pb::ReparseReportsRequest { page_token: "made-up".into(), ..Default::default() }),
    ];
    for (field, request) in cases {
        assert_invalid(server.client.reparse_reports(request).await.unwrap_err(), field);
    }
    assert_eq!(get(&mut server, &report.id).await.parser_version, "old");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_reparse_command_runs_a_whole_run_and_prints_its_totals() {
    let mut server = TestServer::start().await;
    for (n, seed_name) in ["000", "001", "003"].into_iter().enumerate() {
        let report = store(&mut server, &seed(seed_name), &format!("r{n}"), None).await;
        sql(&server, "UPDATE reports SET parser_version = 'old' WHERE id = $1", &report.id).await;
        if n == 0 {
            age(&server, &report).await;
        }
    }
    let addr = format!("http://{}", server.addr);
    // The server runs on this test's runtime: the command waits on the blocking pool.
    let run = |dry: bool| {
        let addr = addr.clone();
        tokio::task::spawn_blocking(move || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_govreport"));
            command.args(["reparse", "--addr", &addr, "--batch", "2"]);
            if dry {
                command.arg("--dry-run");
            }
            command.output()
        })
    };
    let out = run(false).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with("3 reports re-parsed with govreport-extract")
            && stdout.contains("0 skipped (no kept text); indicators: 2 added, 1 removed, 1 changed;"),
        "{stdout}"
    );
    let again = run(true).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.starts_with("dry run: 0 reports re-parsed"), "{stdout}");
    server.stop().await.unwrap();
}
