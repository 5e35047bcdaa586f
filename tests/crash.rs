//! Faults: SIGKILL of the service itself in the middle of a ParseReports stream. Its
//! embedded PostgreSQL is left behind, shutting down; `serve` started again on the same
//! data dir starts and serves, and every report is stored whole or not at all.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::serve::{free_port, Serve};
use common::seed;
use govreport::proto::v1 as pb;
use pb::report_service_client::ReportServiceClient;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use tonic::transport::Channel;

const REPORTS: usize = 400;
/// Results received before the kill: batches were committed before it.
const KILL_AFTER: usize = 40;
const SEEDS: [&str; 3] = ["000", "001", "003"];

fn request(n: usize) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(pb::parse_report_request::Source::Text(seed(SEEDS[n % 3]))),
        source_uri: format!("crash://{n}"),
        ..Default::default()
    }
}

async fn client(port: u16) -> ReportServiceClient<Channel> {
    let channel = Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    ReportServiceClient::new(channel)
}

/// Streams every report from a task of its own; the source URIs answered OK go to `ok`.
async fn stream(port: u16, ok: Arc<Mutex<Vec<String>>>) -> tokio::task::JoinHandle<()> {
    let requests = tokio_stream::iter((0..REPORTS).map(request));
    let mut results = client(port)
        .await
        .parse_reports(requests)
        .await
        .unwrap()
        .into_inner();
    tokio::spawn(async move {
        // Until the service is killed: then the stream breaks.
        while let Ok(Some(result)) = results.message().await {
            let status = result.status.clone().unwrap_or_default();
            assert_eq!(status.code, 0, "{result:?}");
            ok.lock().unwrap().push(result.source_uri);
        }
    })
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "{what} within 60 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Holds writes of indicators (reads go on) until the connection ends, and waits until a
/// batch of the service is inside its transaction, waiting for the lock.
async fn hold_a_batch_mid_write(data_dir: &Path) -> PgConnection {
    let mut lock = database(data_dir).await;
    sqlx::raw_sql("BEGIN; LOCK TABLE indicators IN EXCLUSIVE MODE")
        .execute(&mut lock)
        .await
        .unwrap();
    let mut watch = database(data_dir).await;
    wait_until("a batch waiting for the lock", async || {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO indicators%'",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap();
        waiting > 0
    })
    .await;
    lock
}

/// What the engine makes of each seed: (sections, indicators), by a dry run.
async fn dry_run_counts(client: &mut ReportServiceClient<Channel>) -> Vec<(usize, usize)> {
    let mut counts = Vec::new();
    for n in 0..SEEDS.len() {
        let dry_run = pb::ParseReportRequest {
            dry_run: true,
            ..request(n)
        };
        let answer = client.parse_report(dry_run).await.unwrap().into_inner();
        let report = answer.report.unwrap();
        assert!(!report.indicators.is_empty());
        counts.push((report.sections.len(), report.indicators.len()));
    }
    counts
}

/// The service's database, straight through the embedded server's socket.
async fn database(data_dir: &Path) -> PgConnection {
    let options = PgConnectOptions::new()
        .socket(data_dir.join("pgdata"))
        .port(5432)
        .username("postgres")
        .database("govreport");
    PgConnection::connect_with(&options).await.unwrap()
}

/// Every stored report: source URI → (indicator_count, sections rows, indicator rows).
async fn stored(db: &mut PgConnection) -> BTreeMap<String, (i64, i64, i64)> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT r.source_uri, r.indicator_count::int8, \
           (SELECT count(*) FROM sections s WHERE s.report_id = r.id), \
           (SELECT count(*) FROM indicators i WHERE i.report_id = r.id) \
         FROM reports r",
    )
    .fetch_all(db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(uri, count, sections, indicators)| (uri, (count, sections, indicators)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_killed_mid_ingest_restarts_on_its_data_dir_with_nothing_partial() {
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-crash-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let mut server = Serve::started(dir.path(), port).await;
    let ok = Arc::new(Mutex::new(Vec::new()));
    let streaming = stream(port, ok.clone()).await;
    wait_until("reports stored before the kill", async || {
        ok.lock().unwrap().len() >= KILL_AFTER
    })
    .await;
    // A batch with its reports and sections written, its indicators not yet: kill -9 then.
    let _lock = hold_a_batch_mid_write(dir.path()).await;
    // SAFETY: kill -9 of the service we started, mid-stream.
    assert_eq!(unsafe { libc::kill(server.child.id() as i32, libc::SIGKILL) }, 0);
    server.child.wait().unwrap();
    streaming.await.unwrap();
    let ok_before = ok.lock().unwrap().clone();

    let port = free_port();
    let restarted = Serve::started(dir.path(), port).await;
    let mut client = client(port).await;
    let counts = dry_run_counts(&mut client).await;
    let stored = stored(&mut database(dir.path()).await).await;
    for uri in &ok_before {
        assert!(stored.contains_key(uri), "{uri} was answered OK but is not stored");
    }
    for (uri, &(count, sections, indicators)) in &stored {
        let n: usize = uri.strip_prefix("crash://").unwrap().parse().unwrap();
        let (want_sections, want_indicators) = counts[n % 3];
        assert_eq!(
            (count, sections, indicators),
            (want_indicators as i64, want_sections as i64, want_indicators as i64),
            "{uri} is stored whole: indicator_count, section rows, indicator rows"
        );
    }
    assert!(stored.len() < REPORTS, "the kill came mid-stream");
    let answer = client.parse_report(request(REPORTS)).await.unwrap().into_inner();
    assert!(answer.created, "the restarted service stores reports");
    eprintln!(
        "{} answered OK before the kill, {} stored after the restart, of {REPORTS} sent",
        ok_before.len(),
        stored.len()
    );
    drop(restarted);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_service_on_the_same_data_dir_is_refused_and_the_first_serves_on() {
    let dir = tempfile::Builder::new()
        .prefix("govreport-test-twice-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let mut first = Serve::started(dir.path(), port).await;
    let path = dir.path().to_owned();
    let second = tokio::task::spawn_blocking(move || {
        std::process::Command::new(common::serve::BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port()), "--data-dir"])
            .arg(path)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(stderr.contains("is another govreport serve using this data directory?"), "{stderr}");
    assert!(first.is_running());
    let answer = client(port).await.parse_report(request(0)).await;
    assert!(answer.is_ok(), "the first still serves: {answer:?}");
}
