//! A Citus worker lost and back (`GOVREPORT_TEST_BACKEND=citus` only; skipped with a message on
//! the postgres backend): reads that need it answer UNAVAILABLE, never INTERNAL; health stays
//! SERVING while the coordinator answers; a ParseReport during the outage stores nothing; when
//! the worker is back the same service (no restart) answers again and stores the report whole.

mod common;

use std::time::{Duration, Instant};

use common::{seed, TestServer};
use sqlx::Connection;
use govreport::proto::v1 as pb;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// One test at a time: one stops a worker of the cluster all of them share.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn parse(text: &str, source_uri: &str) -> pb::ParseReportRequest {
    pb::ParseReportRequest {
        source: Some(pb::parse_report_request::Source::Text(text.into())),
        source_uri: source_uri.into(),
        ..Default::default()
    }
}

/// (reports, indicators) stored, as ListReports and QueryIndicators count them.
async fn stored(server: &TestServer) -> Result<(i32, i32), tonic::Status> {
    let mut client = server.client.clone();
    let reports = client.list_reports(pb::ListReportsRequest::default()).await?.into_inner();
    let rows = client.query_indicators(pb::QueryIndicatorsRequest::default()).await?.into_inner();
    Ok((reports.total_size, rows.total_size))
}

async fn health(server: &TestServer) -> ServingStatus {
    let request = tonic_health::pb::HealthCheckRequest { service: govreport::server::SERVICE_NAME.into() };
    let answer = HealthClient::new(server.channel.clone()).check(request).await.unwrap();
    answer.into_inner().status()
}

/// Fails unless an error is UNAVAILABLE (a worker lost is not a bug of the service).
fn assert_unavailable<T: std::fmt::Debug>(what: &str, answer: Result<T, tonic::Status>) {
    match answer {
        Err(status) => assert_eq!(status.code(), Code::Unavailable, "{what}: {status:?}"),
        Ok(ok) => panic!("{what} succeeded with a worker down: {ok:?}"),
    }
}

/// The port of the worker holding report `id`'s shard.
async fn shard_port(database: &str, id: &str) -> u16 {
    let mut admin = sqlx::PgConnection::connect_with(&common::admin_options(database)).await.unwrap();
    let port: i32 = sqlx::query_scalar(
        "SELECT nodeport FROM citus_shards WHERE table_name = 'reports'::regclass \
         AND shardid = get_shard_id_for_distribution_column('reports', $1::uuid)",
    )
    .bind(id)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    port as u16
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_worker_is_unavailable_and_the_service_recovers_when_it_returns() {
    let Some(citus) = common::citus() else {
        eprintln!("skipped: a Citus test (GOVREPORT_TEST_BACKEND=citus)");
        return;
    };
    let _serial = SERIAL.lock().await;
    let server = TestServer::start().await;
    let mut client = server.client.clone();
    let first = client.parse_report(parse(&seed("000"), "citus://first")).await.unwrap();
    let first = first.into_inner().report.unwrap();
    let first_count = first.indicators.len() as i32;
    assert_eq!(stored(&server).await.unwrap(), (1, first_count));
    // Several pooled connections that have reached every worker.
    let (a, b, c, d) = tokio::join!(stored(&server), stored(&server), stored(&server), stored(&server));
    for counts in [a, b, c, d] {
        assert_eq!(counts.unwrap(), (1, first_count));
    }

    // The worker that does not hold the first report's shard.
    let holder = shard_port(&server.database, &first.id).await;
    let lost = citus.worker_ports().iter().position(|&p| p != holder).unwrap();
    tokio::task::spawn_blocking(move || citus.stop_worker(lost)).await.unwrap();
    // Several calls each, so that pooled connections which had reached the worker before
    // (Citus keeps its connections to workers) are taken too: their failure reads differently.
    for _ in 0..6 {
        // Every shard's answer is needed for a count over all of them.
        assert_unavailable("QueryIndicators", stored(&server).await);
        let second = client.parse_report(parse(&seed("001"), "citus://second")).await;
        assert_unavailable("ParseReport", second);
    }
    // One report is one shard's: it reads from the live worker.
    let get = pb::GetReportRequest { id: first.id.clone(), ..Default::default() };
    let got = client.get_report(get).await.expect("GetReport of a report on a live worker");
    assert_eq!(got.into_inner().indicators.len() as i32, first_count);
    // The coordinator answers: the service is up, and the replicas behind a balancer with it.
    assert_eq!(health(&server).await, ServingStatus::Serving);

    tokio::task::spawn_blocking(move || citus.start_worker(lost)).await.unwrap().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let counts = loop {
        match stored(&server).await {
            Ok(counts) => break counts,
            Err(status) => assert_eq!(status.code(), Code::Unavailable, "while recovering: {status:?}"),
        }
        assert!(Instant::now() < deadline, "the service answers again within 30 s of the worker's return");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(counts, (1, first_count), "the failed ParseReport left nothing behind");
    let second = client.parse_report(parse(&seed("001"), "citus://second")).await.unwrap();
    let second_count = second.into_inner().report.unwrap().indicators.len() as i32;
    assert_eq!(stored(&server).await.unwrap(), (2, first_count + second_count));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tables_are_distributed_colocated_and_a_second_migrate_changes_nothing() {
    if common::citus().is_none() {
        eprintln!("skipped: a Citus test (GOVREPORT_TEST_BACKEND=citus)");
        return;
    }
    let _serial = SERIAL.lock().await;
    let (store, database) = common::fresh_store(govreport::store::PoolConfig::default()).await;
    assert_eq!(store.backend().await.unwrap(), govreport::store::Backend::Citus);
    let placements = || async {
        let mut admin = sqlx::PgConnection::connect_with(&common::admin_options(&database)).await.unwrap();
        let rows: Vec<(String, String, String, i32)> = sqlx::query_as(
            "SELECT table_name::text, citus_table_type, distribution_column, colocation_id \
             FROM citus_tables ORDER BY 1",
        )
        .fetch_all(&mut admin)
        .await
        .unwrap();
        rows
    };
    let before = placements().await;
    let of = |name: &str| before.iter().find(|r| r.0 == name).unwrap_or_else(|| panic!("{name} in {before:?}")).clone();
    for (table, column) in [("reports", "id"), ("sections", "report_id"), ("indicators", "report_id"), ("report_sources", "sha256")] {
        assert_eq!((of(table).1.as_str(), of(table).2.as_str()), ("distributed", column), "{table}");
    }
    assert_eq!(of("sections").3, of("reports").3, "sections co-located with reports");
    assert_eq!(of("indicators").3, of("reports").3, "indicators co-located with reports");
    for table in ["indicator_definitions", "catalog_state", "indicator_name_years"] {
        assert_eq!(of(table).1, "reference", "{table}");
    }
    assert_eq!(before.len(), 7, "{before:?}");
    store.migrate().await.unwrap();
    assert_eq!(placements().await, before);
    store.close().await;
}
