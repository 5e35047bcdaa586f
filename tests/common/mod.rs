//! Test harness: one embedded PostgreSQL cluster per test process (started on first use in
//! a temp dir, stopped and removed at process exit, pass or fail), a fresh database and a
//! real server on an ephemeral port per test. `GOVREPORT_TEST_BACKEND=citus` makes that
//! cluster a Citus coordinator with two workers (`embedded_citus`; default `postgres`).

#![allow(dead_code)]

pub mod calls;
pub mod scrape;
pub mod serve;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use govreport::config::Embedded;
use govreport::embedded_citus::{CitusOptions, EmbeddedCitus};
use govreport::embedded_pg::{EmbeddedPostgres, Options};
use govreport::proto::v1::report_service_client::ReportServiceClient;
use govreport::server::{self, ServerConfig};
use govreport::store::{PoolConfig, Store};
use tokio::sync::oneshot;
use tonic::transport::{Channel, Endpoint};

struct Cluster {
    server: Embedded,
    dir: PathBuf,
}

/// The backend the tests run on: `GOVREPORT_TEST_BACKEND`, `postgres` (default) or `citus`.
pub fn backend_is_citus() -> bool {
    match std::env::var("GOVREPORT_TEST_BACKEND").as_deref() {
        Ok("citus") => true,
        Ok("postgres") | Ok("") | Err(_) => false,
        Ok(other) => panic!("GOVREPORT_TEST_BACKEND={other:?}: expected postgres or citus"),
    }
}

/// The test cluster when it is Citus (tests that stop a worker).
pub fn citus() -> Option<&'static EmbeddedCitus> {
    match &cluster().server {
        Embedded::Citus(citus) => Some(citus),
        Embedded::Postgres(_) => None,
    }
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

extern "C" fn stop_cluster() {
    if let Some(cluster) = CLUSTER.get() {
        cluster.server.stop();
        let _ = std::fs::remove_dir_all(&cluster.dir);
    }
}

fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("govreport-test-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let server = if backend_is_citus() {
            let options = CitusOptions { no_fsync: true, shard_count: Some(4), ..Default::default() };
            Embedded::Citus(EmbeddedCitus::start(&dir, &options).expect("start the test Citus cluster"))
        } else {
            let options = Options { no_fsync: true, ..Default::default() };
            Embedded::Postgres(EmbeddedPostgres::start(&dir, &options).expect("start the test PostgreSQL"))
        };
        // Statics are never dropped: stop the cluster when the test binary exits, even after failures.
        // SAFETY: registering a plain extern "C" fn.
        unsafe { libc::atexit(stop_cluster) };
        Cluster { server, dir }
    })
}

/// A new, migrated database in the test cluster.
pub async fn fresh_store(pool: PoolConfig) -> (Store, String) {
    let (store, name) = unmigrated_store(pool).await;
    store.migrate().await.expect("migrate");
    (store, name)
}

/// A new, empty database in the test cluster, no migration run (migration tests).
pub async fn unmigrated_store(pool: PoolConfig) -> (Store, String) {
    let cluster = cluster();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    cluster
        .server
        .ensure_database(&name)
        .await
        .expect("create test database");
    let store = Store::connect(cluster.server.connect_options(&name), &pool)
        .await
        .expect("connect");
    (store, name)
}

/// Options to connect to a test database as the superuser (for tests that break things).
pub fn admin_options(database: &str) -> sqlx::postgres::PgConnectOptions {
    cluster().server.connect_options(database)
}

/// A superuser connection of the test's own, inside a transaction that took `lock` (`LOCK TABLE reports IN
/// EXCLUSIVE MODE`): the lock holds until the test ends that transaction.
pub async fn holding_lock(database: &str, lock: &'static str) -> sqlx::PgConnection {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect_with(&admin_options(database)).await.unwrap();
    sqlx::raw_sql("BEGIN").execute(&mut conn).await.unwrap();
    sqlx::raw_sql(lock).execute(&mut conn).await.unwrap();
    conn
}

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    /// Where it serves `/metrics`, if it does.
    pub metrics: Option<std::net::SocketAddr>,
    pub channel: Channel,
    pub client: ReportServiceClient<Channel>,
    pub store: Store,
    pub database: String,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(PoolConfig::default()).await
    }

    pub async fn start_with(pool: PoolConfig) -> TestServer {
        let (store, database) = fresh_store(pool).await;
        Self::start_on(store, database, ServerConfig::default()).await
    }

    pub async fn start_on(store: Store, database: String, config: ServerConfig) -> TestServer {
        let plaintext = |addr| Endpoint::from_shared(format!("http://{addr}")).unwrap();
        Self::start_reached_by(store, database, config, plaintext).await
    }

    /// A server whose client channel is the endpoint `reach` makes of its address (TLS).
    pub async fn start_reached_by(
        store: Store,
        database: String,
        config: ServerConfig,
        reach: impl FnOnce(std::net::SocketAddr) -> Endpoint,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let metrics = config.metrics;
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(server::serve(listener, store.clone(), config, async {
            let _ = rx.await;
        }));
        let channel = reach(addr)
            .timeout(Duration::from_secs(30))
            .connect()
            .await
            .expect("connect to the test server");
        TestServer {
            addr,
            metrics,
            client: ReportServiceClient::new(channel.clone()),
            channel,
            store,
            database,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// Signals shutdown and waits for the server to drain; returns its result.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.shutdown.take().unwrap().send(());
        let result = self.handle.take().unwrap().await.expect("server task");
        self.store.close().await;
        result
    }
}

/// A seed report from ../shared/corpus/seeds.
pub fn seed(name_prefix: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(name_prefix))
        .unwrap_or_else(|| panic!("no seed {name_prefix}* in {}", dir.display()));
    std::fs::read_to_string(entry.path()).unwrap()
}

pub fn seed_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
