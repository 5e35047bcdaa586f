//! Bounded work: parses beyond the limit wait briefly, then get RESOURCE_EXHAUSTED, while
//! the other RPCs keep answering.

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use common::{seed, TestServer};
use govreport::auth::Verifier;
use govreport::config::AuthArgs;
use govreport::domain::{hex_sha256, ParseLimit};
use govreport::proto::v1 as pb;
use govreport::rate_limit::RateLimit;
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

/// A server whose tokens `busy` and `calm` may read, each at 1 call a second in bursts of 3.
async fn rate_limited(dir: &std::path::Path) -> TestServer {
    let mut toml = String::new();
    for name in ["busy", "calm"] {
        let sha = hex_sha256(&format!("{name}-token"));
        toml += &format!("[[token]]\nname = \"{name}\"\nsha256 = \"{sha}\"\nscopes = [\"read\"]\n");
    }
    std::fs::write(dir.join("tokens.toml"), toml).unwrap();
    let args = AuthArgs {
        auth_file: Some(dir.join("tokens.toml")),
        ..Default::default()
    };
    let config = ServerConfig {
        auth: Verifier::load(&args).unwrap().map(Arc::new),
        rate_limit: Some(RateLimit {
            per_second: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(3).unwrap(),
        }),
        ..Default::default()
    };
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    TestServer::start_on(store, database, config).await
}

async fn list_as(server: &TestServer, name: &str) -> Result<(), tonic::Status> {
    let mut request = tonic::Request::new(pb::ListReportsRequest::default());
    let value = format!("Bearer {name}-token").parse().unwrap();
    request.metadata_mut().insert("authorization", value);
    server.client.clone().list_reports(request).await.map(drop)
}

#[tokio::test]
async fn a_caller_over_its_rate_limit_is_resource_exhausted_and_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = rate_limited(dir.path()).await;
    let mut codes = Vec::new();
    for _ in 0..10 {
        codes.push(
            list_as(&server, "busy")
                .await
                .err()
                .map_or(Code::Ok, |s| s.code()),
        );
    }
    assert_eq!(codes[..3], [Code::Ok; 3], "the burst: {codes:?}");
    assert!(codes.contains(&Code::ResourceExhausted), "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|c| matches!(c, Code::Ok | Code::ResourceExhausted)),
        "{codes:?}"
    );
    let refused = list_as(&server, "busy").await.unwrap_err();
    assert!(
        refused.message().contains("rate limit"),
        "{}",
        refused.message()
    );
    assert!(
        list_as(&server, "calm").await.is_ok(),
        "another caller is served"
    );
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    for _ in 0..5 {
        let request = tonic_health::pb::HealthCheckRequest::default();
        health.check(request).await.expect("health is not counted");
    }
    server.stop().await.unwrap();
}
