//! Prometheus metrics on `--metrics-listen`: real calls through a real server, then
//! `GET /metrics` over HTTP, asserting the series those calls must have moved.
//!
//! The recorder is process-wide, so this binary has one in-process server; the others are
//! `govreport serve` child processes, each its own process.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::calls::{call, Rpc};
use common::scrape::{fetch, listening_ports, samples};
use common::serve::{free_port, postmaster_pid, wait_healthy, Serve};
use common::{seed, TestServer};
use govreport::proto::v1 as pb;
use govreport::rate_limit::RateLimit;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use pb::parse_report_request::Source;
use tonic::Code;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

const PARSE: &str = "/govreport.v1.ReportService/ParseReport";
const QUERY: &str = "/govreport.v1.ReportService/QueryIndicators";
const EXPORT: &str = "/govreport.v1.ReportService/ExportIndicators";

fn requests(method: &str, code: &str) -> String {
    format!("govreport_grpc_requests_total{{method=\"{method}\",code=\"{code}\"}}")
}

fn parse_request(text: &str, source_uri: &str, dry_run: bool) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(Source::Text(text.into())),
        source_uri: source_uri.into(),
        dry_run,
        ..Default::default()
    }
}

/// `/metrics` of `addr` as samples; asserts the status and the content type's format.
async fn scrape(addr: SocketAddr) -> HashMap<String, f64> {
    let (status, body) = fetch(addr, "/metrics").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("# TYPE govreport_grpc_requests_total counter"),
        "{body}"
    );
    samples(&body)
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("no {series} in {:#?}", samples.keys().collect::<Vec<_>>()))
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_parses_and_the_pool_show_in_the_scrape() {
    let metrics = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let config = ServerConfig {
        metrics: Some(metrics),
        rate_limit: Some(RateLimit {
            per_second: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(8).unwrap(),
        }),
        ..Default::default()
    };
    let (store, database) = common::fresh_store(PoolConfig::default()).await;
    let mut server = TestServer::start_on(store, database, config).await;
    assert_eq!(server.metrics, Some(metrics));

    let text = seed("001");
    let parsed = server
        .client
        .parse_report(parse_request(&text, "metrics://one", false))
        .await;
    let indicators = parsed
        .unwrap()
        .into_inner()
        .report
        .unwrap()
        .indicators
        .len();
    assert!(indicators > 0);
    let empty = server
        .client
        .parse_report(parse_request("", "metrics://empty", false))
        .await;
    assert_eq!(empty.unwrap_err().code(), Code::InvalidArgument);
    server
        .client
        .query_indicators(pb::QueryIndicatorsRequest::default())
        .await
        .unwrap();
    // A server stream: its status comes in the trailers after the last message.
    assert_eq!(
        call(&mut server, Rpc::ExportIndicators, None, "").await,
        Code::Ok
    );

    let m = scrape(metrics).await;
    assert_eq!(value(&m, &requests(PARSE, "OK")), 1.0);
    assert_eq!(value(&m, &requests(PARSE, "INVALID_ARGUMENT")), 1.0);
    assert_eq!(value(&m, &requests(QUERY, "OK")), 1.0);
    assert_eq!(value(&m, &requests(EXPORT, "OK")), 1.0);
    let latency = format!("govreport_grpc_request_duration_seconds_count{{method=\"{PARSE}\"}}");
    assert_eq!(value(&m, &latency), 2.0);
    // Only the good ParseReport reached the engine.
    assert_eq!(value(&m, "govreport_parse_duration_seconds_count"), 1.0);
    assert!(value(&m, "govreport_parse_duration_seconds_sum") > 0.0);
    assert_eq!(
        value(&m, "govreport_parse_input_bytes_sum"),
        text.len() as f64
    );
    assert_eq!(
        value(&m, "govreport_parse_indicators_sum"),
        indicators as f64
    );
    let bucket = "govreport_parse_indicators_bucket{le=\"+Inf\"}";
    assert_eq!(value(&m, bucket), 1.0);
    let (in_use, idle) = (
        value(&m, "govreport_db_pool_connections{state=\"in_use\"}"),
        value(&m, "govreport_db_pool_connections{state=\"idle\"}"),
    );
    assert!(
        in_use + idle >= 1.0 && in_use + idle <= 10.0,
        "{in_use} + {idle}"
    );
    assert_eq!(value(&m, "govreport_db_pool_max_connections"), 10.0);
    assert_eq!(value(&m, "govreport_rate_limited_total"), 0.0);

    rate_limit_rejections_are_counted(&mut server, metrics).await;
    a_stream_left_early_counts_cancelled(&server, metrics).await;
    assert_eq!(fetch(metrics, "/other").await.0, 404);
    server.stop().await.unwrap();
}

