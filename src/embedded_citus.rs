//! A local Citus cluster from the local install: a coordinator and N workers, each an
//! [`EmbeddedPostgres`] (its own data dir under one directory, its own port on 127.0.0.1, with
//! `shared_preload_libraries = 'citus'`; initdb's `trust` lets the nodes reach each other).
//! For tests and benchmarks on one machine; a real cluster runs its nodes on their own machines
//! (README, "Citus").
//!
//! Citus keeps its node list per database: `ensure_database` creates a database on every
//! node, the extension in each, and registers the workers in the coordinator's copy.
//! A worker can be stopped and started again (`stop_worker`, `start_worker`) to see what the
//! service does while one is lost.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::embedded_pg::{create_database_if_missing, find_bin_dir, EmbeddedPostgres, Options};

/// How to run the cluster.
#[derive(Debug, Clone)]
pub struct CitusOptions {
    pub workers: usize,
    /// Skip fsync (test clusters only).
    pub no_fsync: bool,
    /// Shards per distributed table (`citus.shard_count`); `None`: Citus's default (32).
    /// Few shards keep DDL fast for tests that create a database each.
    pub shard_count: Option<u32>,
    /// Each node's `shared_buffers`, in MB (several nodes share one machine).
    pub shared_buffers_mb: u32,
}

impl Default for CitusOptions {
    fn default() -> Self {
        CitusOptions { workers: 2, no_fsync: false, shard_count: None, shared_buffers_mb: 256 }
    }
}

/// A running coordinator and its workers.
pub struct EmbeddedCitus {
    coordinator: EmbeddedPostgres,
    /// `None` while stopped (`stop_worker`).
    workers: Mutex<Vec<Option<EmbeddedPostgres>>>,
    worker_dirs: Vec<PathBuf>,
    worker_options: Vec<Options>,
    /// One database set up at a time: registering nodes in several new databases at once
    /// fails now and then (the metadata sync's connection to a worker).
    setup: tokio::sync::Mutex<()>,
}

/// A port free on 127.0.0.1 now (the node binds it a moment later).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The error to give when the local PostgreSQL has no Citus (its library dir, as `pg_config`
/// beside the server binaries says; no check without one).
fn check_installed() -> Result<()> {
    let initdb = find_bin_dir()?.join("initdb").canonicalize()?;
    let bin = initdb.parent().context("initdb has a directory")?;
    let Ok(out) = std::process::Command::new(bin.join("pg_config")).arg("--pkglibdir").output() else {
        return Ok(());
    };
    let lib = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if out.status.success() && !lib.join("citus.so").is_file() {
        bail!(
            "Citus is not installed in {} (no citus.so): run `bash ../shared/vendor/citus/install.sh`",
            lib.display()
        );
    }
    Ok(())
}

/// The nodes' ports (coordinator first), kept in `<dir>/ports` from the first start: the
/// coordinator's databases register the workers by port, so a cluster started again on the
/// same data takes the same ones.
fn node_ports(dir: &Path, nodes: usize) -> Result<Vec<u16>> {
    let path = dir.join("ports");
    if let Ok(kept) = std::fs::read_to_string(&path) {
        let ports: Vec<u16> = kept.split_whitespace().map(str::parse).collect::<Result<_, _>>()
            .with_context(|| format!("reading {}", path.display()))?;
        if ports.len() != nodes {
            bail!("{} holds a cluster of {} nodes, not {nodes}", dir.display(), ports.len());
        }
        return Ok(ports);
    }
    let ports = (0..nodes).map(|_| free_port()).collect::<Result<Vec<_>>>()?;
    std::fs::create_dir_all(dir)?;
    let text: Vec<String> = ports.iter().map(u16::to_string).collect();
    std::fs::write(&path, text.join(" "))?;
    Ok(ports)
}

fn node_options(options: &CitusOptions, port: u16) -> Result<Options> {
    let mut settings = vec![
        ("shared_preload_libraries".to_owned(), "citus".to_owned()),
        ("shared_buffers".to_owned(), format!("{}MB", options.shared_buffers_mb)),
        // Each test database adds a Citus maintenance daemon per node.
        ("max_connections".to_owned(), "300".to_owned()),
    ];
    if let Some(n) = options.shard_count {
        settings.push(("citus.shard_count".to_owned(), n.to_string()));
    }
    Ok(Options { no_fsync: options.no_fsync, tcp_port: Some(port), settings })
}

