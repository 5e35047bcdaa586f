//! Command line and environment configuration (flags first, environment as fallback).

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::{Args, Parser, Subcommand};
use sqlx::postgres::PgConnectOptions;

use crate::domain::{BatchLimit, ParseLimit};
use crate::embedded_citus::{CitusOptions, EmbeddedCitus};
use crate::embedded_pg::{self, EmbeddedPostgres};
use crate::rate_limit::RateLimit;
use crate::store::page_token::TokenKey;
use crate::store::{PoolConfig, Store};
use crate::telemetry::LogFormat;
use crate::tls::{ClientTlsArgs, ServerTlsArgs};

#[derive(Debug, Parser)]
#[command(
    name = "govreport",
    version,
    about = "Turns Chinese local-government work reports into queryable indicators"
)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(
        long,
        env = "GOVREPORT_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC service.
    // Boxed: its flags outweigh every other command's.
    Serve(Box<ServeArgs>),
    /// Parse one report without any database and print the ParseReportResponse as proto3 JSON.
    Parse(ParseArgs),
    /// Read JSON lines {"text": ...} on stdin; write the quantities found in each, one JSON line per input.
    Quantities,
    /// Apply the database migrations and exit.
    Migrate(DbArgs),
    /// Re-link every stored indicator name to the embedded catalog (no re-parse) and exit.
    Relink(DbArgs),
    /// Benchmark data: load seeded synthetic reports (bulk UNNEST inserts) and print rows/s.
    BenchLoad(BenchLoadArgs),
    /// Send report files (folders walked for .txt, .html, .htm; UTF-8 or GBK) to a running
    /// server over one ParseReports stream; print created / already stored / failed.
    Ingest(IngestArgs),
    /// Ask a running server's grpc.health.v1 service; exit 0 when SERVING (for container health checks).
    Healthcheck(HealthcheckArgs),
    /// Re-read stored reports with a running server's engine (ReparseReports, admin), with a progress bar.
    Reparse(ReparseArgs),
    /// Export a running server's indicators (ExportIndicators) as CSV or JSON lines to stdout or --out.
    Export(ExportArgs),
}

