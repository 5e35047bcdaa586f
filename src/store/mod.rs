//! PostgreSQL storage. Works on domain records only; never sees proto types.

mod bulk;
pub mod codes;
pub mod distribute;
pub mod export;
pub mod indicators;
pub mod page_token;
mod previous_year;
pub mod reparse;
pub mod reports;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use crate::deadline::{self, Limit};
use crate::error::Result;
pub use distribute::Backend;

/// Migrations in `migrations/`, embedded at compile time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The connection pool and every query the service makes.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
    /// A single PostgreSQL or a Citus coordinator, asked once (`backend`).
    backend: Arc<OnceCell<Backend>>,
}

/// Pool settings: the acquire timeout stays below RPC deadlines so a dead database
/// answers UNAVAILABLE quickly instead of hanging.
#[derive(Clone, Debug)]
pub struct PoolConfig {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// Longest any statement may run (cut shorter to a call's deadline, see `deadline`);
    /// `None`: PostgreSQL's own setting, and no call's deadline reaches its statements.
    pub statement_timeout: Option<Duration>,
}

/// The service's default `statement_timeout`.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Some(DEFAULT_STATEMENT_TIMEOUT),
        }
    }
}

/// Sets the connection's `statement_timeout` for the statements of the task taking it.
async fn limit_statements(conn: &mut PgConnection, default: Duration) -> Result<(), sqlx::Error> {
    let ms = deadline::statement_timeout_ms(default);
    let sql = format!("SET statement_timeout = {ms}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(conn).await?;
    Ok(())
}

/// Every connection starts with `default` as its `statement_timeout`; whenever one is taken,
/// it is set again for the task taking it (the time left to a call's deadline, say). That
/// one round trip replaces sqlx's ping before acquire: it tests the connection as well.
fn with_statement_timeout(
    pool: PgPoolOptions,
    options: PgConnectOptions,
    default: Duration,
) -> (PgPoolOptions, PgConnectOptions) {
    let options = options.options([("statement_timeout", default.as_millis())]);
    let pool = pool
        .test_before_acquire(false)
        .before_acquire(move |conn, _| {
            Box::pin(async move { limit_statements(conn, default).await.map(|()| true) })
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if deadline::current().is_none() {
                    return Ok(()); // the default, from the start-up options
                }
                limit_statements(conn, default).await
            })
        });
    (pool, options)
}

impl Store {
    /// Connects (without waiting for the first connection longer than the acquire timeout).
    pub async fn connect(
        options: PgConnectOptions,
        config: &PoolConfig,
    ) -> Result<Store, sqlx::Error> {
        let mut pool = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.acquire_timeout);
        let mut options = options;
        if let Some(default) = config.statement_timeout {
            (pool, options) = with_statement_timeout(pool, options, default);
        }
        let pool = pool.connect_with(options).await?;
        Ok(Store { pool, backend: Arc::default() })
    }

    /// Applies the embedded migrations that have not run yet (with no statement timeout:
    /// an index built over a large table may take minutes), then, on a Citus coordinator,
    /// distributes the tables (`distribute`, idempotent).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        deadline::within(Limit::Unlimited, async {
            MIGRATOR.run(&self.pool).await?;
            if self.backend().await? == Backend::Citus {
                distribute::distribute(&self.pool).await?;
            }
            anyhow::Ok(())
        })
        .await
    }

    /// What the database is: asked on first use, then remembered (a database does not turn
    /// into a Citus coordinator under a running service).
    pub async fn backend(&self) -> Result<Backend> {
        self.backend.get_or_try_init(|| distribute::backend(&self.pool)).await.copied()
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