/// `database` at the node whose `postgres` database `admin` reaches, with the Citus extension.
async fn create_citus_database(admin: &PgConnectOptions, database: &str) -> Result<()> {
    create_database_if_missing(admin, database).await?;
    let mut conn = PgConnection::connect_with(&admin.clone().database(database)).await?;
    sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS citus").execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Runs `sql` (one or more statements) in `database` of `node`.
async fn execute(node: &EmbeddedPostgres, database: &str, sql: &str) -> Result<()> {
    let mut conn = PgConnection::connect_with(&node.connect_options(database)).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

impl EmbeddedCitus {
    /// Starts a coordinator and `options.workers` workers in `dir` (initialized if needed).
    pub fn start(dir: &Path, options: &CitusOptions) -> Result<EmbeddedCitus> {
        check_installed()?;
        let ports = node_ports(dir, options.workers + 1)?;
        let coordinator = EmbeddedPostgres::start(&dir.join("coordinator"), &node_options(options, ports[0])?)
            .context("starting the Citus coordinator")?;
        let mut workers = Vec::new();
        let mut worker_dirs = Vec::new();
        let mut worker_options = Vec::new();
        for n in 1..=options.workers {
            let (wdir, wopts) = (dir.join(format!("worker-{n}")), node_options(options, ports[n])?);
            let worker = EmbeddedPostgres::start(&wdir, &wopts)
                .with_context(|| format!("starting Citus worker {n}"))?;
            workers.push(Some(worker));
            worker_dirs.push(wdir);
            worker_options.push(wopts);
        }
        Ok(EmbeddedCitus {
            coordinator,
            workers: Mutex::new(workers),
            worker_dirs,
            worker_options,
            setup: tokio::sync::Mutex::new(()),
        })
    }

    pub fn coordinator(&self) -> &EmbeddedPostgres {
        &self.coordinator
    }

    /// Connection options for `database` on the coordinator, where the service connects.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        self.coordinator.connect_options(database)
    }

    /// The workers' ports, in order.
    pub fn worker_ports(&self) -> Vec<u16> {
        self.worker_options.iter().map(|o| o.tcp_port.expect("a node listens on TCP")).collect()
    }

    /// Creates `database` on every node unless it exists, with the Citus extension in each,
    /// and registers the coordinator and the workers in the coordinator's database.
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        let nodes: Vec<PgConnectOptions> = {
            let workers = self.workers.lock().unwrap();
            if workers.iter().any(Option::is_none) {
                bail!("a Citus worker is stopped");
            }
            let all = std::iter::once(&self.coordinator).chain(workers.iter().flatten());
            all.map(|node| node.connect_options("postgres")).collect()
        };
        let _one_at_a_time = self.setup.lock().await;
        for admin in &nodes {
            create_citus_database(admin, database).await?;
        }
        let mut sql = format!("SELECT citus_set_coordinator_host('127.0.0.1', {});", self.coordinator.port());
        for port in self.worker_ports() {
            sql.push_str(&format!(
                "SELECT citus_add_node('127.0.0.1', {port}) WHERE NOT EXISTS \
                 (SELECT 1 FROM pg_dist_node WHERE nodeport = {port});"
            ));
        }
        execute(&self.coordinator, database, &sql).await
    }

    /// Stops worker `n` (0-based; fast shutdown), as if its machine were lost.
    pub fn stop_worker(&self, n: usize) {
        let worker = self.workers.lock().unwrap()[n].take();
        if let Some(worker) = worker {
            worker.stop();
        }
    }

    /// Starts worker `n` again on its data (a no-op if it runs).
    pub fn start_worker(&self, n: usize) -> Result<()> {
        let mut workers = self.workers.lock().unwrap();
        if workers[n].is_none() {
            workers[n] = Some(EmbeddedPostgres::start(&self.worker_dirs[n], &self.worker_options[n])?);
        }
        Ok(())
    }

    /// Stops every node (workers first).
    pub fn stop(&self) {
        for worker in self.workers.lock().unwrap().iter().flatten() {
            worker.stop();
        }
        self.coordinator.stop();
    }
}
