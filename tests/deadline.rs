//! Deadlines: a call past its client's deadline ends with DEADLINE_EXCEEDED and its
//! statement is ended by PostgreSQL then, freeing its connection; without a deadline, the
//! server-wide statement timeout ends a statement, answered DEADLINE_EXCEEDED too.
//!
//! The slow statement is a QueryIndicators waiting for a lock the test holds on the
//! indicators table: slow for as long as the test likes, on any machine.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use govreport::proto::v1 as pb;
use govreport::server::ServerConfig;
use govreport::store::PoolConfig;
use sqlx::{Connection, PgConnection};
use tonic::Code;

/// A serving server whose pool has one connection, each statement at most `statement_timeout`.
async fn one_connection_server(statement_timeout: Duration) -> TestServer {
    let pool = PoolConfig {
        max_connections: 1,
        acquire_timeout: Duration::from_secs(1),
        statement_timeout: Some(statement_timeout),
    };
    let (store, database) = common::fresh_store(pool).await;
    let server = TestServer::start_on(store, database, ServerConfig::default()).await;
    // Served: start-up's re-link (an UPDATE of indicators) is over before the test locks them.
    list_reports(&server).await.expect("serving");
    server
}

/// An open transaction of the test's own holding an exclusive lock on `indicators`.
async fn lock_indicators(database: &str) -> PgConnection {
    common::holding_lock(database, "LOCK TABLE indicators IN ACCESS EXCLUSIVE MODE").await
}

/// The statements running in `database` other than the asking connection's own.
async fn active_statements(admin: &mut PgConnection, database: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT query FROM pg_stat_activity \
         WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .fetch_all(admin)
    .await
    .unwrap()
}

async fn query_indicators(
    server: &TestServer,
    timeout: Option<Duration>,
) -> Result<pb::QueryIndicatorsResponse, tonic::Status> {
    let mut request = tonic::Request::new(pb::QueryIndicatorsRequest::default());
    if let Some(timeout) = timeout {
        request.set_timeout(timeout);
    }
    let answer = server.client.clone().query_indicators(request).await;
    answer.map(tonic::Response::into_inner)
}

async fn list_reports(server: &TestServer) -> Result<(), tonic::Status> {
    let request = pb::ListReportsRequest::default();
    server.client.clone().list_reports(request).await.map(drop)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_query_past_its_deadline_is_cancelled_and_frees_its_connection() {
    let server = one_connection_server(Duration::from_secs(30)).await;
    let mut lock = lock_indicators(&server.database).await;

    let started = Instant::now();
    let refused = query_indicators(&server, Some(Duration::from_millis(500)))
        .await
        .unwrap_err();
    let answered = started.elapsed();
    // The server answers DEADLINE_EXCEEDED; tonic's client enforces the deadline too and,
    // when its own timer is first, answers CANCELLED "Timeout expired" itself.
    assert!(
        matches!(refused.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{refused:?}"
    );
    assert!(answered < Duration::from_secs(2), "answered after {answered:?}");

    // PostgreSQL ends the abandoned statement at the deadline (sqlx sends no cancel).
    let mut admin = PgConnection::connect_with(&common::admin_options(&server.database))
        .await
        .unwrap();
    let mut left = active_statements(&mut admin, &server.database).await;
    while !left.is_empty() && started.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = active_statements(&mut admin, &server.database).await;
    }
    assert!(left.is_empty(), "still running 3 s after the call: {left:?}");
    let freed = started.elapsed();

    // The pool's one connection is back: another RPC is served while the lock still stands.
    list_reports(&server).await.expect("the connection is free again");
    sqlx::raw_sql("COMMIT").execute(&mut lock).await.unwrap();
    // A deadline with time to spare changes nothing.
    let page = query_indicators(&server, Some(Duration::from_secs(10))).await;
    assert_eq!(page.expect("served within its deadline").total_size, 0);
    eprintln!("answered {:?} ({answered:?}), statement gone after {freed:?}", refused.code());
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_deadline_the_statement_timeout_answers_deadline_exceeded() {
    let server = one_connection_server(Duration::from_secs(1)).await;
    let mut lock = lock_indicators(&server.database).await;
    let started = Instant::now();
    let refused = query_indicators(&server, None).await.unwrap_err();
    let answered = started.elapsed();
    assert_eq!(refused.code(), Code::DeadlineExceeded, "{refused:?}");
    assert!(
        refused.message().contains("statement timeout"),
        "{}",
        refused.message()
    );
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(5)).contains(&answered),
        "answered after {answered:?}"
    );
    list_reports(&server).await.expect("the connection is free again");
    sqlx::raw_sql("COMMIT").execute(&mut lock).await.unwrap();
    assert!(query_indicators(&server, None).await.is_ok());
    server.stop().await.unwrap();
}

async fn stored_reports(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(server.store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_past_its_deadline_ends_deadline_exceeded_and_its_work_stops() {
    let server = TestServer::start().await;
    // A report every 100 ms for 10 s: far past the stream's 3 s deadline (the engine's
    // dictionary, loaded at start, takes a while in a debug build).
    let (requests, feed) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        for n in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let text = format!("云江街道2023年工作总结\n一、工作回顾\n全年实现地区生产总值{n}.5亿元。");
            let request = pb::ParseReportRequest {
                source: Some(pb::parse_report_request::Source::Text(text)),
                source_uri: format!("deadline://{n}"),
                ..Default::default()
            };
            if requests.send(request).await.is_err() {
                return;
            }
        }
    });
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(feed));
    request.set_timeout(Duration::from_secs(3));
    let started = Instant::now();
    let mut results = server.client.clone().parse_reports(request).await.unwrap().into_inner();
    let mut ok = 0;
    let end = loop {
        match results.message().await {
            Ok(Some(result)) => {
                assert_eq!(result.status.unwrap_or_default().code, 0);
                ok += 1;
            }
            Ok(None) => panic!("the stream ended without a status after {ok} results"),
            Err(status) => break status,
        }
    };
    let ended = started.elapsed();
    assert_eq!(end.code(), Code::DeadlineExceeded, "{end:?}");
    assert!(ended < Duration::from_secs(4), "ended after {ended:?}");
    assert!(ok >= 1, "results came before the deadline");
    // The call's tasks went with its answer: nothing more is stored.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let at_end = stored_reports(&server).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(stored_reports(&server).await, at_end, "stored after the deadline");
    assert!(at_end < 40, "{at_end} stored");
    eprintln!("{ok} results, then {:?} after {ended:?}; {at_end} stored", end.code());
    server.stop().await.unwrap();
}
