//! `bench-load --parse-reports`: synthetic report texts through ParseReports (an
//! in-process server on loopback, one stream, the engine parsing every text), once per
//! write batch size, each into a fresh database; then a raw COPY of the very rows the last
//! run stored (reports, sections, indicators, name years) into another fresh database of the
//! same schema. Prints indicators/s for each, in the same run.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use futures_util::StreamExt;
use govreport_extract::catalog::Catalog;
use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;

use super::{synthetic_report, text::report_text, Rng};
use crate::config::BenchLoadArgs;
use crate::domain::BatchLimit;
use crate::proto::v1 as pb;
use crate::server::{self, ServerConfig};
use crate::store::Store;

/// The tables a report's write fills, parents first (the COPY's order).
const TABLES: [&str; 4] = ["reports", "sections", "indicators", "indicator_name_years"];

pub async fn run(admin: &Store, args: &BenchLoadArgs) -> Result<()> {
    let started = Instant::now();
    let texts = Arc::new(texts(args));
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} report texts ({:.1} MB) made in {:.1}s",
        texts.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    engine_alone(&texts);
    let mut last = None;
    for &batch in &args.batches {
        let name = format!("bench_ingest_batch_{batch}");
        let store = fresh_database(admin, &name).await?;
        let limit = BatchLimit {
            reports: batch as usize,
            writers: args.writers as usize,
        };
        let (rows, secs) = stream_all(&store, texts.clone(), limit).await?;
        println!(
            "ParseReports, batch {batch:>3}, {} writers: {} reports, {rows} indicators in {secs:.1}s: {:.0} rows/s",
            args.writers,
            texts.len(),
            rows as f64 / secs
        );
        if let Some((old, _)) = last.replace((store, rows)) {
            old.close().await;
        }
    }
    let Some((source, rows)) = last else {
        bail!("--batches is empty");
    };
    let target = fresh_database(admin, "bench_ingest_copy").await?;
    let secs = copy_all(&source, &target).await?;
    println!(
        "raw COPY of the same rows:   {rows} indicators in {secs:.1}s: {:.0} rows/s",
        rows as f64 / secs
    );
    source.close().await;
    target.close().await;
    Ok(())
}

/// The engine alone on (up to) the first 200 texts, one thread: what parsing costs.
fn engine_alone(texts: &[String]) {
    let sample = &texts[..texts.len().min(200)];
    let started = Instant::now();
    let rows: usize = sample
        .iter()
        .map(|t| {
            crate::domain::read_report(t, "", &Default::default())
                .indicators
                .len()
        })
        .sum();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "engine alone, one thread: {} reports in {secs:.2}s: {:.0} reports/s, {:.0} rows/s",
        sample.len(),
        sample.len() as f64 / secs,
        rows as f64 / secs
    );
}

/// `issuers × years` report texts of about `indicators_per_report` figures each.
fn texts(args: &BenchLoadArgs) -> Vec<String> {
    let catalog = Catalog::embedded();
    let per = args.indicators_per_report as usize;
    (0..args.issuers as usize * args.years as usize)
        .map(|n| {
            let mut rng = Rng::new(args.seed ^ (n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let year = 2024 - (n % args.years as usize) as i32;
            let report = synthetic_report(&mut rng, catalog, n / args.years as usize, year, per);
            report_text(&report, &mut rng)
        })
        .collect()
}

/// A migrated, empty database `name` on the server `admin` is connected to.
async fn fresh_database(admin: &Store, name: &str) -> Result<Store> {
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(admin.pool())
            .await?;
    }
    let options: PgConnectOptions = admin
        .pool()
        .connect_options()
        .as_ref()
        .clone()
        .database(name);
    let store = Store::connect(options, &Default::default()).await?;
    store.migrate().await?;
    Ok(store)
}

/// What the benchmark reads of a result: prost skips the report's rows undecoded, so the
/// client takes less of the CPU it shares with the server (as `loadgen` does).
#[derive(Clone, PartialEq, prost::Message)]
struct ResultSummary {
    #[prost(uint32, tag = "1")]
    index: u32,
    #[prost(message, optional, tag = "3")]
    status: Option<pb::ResultStatus>,
    #[prost(message, optional, tag = "4")]
    response: Option<ResponseSummary>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ResponseSummary {
    #[prost(message, optional, tag = "1")]
    report: Option<ReportSummary>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ReportSummary {
    #[prost(uint32, tag = "13")]
    indicator_count: u32,
}

/// Every text over one ParseReports stream to a server on `store`; (indicators stored, seconds).
async fn stream_all(
    store: &Store,
    texts: Arc<Vec<String>>,
    limit: BatchLimit,
) -> Result<(u64, f64)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let config = ServerConfig {
        ingest_batch: limit,
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::serve(listener, store.clone(), config, async {
        let _ = stopped.await;
    }));
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(usize::MAX);
    let n = texts.len();
    let requests = futures_util::stream::iter(0..n).map(move |i| pb::ParseReportRequest {
        source: Some(pb::parse_report_request::Source::Text(texts[i].clone())),
        source_uri: format!("bench://{i}"),
        ..Default::default()
    });
    let started = Instant::now();
    grpc.ready().await?;
    let codec = tonic_prost::ProstCodec::<pb::ParseReportRequest, ResultSummary>::default();
    let path = http::uri::PathAndQuery::from_static("/govreport.v1.ReportService/ParseReports");
    let mut results = grpc
        .streaming(tonic::Request::new(requests), path, codec)
        .await?
        .into_inner();
    let mut rows = 0u64;
    while let Some(result) = results.message().await? {
        let status = result.status.unwrap_or_default();
        let Some(report) = result.response.and_then(|r| r.report) else {
            bail!(
                "report {} failed: {} {}",
                result.index,
                status.code,
                status.message
            );
        };
        rows += u64::from(report.indicator_count);
        if result.index > 0 && result.index % 1000 == 0 {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "  {} reports, {rows} indicators, {:.0} rows/s",
                result.index,
                rows as f64 / secs
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    serving.await??;
    Ok((rows, secs))
}

/// COPYs every row of `source`'s tables into `target`'s (one transaction); the seconds the
/// COPY into `target` took (reading `source` is not counted).
async fn copy_all(source: &Store, target: &Store) -> Result<f64> {
    let mut dumps = Vec::new();
    for table in TABLES {
        let sql = format!("COPY {table} TO STDOUT (FORMAT binary)");
        let mut conn = source.pool().acquire().await?;
        let mut out = conn.copy_out_raw(&sql).await?;
        let mut data = Vec::new();
        while let Some(chunk) = out.next().await {
            data.extend_from_slice(&chunk?);
        }
        dumps.push((table, data));
    }
    let mut conn = target.pool().acquire().await?;
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    for (table, data) in &dumps {
        let sql = format!("COPY {table} FROM STDIN (FORMAT binary)");
        let mut copy = tx.copy_in_raw(&sql).await?;
        copy.send(data.as_slice()).await?;
        copy.finish()
            .await
            .with_context(|| format!("COPY {table}"))?;
    }
    tx.commit().await?;
    Ok(started.elapsed().as_secs_f64())
}