/// Queries beyond about two per core wait for the CPU inside PostgreSQL rather than in the
/// pool's queue, and then all of them finish late (measured in DESIGN.md, `## Query`).
fn default_db_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(2 * cores).unwrap_or(u32::MAX)
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// PostgreSQL to use; when unset, an embedded server is started in --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the embedded PostgreSQL keeps its data [default: platform data dir/govreport,
    /// /var/lib/govreport as root].
    #[arg(long, env = "GOVREPORT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Largest number of pooled database connections: by default twice this machine's cores
    /// (more only make queries share the CPU); raise it for a PostgreSQL with more cores.
    #[arg(long, env = "GOVREPORT_DB_MAX_CONNECTIONS", default_value_t = default_db_connections())]
    pub db_max_connections: u32,
    /// How long an RPC waits for a database connection before UNAVAILABLE, in seconds.
    #[arg(long, env = "GOVREPORT_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5)]
    pub db_acquire_timeout_secs: u64,
    /// Without DATABASE_URL: run a local Citus cluster (a coordinator and this many workers,
    /// in --data-dir) instead of one embedded PostgreSQL; 0: one PostgreSQL. For trying Citus
    /// and benchmarks on one machine (needs Citus installed; README, "Citus").
    #[arg(long, env = "GOVREPORT_EMBEDDED_CITUS_WORKERS", default_value_t = 0)]
    pub embedded_citus_workers: usize,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to serve gRPC on.
    #[arg(long, env = "GOVREPORT_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Largest request or response message in bytes; larger reports are rejected.
    #[arg(long, env = "GOVREPORT_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Serve gRPC server reflection (grpcurl list/describe); `--reflection=false` turns it off.
    #[arg(long, env = "GOVREPORT_REFLECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub reflection: bool,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub tls: ServerTlsArgs,
    /// Secret (at least 32 bytes) that signs page tokens [default: one made once and kept
    /// in --data-dir]; replicas serving one database need the same.
    #[arg(long, env = "GOVREPORT_TOKEN_KEY", hide_env_values = true)]
    pub token_key: Option<String>,
    /// Parses that run at once [default: this machine's cores].
    #[arg(long, env = "GOVREPORT_MAX_PARSES", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_parses: Option<u32>,
    /// How long a ParseReport waits for a parse slot before RESOURCE_EXHAUSTED, in milliseconds.
    #[arg(long, env = "GOVREPORT_PARSE_WAIT_MS", default_value_t = 1000)]
    pub parse_wait_ms: u64,
    /// Most reports ParseReports writes in one transaction (one savepoint each); 1 writes
    /// each report in its own transaction.
    #[arg(long, env = "GOVREPORT_INGEST_BATCH", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub ingest_batch: u32,
    /// Batches one ParseReports stream writes at once, a pooled connection each.
    #[arg(long, env = "GOVREPORT_INGEST_WRITERS", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub ingest_writers: u32,
    /// ReportService calls per second per caller (token name; `anonymous` without
    /// authentication); unset: unlimited.
    #[arg(long, env = "GOVREPORT_RATE_LIMIT")]
    pub rate_limit: Option<NonZeroU32>,
    /// Calls a caller may make at once above the rate [default: twice --rate-limit].
    #[arg(long, env = "GOVREPORT_RATE_LIMIT_BURST", requires = "rate_limit")]
    pub rate_limit_burst: Option<NonZeroU32>,
    /// Longest any SQL statement may run, in seconds (PostgreSQL's statement_timeout), 0
    /// for none; a call with a shorter deadline (grpc-timeout) cuts its statements to that.
    #[arg(long, env = "GOVREPORT_STATEMENT_TIMEOUT_SECS", default_value_t = 30)]
    pub statement_timeout_secs: u64,
    /// Serve Prometheus metrics at http://ADDR/metrics (plaintext, no authentication:
    /// loopback only, unless --allow-public-metrics) [default: no metrics].
    #[arg(long, env = "GOVREPORT_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Serve --metrics-listen on a non-loopback address (e.g. 0.0.0.0 in a container whose
    /// port only the scraper's network reaches): whoever reaches it reads the metrics.
    #[arg(long, env = "GOVREPORT_ALLOW_PUBLIC_METRICS")]
    pub allow_public_metrics: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

const TOKEN_KEY_FILE: &str = "page-token.key";

impl ServeArgs {
    /// `None` for 0: no statement timeout, and no deadline reaches the statements.
    pub fn statement_timeout(&self) -> Option<Duration> {
        (self.statement_timeout_secs > 0).then(|| Duration::from_secs(self.statement_timeout_secs))
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        let per_second = self.rate_limit?;
        const TWO: NonZeroU32 = NonZeroU32::new(2).unwrap();
        Some(RateLimit {
            per_second,
            burst: self.rate_limit_burst.unwrap_or(per_second.saturating_mul(TWO)),
        })
    }

    pub fn ingest_batch(&self) -> BatchLimit {
        BatchLimit {
            reports: self.ingest_batch as usize,
            writers: self.ingest_writers as usize,
        }
    }

    pub fn parse_limit(&self) -> ParseLimit {
        let default = ParseLimit::default();
        ParseLimit {
            concurrent: self.max_parses.map_or(default.concurrent, |n| n as usize),
            wait: Duration::from_millis(self.parse_wait_ms),
        }
    }

    /// The page-token key: --token-key, else the one kept in the data dir (made on first use).
    pub fn token_key(&self) -> Result<TokenKey> {
        if let Some(secret) = &self.token_key {
            return TokenKey::new(secret.as_bytes()).map_err(|e| anyhow!("--token-key: {e}"));
        }
        let dir = self.db.data_dir.clone().unwrap_or_else(embedded_pg::default_data_dir);
        let path = dir.join(TOKEN_KEY_FILE);
        match std::fs::read(&path) {
            Ok(secret) => TokenKey::new(secret.trim_ascii())
                .map_err(|e| anyhow!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(new_token_key(&path)),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }
}

/// A new random key, kept at `path` for the next start (owner-only). One that cannot be
/// kept still serves: its tokens then end with this process.
fn new_token_key(path: &Path) -> TokenKey {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the system's random numbers");
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let kept = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        file.write_all(hex.as_bytes())
    });
    match kept {
        Ok(()) => tracing::info!(path = %path.display(), "page-token key made"),
        Err(e) => tracing::warn!(path = %path.display(), error = %e,
            "page-token key not kept: page tokens end with this process (set --token-key)"),
    }
    TokenKey::new(hex.as_bytes()).expect("64 bytes")
}

