//! Citus: after the shared migrations, the one step a Citus coordinator needs (nothing runs on a
//! single node). Reports, their sections and their indicators are distributed by the report's
//! id and co-located, so one report's rows live on one shard and a ParseReport writes one shard
//! (plus its `report_sources` key, distributed by sha256); the catalog tables and the name
//! table are reference tables (a copy on every node; see DESIGN.md, "Citus"). Citus rejects a
//! unique constraint without the distribution column, so three constraints that only index
//! rows change here: `seq` (the paging key: an identity, unique by construction; an index
//! here) and the indicators' primary key, which takes the report id too.
//!
//! Idempotent (what is done already is skipped), in one transaction under an advisory lock, so
//! replicas starting together distribute once. A table that no step names is an error: a new
//! migration's table must be given its place here, or it would stay on the coordinator alone.

use sqlx::{PgConnection, PgPool};

use crate::error::{Error, Result};

/// Where each table goes, in order (co-located tables after the one they follow).
const TABLES: &[(&str, Placement)] = &[
    ("reports", Placement::Distributed { column: "id", colocate_with: None }),
    ("sections", Placement::Distributed { column: "report_id", colocate_with: Some("reports") }),
    ("indicators", Placement::Distributed { column: "report_id", colocate_with: Some("reports") }),
    ("report_sources", Placement::Distributed { column: "sha256", colocate_with: None }),
    ("indicator_definitions", Placement::Reference),
    ("catalog_state", Placement::Reference),
    ("indicator_name_years", Placement::Reference),
];

/// Tables of the public schema that stay local to the coordinator.
const LOCAL: &[&str] = &["_sqlx_migrations"];

#[derive(Debug, Clone, Copy)]
enum Placement {
    Distributed { column: &'static str, colocate_with: Option<&'static str> },
    Reference,
}

/// Unique constraints a distributed table cannot keep, and what takes their place (run before
/// the table is distributed; each statement is idempotent).
const SWAPS: &[&str] = &[
    "ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_seq_key",
    "CREATE INDEX IF NOT EXISTS reports_seq_idx ON reports (seq)",
    "ALTER TABLE indicators DROP CONSTRAINT IF EXISTS indicators_seq_key",
    "CREATE INDEX IF NOT EXISTS indicators_seq_idx ON indicators (seq)",
];

/// The lock replicas take around the step (any stable number; "citus" in ASCII).
const LOCK_KEY: i64 = 0x6369_7475_73;

/// What the service talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One PostgreSQL server.
    Postgres,
    /// A Citus coordinator (the database has the `citus` extension).
    Citus,
}

/// The backend behind `pool`.
pub(super) async fn backend(pool: &PgPool) -> Result<Backend> {
    let citus: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
        .fetch_one(pool)
        .await?;
    Ok(if citus { Backend::Citus } else { Backend::Postgres })
}

/// Distributes the schema on a Citus coordinator (a no-op once done).
pub(super) async fn distribute(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOCK_KEY).execute(&mut *tx).await?;
    let placed = placed_tables(&mut tx).await?;
    if TABLES.iter().all(|(t, _)| placed.iter().any(|p| p == t)) {
        return check_no_local_tables(&mut tx).await;
    }
    tracing::info!("Citus coordinator: distributing the schema");
    for sql in SWAPS {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql)).execute(&mut *tx).await?;
    }
    swap_indicator_key(&mut tx).await?;
    for (table, placement) in TABLES {
        if !placed.iter().any(|p| p == table) {
            place(&mut tx, table, *placement).await?;
        }
    }
    check_no_local_tables(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The indicators' primary key with the report id first (the distribution column).
async fn swap_indicator_key(tx: &mut PgConnection) -> Result<()> {
    let columns: Option<String> = sqlx::query_scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conrelid = 'indicators'::regclass AND contype = 'p'",
    )
    .fetch_optional(&mut *tx)
    .await?;
    if columns.as_deref() == Some("PRIMARY KEY (report_id, id)") {
        return Ok(());
    }
    sqlx::raw_sql(
        "ALTER TABLE indicators DROP CONSTRAINT IF EXISTS indicators_pkey; \
         ALTER TABLE indicators ADD CONSTRAINT indicators_pkey PRIMARY KEY (report_id, id)",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The tables Citus knows (distributed or reference).
async fn placed_tables(tx: &mut PgConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT logicalrelid::regclass::text FROM pg_dist_partition")
        .fetch_all(&mut *tx)
        .await?)
}

async fn place(tx: &mut PgConnection, table: &str, placement: Placement) -> Result<()> {
    let q = match placement {
        Placement::Distributed { column, colocate_with } => sqlx::query(
            "SELECT create_distributed_table($1::regclass, $2, colocate_with => $3)",
        )
        .bind(table)
        .bind(column)
        .bind(colocate_with.unwrap_or("default")),
        Placement::Reference => {
            sqlx::query("SELECT create_reference_table($1::regclass)").bind(table)
        }
    };
    q.execute(&mut *tx).await?;
    Ok(())
}

/// An error naming the tables of the public schema that no step placed.
async fn check_no_local_tables(tx: &mut PgConnection) -> Result<()> {
    let local: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL($1) \
           AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid) \
         ORDER BY 1",
    )
    .bind(LOCAL.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    if local.is_empty() {
        return Ok(());
    }
    Err(Error::Internal(format!(
        "Citus: tables {local:?} are neither distributed nor reference tables; give each its \
         placement in store/distribute.rs (TABLES)"
    )))
}