/// A health Watch dropped after its first message: the call ends without trailers.
async fn a_stream_left_early_counts_cancelled(server: &TestServer, metrics: SocketAddr) {
    let mut health = HealthClient::new(server.channel.clone());
    let request = HealthCheckRequest {
        service: String::new(),
    };
    let mut watch = health.watch(request).await.unwrap().into_inner();
    assert!(watch.message().await.unwrap().is_some());
    drop(watch);
    let series = requests("/grpc.health.v1.Health/Watch", "CANCELLED");
    // The server learns of it from the client's RST_STREAM: soon, not at once.
    let deadline = Instant::now() + Duration::from_secs(10);
    while scrape(metrics).await.get(&series) != Some(&1.0) {
        assert!(Instant::now() < deadline, "no {series} = 1 within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A burst past the limit: every RESOURCE_EXHAUSTED the client saw is in both counters.
async fn rate_limit_rejections_are_counted(server: &mut TestServer, metrics: SocketAddr) {
    let before = scrape(metrics).await;
    let (mut ok, mut refused) = (0.0, 0.0);
    for _ in 0..12 {
        match server
            .client
            .query_indicators(pb::QueryIndicatorsRequest::default())
            .await
        {
            Ok(_) => ok += 1.0,
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                refused += 1.0;
            }
        }
    }
    assert!(
        refused >= 1.0,
        "a burst of 12 past a burst of 8 is refused in part"
    );
    let after = scrape(metrics).await;
    let moved = |series: &str| value(&after, series) - before.get(series).copied().unwrap_or(0.0);
    assert_eq!(moved("govreport_rate_limited_total"), refused);
    assert_eq!(moved(&requests(QUERY, "RESOURCE_EXHAUSTED")), refused);
    assert_eq!(moved(&requests(QUERY, "OK")), ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn parses_refused_for_want_of_a_slot_are_counted() {
    // A child process: its recorder is not the in-process server's.
    let data = tempfile::Builder::new()
        .prefix("govreport-test-metrics-")
        .tempdir()
        .unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let metrics = SocketAddr::from(([127, 0, 0, 1], metrics_port));
    let envs = [
        ("GOVREPORT_METRICS_LISTEN", metrics.to_string()),
        ("GOVREPORT_MAX_PARSES", "1".to_owned()),
        ("GOVREPORT_PARSE_WAIT_MS", "50".to_owned()),
    ];
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let serve = Serve::started_with(data.path(), port, &envs).await;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let client = pb::report_service_client::ReportServiceClient::new(channel);
    // Each takes far longer than the 50 ms wait: at most one of two at once gets the slot.
    let big = seed("000").repeat(20);
    let (mut a, mut b) = (client.clone(), client.clone());
    let (first, second) = tokio::join!(
        a.parse_report(parse_request(&big, "", true)),
        b.parse_report(parse_request(&big, "", true)),
    );
    let refused = [&first, &second]
        .iter()
        .filter(|r| matches!(r, Err(s) if s.code() == Code::ResourceExhausted))
        .count() as f64;
    assert_eq!(refused, 1.0, "{first:?} {second:?}");
    let m = scrape(metrics).await;
    assert_eq!(value(&m, "govreport_parse_rejected_total"), refused);
    assert_eq!(value(&m, &requests(PARSE, "RESOURCE_EXHAUSTED")), refused);
    assert_eq!(value(&m, "govreport_parse_duration_seconds_count"), 1.0);
    drop(serve);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_response_refused_after_its_headers_counts_the_code_of_its_trailers() {
    let data = tempfile::Builder::new()
        .prefix("govreport-test-metrics-")
        .tempdir()
        .unwrap();
    let (port, metrics) = (free_port(), SocketAddr::from(([127, 0, 0, 1], free_port())));
    let addr = metrics.to_string();
    // The seed's text fits in 20000 bytes; its report with indicators does not.
    let envs = [
        ("GOVREPORT_METRICS_LISTEN", addr.as_str()),
        ("GOVREPORT_MAX_MESSAGE_BYTES", "20000"),
    ];
    let serve = Serve::started_with(data.path(), port, &envs).await;
    let mut client =
        pb::report_service_client::ReportServiceClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .unwrap();
    let too_big = client
        .parse_report(parse_request(&seed("001"), "", true))
        .await;
    assert_eq!(too_big.unwrap_err().code(), Code::FailedPrecondition);
    // Stored in view BASIC, its indicators in one page do not fit: the encoder's error,
    // after the response's headers.
    let basic = pb::ParseReportRequest { view: pb::ReportView::Basic as i32, ..parse_request(&seed("001"), "", false) };
    client.parse_report(basic).await.unwrap();
    let page = pb::QueryIndicatorsRequest { page_size: 1000, ..Default::default() };
    assert_eq!(client.query_indicators(page).await.unwrap_err().code(), Code::OutOfRange);
    let m = scrape(metrics).await;
    assert_eq!(value(&m, &requests(PARSE, "FAILED_PRECONDITION")), 1.0);
    assert_eq!(value(&m, &requests(PARSE, "OK")), 1.0);
    assert_eq!(value(&m, &requests(QUERY, "OUT_OF_RANGE")), 1.0);
    drop(serve);
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_off_by_default_and_count_embedded_postgres_restarts() {
    let data = tempfile::Builder::new()
        .prefix("govreport-test-metrics-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let serve = Serve::started_with(data.path(), port, &[]).await;
    let ports = listening_ports(serve.child.id());
    assert_eq!(ports, BTreeSet::from([port]), "only gRPC listens");
    assert_eq!(serve.terminate().code(), Some(0));

    let metrics = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let addr = metrics.to_string();
    let envs = [("GOVREPORT_METRICS_LISTEN", addr.as_str())];
    let serve = Serve::started_with(data.path(), port, &envs).await;
    let ports = listening_ports(serve.child.id());
    assert_eq!(ports, BTreeSet::from([port, metrics.port()]));
    let m = scrape(metrics).await;
    assert_eq!(value(&m, "govreport_embedded_pg_restarts_total"), 0.0);

    let pid = postmaster_pid(data.path()).expect("the postmaster's pid");
    // SAFETY: SIGKILL to the embedded postmaster this test's server started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let restarts = |m: &HashMap<String, f64>| value(m, "govreport_embedded_pg_restarts_total");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut m = scrape(metrics).await;
    while restarts(&m) == 0.0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        m = scrape(metrics).await;
    }
    assert_eq!(restarts(&m), 1.0);
    tokio::task::spawn_blocking(move || wait_healthy(port, Duration::from_secs(30)))
        .await
        .unwrap();
    assert!(m.contains_key("govreport_db_pool_connections{state=\"idle\"}"));
    assert_eq!(serve.terminate().code(), Some(0));
}
