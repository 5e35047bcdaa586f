//! The indicator columns, listed once: a report's insert writes them (one array each, through
//! UNNEST), every read selects them (`INDICATOR_COLUMNS`) and decodes them (`sqlx::FromRow`).
//! A new indicator column is one line in `indicator_columns!` below plus one line in each of
//! `RowColumns::of` and `RowColumns::into_record`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{FromRow, Postgres};
use uuid::Uuid;

use crate::domain::records::{canonical_ref, CanonicalRef, ChangeRecord, IndicatorRecord, RankRecord, ReportRecord};
use crate::error::Result;
use crate::store::codes;

/// Declares `RowColumns` (a row's own columns, written and read), the per-report columns
/// written on every row (`ReportColumns`), the select list and the insert statement.
/// `via f` binds a column as `f(value)`; `as "expr"` is what the insert selects for it.
macro_rules! indicator_columns {
    (
        row { $($col:ident: $ty:ty = $pg:literal $(via $via:path)? $(as $sel:literal)?),* $(,)? }
        report { $($rcol:ident: $rty:ty),* $(,)? }
        read_only { $($ro:ident),* $(,)? }
    ) => {
        /// A row's own columns, as stored.
        #[derive(Debug, Default, FromRow)]
        pub(super) struct RowColumns { $(pub $col: $ty,)* }

        /// The report's columns copied onto each of its rows.
        pub(super) struct ReportColumns { $(pub $rcol: $rty,)* }

        /// Every indicator column a read decodes, on relation `i`.
        pub(in crate::store) const INDICATOR_COLUMNS: &str = concat!(
            "i.seq, i.report_id, i.issuer, i.report_year" $(, ", i.", stringify!($ro))* $(, ", i.", stringify!($col))*
        );

        /// `INSERT … SELECT … FROM UNNEST(…)` of one report's rows.
        fn insert_sql() -> String {
            let report = [$(stringify!($rcol)),*];
            let row = [$((stringify!($col), $pg, None::<&str> $(.or(Some($sel)))?)),*];
            build_insert(&report, &row)
        }

        /// Binds the report's columns, then each row column as one array.
        fn bind_all<'q>(
            mut q: Query<'q, Postgres, PgArguments>,
            report: ReportColumns,
            mut rows: Vec<RowColumns>,
        ) -> Query<'q, Postgres, PgArguments> {
            $(q = q.bind(report.$rcol);)*
            $(
                let column = rows.iter_mut().map(|r| std::mem::take(&mut r.$col));
                $(let column = column.map($via);)?
                q = q.bind(column.collect::<Vec<_>>());
            )*
            q
        }
    };
}

indicator_columns! {
    row {
        id: Uuid = "uuid",
        ord: i32 = "int4",
        name: String = "text",
        value: Option<f64> = "float8",
        unit: String = "text",
        value_text: String = "text",
        approx: String = "text",
        period_year: Option<i32> = "int4",
        from_month: i16 = "int2",
        to_month: i16 = "int2",
        kind: String = "text",
        change_pct: Option<f64> = "float8",
        change_approx: Option<String> = "text",
        change_unit: Option<String> = "text",
        rank_position: Option<i32> = "int4",
        rank_scope: Option<String> = "text",
        completion_pct: Option<f64> = "float8",
        completion_approx: String = "text",
        span_start: i32 = "int4",
        span_end: i32 = "int4",
        sentence: String = "text",
        // A ragged text[][] cannot be unnested: each path goes as JSON, read back as text[].
        section_path: Vec<String> = "text" via path_json
            as "ARRAY(SELECT jsonb_array_elements_text(u.section_path::jsonb))",
        rule: String = "text",
        canonical_code: Option<String> = "text",
        failed_check: bool = "bool",
    }
    report {
        report_id: Uuid,
        issuer: String,
        report_year: Option<i32>,
        report_title: String,
        report_published: Option<NaiveDate>,
        report_parser_version: String,
    }
    read_only { period_key, ingested_at }
}

fn path_json(path: Vec<String>) -> String {
    serde_json::to_string(&path).expect("strings serialize")
}

fn build_insert(report: &[&str], row: &[(&str, &str, Option<&str>)]) -> String {
    let names: Vec<&str> = report.iter().chain(row.iter().map(|c| &c.0)).copied().collect();
    let params = (1..=report.len()).map(|n| format!("${n}"));
    let selected = row.iter().map(|(name, _, sel)| sel.map_or_else(|| format!("u.{name}"), str::to_owned));
    let arrays = row.iter().enumerate().map(|(k, (_, pg, _))| format!("${}::{pg}[]", report.len() + 1 + k));
    let aliases: Vec<&str> = row.iter().map(|c| c.0).collect();
    format!(
        "INSERT INTO indicators ({}) SELECT {} FROM UNNEST({}) AS u({})",
        names.join(", "),
        params.chain(selected).collect::<Vec<_>>().join(", "),
        arrays.collect::<Vec<_>>().join(", "),
        aliases.join(", "),
    )
}

