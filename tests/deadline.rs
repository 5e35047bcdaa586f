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
    let mut conn = PgConnection::connect_with(&common::admin_options(database))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE indicators IN ACCESS EXCLUSIVE MODE")
        .execute(&mut conn)
        .await
        .unwrap();
    conn
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