/// Who may call (see README, Security). Without any source, only a loopback address serves.
#[derive(Debug, Default, Args)]
pub struct AuthArgs {
    /// TOML file of `[[token]]` entries: `name`, `sha256` (hex of the token) and `scopes`.
    #[arg(long, env = "GOVREPORT_AUTH_FILE")]
    pub auth_file: Option<PathBuf>,
    /// PEM public key (RSA for RS256, P-256 for ES256) that signs accepted JWTs.
    #[arg(long, env = "GOVREPORT_JWT_PUBLIC_KEY", requires_all = ["jwt_issuer", "jwt_audience"])]
    pub jwt_public_key: Option<PathBuf>,
    /// The `iss` a JWT must carry.
    #[arg(long, env = "GOVREPORT_JWT_ISSUER", requires = "jwt_public_key")]
    pub jwt_issuer: Option<String>,
    /// The `aud` a JWT must carry.
    #[arg(long, env = "GOVREPORT_JWT_AUDIENCE", requires = "jwt_public_key")]
    pub jwt_audience: Option<String>,
    /// Serve a non-loopback address without authentication (e.g. behind a proxy that authenticates).
    #[arg(long, env = "GOVREPORT_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The report file, or `-` for stdin.
    pub file: PathBuf,
    /// Media type of the file, e.g. "text/plain; charset=gbk".
    #[arg(long)]
    pub content_type: Option<String>,
    /// Override the issuer the parser infers.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Override the report year the parser infers.
    #[arg(long)]
    pub report_year: Option<i32>,
    /// Recorded as the report's source_uri.
    #[arg(long, default_value = "")]
    pub source_uri: String,
}

#[derive(Debug, Args)]
pub struct BenchLoadArgs {
    /// Distinct issuers (街道/镇/区 names).
    #[arg(long, default_value_t = 2000)]
    pub issuers: u32,
    /// Report years per issuer (ending with the last complete year, 2024).
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    /// Indicators per report.
    #[arg(long, default_value_t = 50)]
    pub indicators_per_report: u32,
    /// RNG seed: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Concurrent writers.
    #[arg(long, default_value_t = 4)]
    pub writers: u32,
    /// Load report texts made from the same data through ParseReports (an in-process server,
    /// the engine parsing each) into fresh databases, then COPY the rows stored into another
    /// of the same schema; print rows/s of each.
    #[arg(long)]
    pub parse_reports: bool,
    /// With --parse-reports: the write batch sizes to run, one fresh database each
    /// (1 = a transaction per report, as ParseReport writes); --writers batches at once.
    #[arg(long, value_delimiter = ',', default_value = "1,32")]
    pub batches: Vec<u32>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Report files and folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The server (`https://` for TLS).
    #[arg(long, env = "GOVREPORT_ADDR", default_value = "http://127.0.0.1:50051")]
    pub addr: String,
    /// Bearer token with the ingest scope, for a server with authentication.
    #[arg(long, env = "GOVREPORT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// source_uri = this prefix + the file's path below the folder given (a file given: its
    /// name) [default: the file's absolute path].
    #[arg(long)]
    pub source_prefix: Option<String>,
    /// Larger files fail without being sent (keep it under the server's --max-message-bytes).
    #[arg(long, default_value_t = 16_000_000)]
    pub max_file_bytes: u64,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The server to ask.
    #[arg(
        long,
        env = "GOVREPORT_HEALTHCHECK_ADDR",
        default_value = "http://127.0.0.1:50051"
    )]
    pub addr: String,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

/// How a command reaches a running server.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The server (`http://` or `https://`).
    #[arg(long, env = "GOVREPORT_ADDR", default_value = "http://127.0.0.1:50051")]
    pub addr: String,
    /// Bearer token for a server with authentication (with the scope the command needs).
    #[arg(long, env = "GOVREPORT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

