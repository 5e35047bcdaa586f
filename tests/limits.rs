//! Bounded work: parses beyond the limit wait briefly, then get RESOURCE_EXHAUSTED, while
//! the other RPCs keep answering.

mod common;

use std::time::Duration;

use common::{seed, TestServer};
use govreport::domain::ParseLimit;
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use pb::parse_report_request::Source;
use tonic::Code;

fn dry_run(text: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.into())),
        dry_run: true,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_parse_beyond_the_limit_is_resource_exhausted_and_others_still_answer() {
    let config = ServerConfig {
        parse_limit: ParseLimit {
            concurrent: 1,
            wait: Duration::from_millis(200),
        },
        ..Default::default()
    };
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    let server = TestServer::start_on(store, database, config).await;
    // Seconds of parsing each: far longer than the wait and the gap between the two calls.
    let big = seed("000").repeat(60);
    let (mut a, mut b, mut c) = (
        server.client.clone(),
        server.client.clone(),
        server.client.clone(),
    );
    let (first, second, listed) = tokio::join!(
        a.parse_report(dry_run(&big)),
        b.parse_report(dry_run(&big)),
        async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            c.list_reports(pb::ListReportsRequest::default()).await
        }
    );
    let (ok, refused) = match (first, second) {
        (Ok(ok), Err(refused)) | (Err(refused), Ok(ok)) => (ok, refused),
        other => panic!("one parse should run and one be refused: {other:?}"),
    };
    assert!(!ok.into_inner().report.unwrap().indicators.is_empty());
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert!(
        refused.message().contains("parser is busy (1 at once)"),
        "{}",
        refused.message()
    );
    assert!(
        listed.is_ok(),
        "other RPCs answer while the parser is busy: {listed:?}"
    );
    let small = server
        .client
        .clone()
        .parse_report(dry_run(&seed("000")))
        .await;
    assert!(small.is_ok(), "the slot is free again: {small:?}");
    server.stop().await.unwrap();
}
