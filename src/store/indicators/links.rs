//! Re-linking names to the catalog: the stored definitions, the fingerprint, one UPDATE.

use crate::error::Result;
use super::DefinitionRow;
use crate::store::Store;

impl Store {
    /// The catalog fingerprint the stored links were made with, if any.
    pub async fn catalog_fingerprint(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT fingerprint FROM catalog_state")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Every distinct indicator name as written (and names whose reports were deleted).
    pub async fn distinct_indicator_names(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT name FROM indicator_name_years")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Re-links in one transaction: refreshes the definitions, sets every indicator's
    /// canonical code from `(name, code)` pairs in one set-based UPDATE (names not in the
    /// pairs become unlinked), and records the fingerprint. Returns the rows changed.
    pub async fn apply_links(
        &self,
        definitions: &[DefinitionRow],
        names: Vec<String>,
        codes: Vec<Option<String>>,
        fingerprint: &str,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        // Serialize concurrent re-links (start-up of several replicas, the RPC).
        sqlx::query("LOCK TABLE catalog_state IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM indicator_definitions")
            .execute(&mut *tx)
            .await?;
        let d = definitions;
        sqlx::query(
            "INSERT INTO indicator_definitions (code, ord, name, unit, category, category_name, additive) \
             SELECT u.code, u.ord, u.name, u.unit, u.category, u.category_name, u.additive \
             FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[]) \
             AS u(code, ord, name, unit, category, category_name, additive)",
        )
        .bind(d.iter().map(|x| x.code.clone()).collect::<Vec<_>>())
        .bind((0..d.len() as i32).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.name.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.unit.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.category.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.category_name.clone()).collect::<Vec<_>>())
        .bind(d.iter().map(|x| x.additive).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query(
            "UPDATE indicators i SET canonical_code = u.code \
             FROM UNNEST($1::text[], $2::text[]) AS u(name, code) \
             WHERE i.name COLLATE \"C\" = u.name AND i.canonical_code IS DISTINCT FROM u.code",
        )
        .bind(names)
        .bind(codes)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "INSERT INTO catalog_state (fingerprint) VALUES ($1) \
             ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, linked_at = EXCLUDED.linked_at",
        )
        .bind(fingerprint)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changed)
    }
}
