//! Faults: `kill -9` of the embedded postmaster while ParseReports stream in. The service
//! restarts it by itself; no report is left partial and no failed call is stored.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::seed;
use common::serve::{free_port, postmaster_pid, Serve};
use govreport::proto::v1 as pb;
use pb::report_service_client::ReportServiceClient;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const CALLERS: usize = 2;

/// One ParseReport of the stream: its source URI and what came back.
type Outcome = (String, Result<pb::Report, tonic::Status>);

/// Calls ParseReport, each with its own source URI, until `done`.
async fn call_until(
    mut client: ReportServiceClient<Channel>,
    caller: usize,
    done: Arc<AtomicBool>,
    ok: Arc<AtomicUsize>,
) -> Vec<Outcome> {
    let text = seed("001");
    let mut outcomes = Vec::new();
    for i in 0.. {
        if done.load(Ordering::Relaxed) {
            break;
        }
        let source_uri = format!("recovery://{caller}/{i}");
        let request = pb::ParseReportRequest {
            source: Some(pb::parse_report_request::Source::Text(text.clone())),
            source_uri: source_uri.clone(),
            ..Default::default()
        };
        let answer = client.parse_report(request).await;
        let answer = answer.map(|r| r.into_inner().report.expect("a report"));
        if answer.is_ok() {
            ok.fetch_add(1, Ordering::Relaxed);
        }
        outcomes.push((source_uri, answer));
    }
    outcomes
}

async fn health(channel: &Channel) -> Option<ServingStatus> {
    let request = tonic_health::pb::HealthCheckRequest {
        service: govreport::server::SERVICE_NAME.into(),
    };
    let answer = HealthClient::new(channel.clone())
        .check(request)
        .await
        .ok()?;
    Some(answer.into_inner().status())
}

async fn wait_until(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every stored source URI, through ListReports.
async fn stored_source_uris(client: &mut ReportServiceClient<Channel>) -> Vec<String> {
    let mut uris = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = pb::ListReportsRequest {
            page_size: 500,
            page_token,
            ..Default::default()
        };
        let page = client.list_reports(page).await.unwrap().into_inner();
        uris.extend(page.reports.into_iter().map(|r| r.source_uri));
        if page.next_page_token.is_empty() {
            return uris;
        }
        page_token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_embedded_postgres_comes_back_and_leaves_no_partial_report() {
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-heal-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let mut server = Serve::started(dir.path(), port).await;
    let channel = Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let (done, ok) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let callers: Vec<_> = (0..CALLERS)
        .map(|caller| {
            let client = ReportServiceClient::new(channel.clone());
            tokio::spawn(call_until(client, caller, done.clone(), ok.clone()))
        })
        .collect();
    wait_until(
        "a few reports stored",
        Duration::from_secs(60),
        async || ok.load(Ordering::Relaxed) >= 4,
    )
    .await;

    let killed = postmaster_pid(dir.path()).expect("a running postmaster");
    // SAFETY: kill -9 of the embedded postmaster (a child of the server we started).
    assert_eq!(unsafe { libc::kill(killed, libc::SIGKILL) }, 0);
    let ok_before_kill = ok.load(Ordering::Relaxed);
    // The restart may well be quicker than the health probe's period: wait for the new
    // postmaster, then for SERVING, both within 30 s of the kill.
    let recovered = Duration::from_secs(30);
    let killed_at = Instant::now();
    wait_until("a new postmaster", recovered, async || {
        postmaster_pid(dir.path()).is_some_and(|pid| pid != killed)
    })
    .await;
    wait_until(
        "health SERVING",
        recovered - killed_at.elapsed(),
        async || health(&channel).await == Some(ServingStatus::Serving),
    )
    .await;
    wait_until(
        "more reports stored after the restart",
        Duration::from_secs(60),
        async || ok.load(Ordering::Relaxed) >= ok_before_kill + 2 * CALLERS,
    )
    .await;
    done.store(true, Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for caller in callers {
        outcomes.extend(caller.await.unwrap());
    }
    assert!(server.is_running(), "the service itself was not restarted");

    let mut client = ReportServiceClient::new(channel.clone());
    let stored = stored_source_uris(&mut client).await;
    let (oks, failed): (Vec<_>, Vec<_>) = outcomes.into_iter().partition(|(_, r)| r.is_ok());
    for (uri, answer) in &oks {
        let report = answer.as_ref().unwrap();
        assert!(!report.indicators.is_empty(), "{uri} has indicators");
        let id = report.id.clone();
        let again = client
            .get_report(pb::GetReportRequest { id, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(&again.into_inner(), report, "{uri} is stored whole");
    }
    for (uri, answer) in &failed {
        let code = answer.as_ref().unwrap_err().code();
        assert!(
            !stored.contains(uri),
            "{uri} failed ({code:?}) but was stored"
        );
    }
    let ok_uris: Vec<&String> = oks.iter().map(|(uri, _)| uri).collect();
    let others: Vec<_> = stored.iter().filter(|uri| !ok_uris.contains(uri)).collect();
    assert!(others.is_empty(), "stored without an OK call: {others:?}");
    assert_eq!(stored.len(), oks.len(), "each OK call stored once");
    eprintln!(
        "{} calls OK, {} failed across the restart",
        oks.len(),
        failed.len()
    );
}

/// In process: the restart is counted, and `stop` after a restart stops for good.
#[tokio::test]
async fn restarts_are_counted_and_stop_ends_them() {
    use govreport::embedded_pg::{EmbeddedPostgres, Options};
    use sqlx::Connection;
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-restarts-")
        .tempdir()
        .unwrap();
    let path = dir.path().to_owned();
    let pg = tokio::task::spawn_blocking(move || {
        EmbeddedPostgres::start(&path, &Options { no_fsync: true, ..Default::default() })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(pg.restarts(), 0);
    let killed = pg.pid().expect("running");
    // SAFETY: kill -9 of the postmaster we started.
    assert_eq!(unsafe { libc::kill(killed, libc::SIGKILL) }, 0);
    wait_until("a restart", Duration::from_secs(30), async || {
        let options = pg.connect_options("postgres");
        pg.restarts() == 1 && sqlx::PgConnection::connect_with(&options).await.is_ok()
    })
    .await;
    assert!(pg.pid().is_some_and(|pid| pid != killed));
    let pg = Arc::new(pg);
    tokio::task::spawn_blocking({
        let pg = pg.clone();
        move || pg.stop()
    })
    .await
    .unwrap();
    assert_eq!(pg.pid(), None);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        (pg.pid(), pg.restarts()),
        (None, 1),
        "no restart after stop"
    );
    assert!(
        postmaster_pid(dir.path()).is_none(),
        "postmaster.pid removed"
    );
}