#[derive(Debug, Args)]
pub struct ReparseArgs {
    /// Only these reports (repeatable). With no filter: the reports of another parser version.
    #[arg(long = "report-id")]
    pub report_ids: Vec<String>,
    /// Only reports of this exact issuer.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Only reports of these years (inclusive).
    #[arg(long)]
    pub report_year_from: Option<i32>,
    #[arg(long)]
    pub report_year_to: Option<i32>,
    /// Re-read and count, replace nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Reports per call (each call's reports are each committed on their own).
    #[arg(long, default_value_t = 20)]
    pub batch: u32,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormatArg,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exact issuers (repeatable).
    #[arg(long = "issuer")]
    pub issuers: Vec<String>,
    /// Catalog codes (repeatable).
    #[arg(long = "canonical-code")]
    pub canonical_codes: Vec<String>,
    #[arg(long)]
    pub report_year_from: Option<i32>,
    #[arg(long)]
    pub report_year_to: Option<i32>,
    /// Only rows written after this RFC 3339 time (incremental sync).
    #[arg(long)]
    pub updated_after: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The database server we started, if we did.
pub enum Embedded {
    Postgres(EmbeddedPostgres),
    Citus(EmbeddedCitus),
}

impl Embedded {
    pub fn stop(&self) {
        match self {
            Embedded::Postgres(pg) => pg.stop(),
            Embedded::Citus(citus) => citus.stop(),
        }
    }

    /// Connection options for `database` (on the coordinator for Citus).
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        match self {
            Embedded::Postgres(pg) => pg.connect_options(database),
            Embedded::Citus(citus) => citus.connect_options(database),
        }
    }

    /// Creates `database` unless it exists (on every node, with Citus registered, for Citus).
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        match self {
            Embedded::Postgres(pg) => pg.ensure_database(database).await,
            Embedded::Citus(citus) => citus.ensure_database(database).await,
        }
    }
}

/// An open database: the pool, and the embedded server behind it if we started one.
pub struct Database {
    pub store: Store,
    pub embedded: Option<Embedded>,
}

impl Database {
    /// Closes the pool, then stops the embedded server if there is one.
    pub async fn close(self) {
        self.store.close().await;
        if let Some(server) = self.embedded {
            tokio::task::spawn_blocking(move || server.stop()).await.ok();
        }
    }
}

impl DbArgs {
    /// Connects to DATABASE_URL, or starts the embedded server; then migrates. No statement
    /// timeout (the commands' long maintenance work); `serve` uses `open_with`.
    pub async fn open(&self) -> Result<Database> {
        self.open_with(None).await
    }

    /// `open`, with a `statement_timeout` on every statement (see `PoolConfig`).
    pub async fn open_with(&self, statement_timeout: Option<Duration>) -> Result<Database> {
        let pool = PoolConfig {
            max_connections: self.db_max_connections,
            acquire_timeout: Duration::from_secs(self.db_acquire_timeout_secs),
            statement_timeout,
        };
        let (options, embedded) = match &self.database_url {
            Some(url) => (
                url.parse::<PgConnectOptions>()
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?,
                None,
            ),
            None => {
                let (options, server) = self.start_embedded().await?;
                (options, Some(server))
            }
        };
        let store = Store::connect(options, &pool)
            .await
            .context("connecting to PostgreSQL")?;
        store.migrate().await.context("running migrations")?;
        Ok(Database { store, embedded })
    }

    /// Starts the embedded PostgreSQL (or Citus cluster) in the data dir, with the `govreport` database.
    async fn start_embedded(&self) -> Result<(PgConnectOptions, Embedded)> {
        let dir = self.data_dir.clone().unwrap_or_else(embedded_pg::default_data_dir);
        let workers = self.embedded_citus_workers;
        let embedded = if workers > 0 {
            let options = CitusOptions { workers, ..Default::default() };
            Embedded::Citus(tokio::task::spawn_blocking(move || EmbeddedCitus::start(&dir, &options)).await??)
        } else {
            let options = embedded_pg::Options::default();
            Embedded::Postgres(tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir, &options)).await??)
        };
        embedded.ensure_database("govreport").await?;
        Ok((embedded.connect_options("govreport"), embedded))
    }
}