/// The one insert statement, built once from the list.
pub(super) fn insert_statement() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(insert_sql);
    &SQL
}

/// Binds a report's rows to `insert_statement()`.
pub(super) fn bind_report<'q>(
    q: Query<'q, Postgres, PgArguments>,
    report_id: Uuid,
    report: &ReportRecord,
) -> Query<'q, Postgres, PgArguments> {
    let failed = report.failed_check_ordinals();
    let rows = report.indicators.iter().enumerate();
    let rows = rows.map(|(ord, r)| RowColumns::of(ord as u32, r, failed.binary_search(&(ord as u32)).is_ok()));
    let columns = ReportColumns {
        report_id,
        issuer: report.issuer.clone(),
        report_year: report.report_year,
        report_title: report.title.clone(),
        report_published: report.published,
        report_parser_version: report.parser_version.clone(),
    };
    bind_all(q, columns, rows.collect())
}

fn clamp(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl RowColumns {
    /// The row of the `ord`th indicator of its report.
    fn of(ord: u32, r: &IndicatorRecord, failed_check: bool) -> RowColumns {
        RowColumns {
            id: r.id.unwrap_or_else(Uuid::new_v4),
            ord: clamp(ord),
            name: r.name.clone(),
            value: r.value,
            unit: r.unit.clone(),
            value_text: r.value_text.clone(),
            approx: codes::approx(r.approx).to_owned(),
            period_year: r.period_year,
            from_month: i16::from(r.from_month),
            to_month: i16::from(r.to_month),
            kind: codes::kind(r.kind).to_owned(),
            change_pct: r.change.as_ref().map(|c| c.pct),
            change_approx: r.change.as_ref().map(|c| codes::approx(c.approx).to_owned()),
            change_unit: r.change.as_ref().map(|c| codes::change_unit(c.unit).to_owned()),
            rank_position: r.rank.as_ref().map(|k| clamp(k.position)),
            rank_scope: r.rank.as_ref().map(|k| k.scope.clone()),
            completion_pct: r.completion_pct,
            completion_approx: codes::approx(r.completion_approx).to_owned(),
            span_start: clamp(r.span.0),
            span_end: clamp(r.span.1),
            sentence: r.sentence.clone(),
            section_path: r.section_path.clone(),
            rule: r.rule.clone(),
            canonical_code: r.canonical.as_ref().map(|c| c.code.clone()),
            failed_check,
        }
    }

    /// The record of a row read back, written at `ingested_at`.
    pub(super) fn into_record(self, ingested_at: DateTime<Utc>) -> Result<IndicatorRecord> {
        let change = match self.change_pct {
            Some(pct) => Some(ChangeRecord {
                pct,
                approx: codes::parse_approx(self.change_approx.as_deref().unwrap_or("exact"))?,
                unit: codes::parse_change_unit(self.change_unit.as_deref().unwrap_or("percent"))?,
            }),
            None => None,
        };
        let rank = self.rank_position.map(|position| RankRecord {
            position: position as u32,
            scope: self.rank_scope.unwrap_or_default(),
        });
        // A code this build's catalog lacks (stored by another version) keeps its code alone.
        let canonical = self.canonical_code.map(|code| {
            canonical_ref(&code).unwrap_or(CanonicalRef { code, name: String::new(), category: String::new() })
        });
        Ok(IndicatorRecord {
            id: Some(self.id),
            name: self.name,
            value: self.value,
            unit: self.unit,
            value_text: self.value_text,
            approx: codes::parse_approx(&self.approx)?,
            period_year: self.period_year,
            from_month: self.from_month as u8,
            to_month: self.to_month as u8,
            kind: codes::parse_kind(&self.kind)?,
            change,
            rank,
            completion_pct: self.completion_pct,
            completion_approx: codes::parse_approx(&self.completion_approx)?,
            span: (self.span_start as u32, self.span_end as u32),
            sentence: self.sentence,
            section_path: self.section_path,
            rule: self.rule,
            canonical,
            report: None,
            failed_check: self.failed_check,
            ingested_at: Some(ingested_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_insert_names_binds_and_selects_every_column_once() {
        let sql = insert_statement();
        assert!(sql.starts_with(
            "INSERT INTO indicators (report_id, issuer, report_year, report_title, report_published, \
             report_parser_version, id, ord, name,"
        ));
        assert!(sql.contains("SELECT $1, $2, $3, $4, $5, $6, u.id, u.ord,"));
        assert!(sql.contains("ARRAY(SELECT jsonb_array_elements_text(u.section_path::jsonb)), u.rule"));
        assert!(sql.contains("FROM UNNEST($7::uuid[], $8::int4[], $9::text[]"));
        assert!(sql.ends_with("$31::bool[]) AS u(id, ord, name, value, unit, value_text, approx, period_year, \
             from_month, to_month, kind, change_pct, change_approx, change_unit, rank_position, rank_scope, \
             completion_pct, completion_approx, span_start, span_end, sentence, section_path, rule, \
             canonical_code, failed_check)"));
    }
}
