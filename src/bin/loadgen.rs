//! Load generator for QueryIndicators and friends: a mix of typical queries against a
//! running `govreport serve` (loopback only), at several concurrencies, bounded in time and
//! count, checking every status. Prints p50/p95/p99 latency and queries/s per level and
//! per query shape, one sample per RPC. Expects data from `govreport bench-load` (issuer names and years).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use clap::Parser;
use govreport::bench::{issuer_name, Rng};
use govreport::proto::v1 as pb;
use govreport_extract::catalog::Catalog;
use govreport::tls::ClientTlsArgs;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;
use tonic::Status;

#[derive(Parser)]
#[command(about = "QueryIndicators load generator (loopback only)")]
struct Args {
    /// The server (a loopback address).
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: SocketAddr,
    /// Concurrency levels to run, in order.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    concurrency: Vec<usize>,
    /// Seconds per level (after a 1 s warm-up).
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// At most this many RPCs per level.
    #[arg(long, default_value_t = 200_000)]
    max_requests: u64,
    /// Issuers and last year the data was generated with (bench-load defaults).
    #[arg(long, default_value_t = 2000)]
    issuers: usize,
    #[arg(long, default_value_t = 2024)]
    last_year: i32,
    #[arg(long, default_value_t = 10)]
    years: i32,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Bearer token with the read scope, for a server with authentication.
    #[arg(long, env = "GOVREPORT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Speak TLS (to a server started with --tls-cert).
    #[arg(long)]
    tls: bool,
    #[command(flatten)]
    client_tls: ClientTlsArgs,
}

const SHAPES: [&str; 8] = [
    "issuer page",
    "issuer page 2 (token)",
    "code+years by period",
    "code+year by value desc",
    "category+kind+year",
    "issuer latest_only",
    "name contains+year",
    "compare (cross-section)",
];

/// What the load generator reads of a QueryIndicators answer. The rows are skipped, not
/// decoded (prost skips the fields a message does not declare), so the client takes less of
/// the CPU it shares with the server.
#[derive(Clone, PartialEq, prost::Message)]
struct PageSummary {
    #[prost(string, tag = "2")]
    next_page_token: String,
}

/// What it reads of a CompareIndicators answer: nothing.
#[derive(Clone, PartialEq, prost::Message)]
struct Skipped {}

/// A ReportService client for these two RPCs with the summaries above as answers.
/// The channel, and the `authorization` value every call carries (if any).
struct Client(tonic::client::Grpc<Channel>, Option<MetadataValue<Ascii>>);

impl Client {
    async fn query(&mut self, request: pb::QueryIndicatorsRequest) -> Result<PageSummary, Status> {
        self.call("/govreport.v1.ReportService/QueryIndicators", request).await
    }

    async fn compare(&mut self, request: pb::CompareIndicatorsRequest) -> Result<Skipped, Status> {
        self.call("/govreport.v1.ReportService/CompareIndicators", request).await
    }

    async fn call<Req, Resp>(&mut self, path: &'static str, request: Req) -> Result<Resp, Status>
    where
        Req: prost::Message + Send + Sync + 'static,
        Resp: prost::Message + Default + Send + Sync + 'static,
    {
        self.0.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
        let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
        let path = http::uri::PathAndQuery::from_static(path);
        let mut request = tonic::Request::new(request);
        if let Some(authorization) = &self.1 {
            request.metadata_mut().insert("authorization", authorization.clone());
        }
        Ok(self.0.unary(request, path, codec).await?.into_inner())
    }
}

struct Mix<'a> {
    args: &'a Args,
    codes: Vec<String>,
    categories: Vec<String>,
}

impl Mix<'_> {
    fn year(&self, rng: &mut Rng) -> i32 {
        self.args.last_year - rng.below(self.args.years as usize) as i32
    }

    /// Runs one query of a shape; returns each RPC's latency with the shape it counts under
    /// (a second page's first page is an issuer page).
    async fn run(
        &self,
        shape: usize,
        rng: &mut Rng,
        client: &mut Client,
    ) -> Result<Vec<(usize, Duration)>, Status> {
        let issuer = issuer_name(rng.below(self.args.issuers));
        // Popular codes are asked about more often, like the data.
        let code = self.codes[((rng.unit().powi(2)) * self.codes.len() as f64) as usize].clone();
        let q = pb::QueryIndicatorsRequest {
            page_size: 50,
            ..Default::default()
        };
        let started = Instant::now();
        match shape {
            0 => {
                client
                    .query(pb::QueryIndicatorsRequest { issuers: vec![issuer], ..q })
                    .await?;
            }
            1 => {
                let first = client
                    .query(pb::QueryIndicatorsRequest { issuers: vec![issuer.clone()], ..q.clone() })
                    .await?;
                let first_took = started.elapsed();
                let second = Instant::now();
                client
                    .query(pb::QueryIndicatorsRequest {
                        issuers: vec![issuer],
                        page_token: first.next_page_token,
                        ..q
                    })
                    .await?;
                return Ok(vec![(0, first_took), (1, second.elapsed())]);
            }
            2 => {
                let from = self.year(rng).min(self.args.last_year - 2);
                client
                    .query(pb::QueryIndicatorsRequest {
                        canonical_codes: vec![code],
                        period_year_from: Some(from),
                        period_year_to: Some(from + 2),
                        order_by: pb::IndicatorOrderBy::Period as i32,
                        ..q
                    })
                    .await?;
            }
            3 => {
                let year = self.year(rng);
                client
                    .query(pb::QueryIndicatorsRequest {
                        canonical_codes: vec![code],
                        period_year_from: Some(year),
                        period_year_to: Some(year),
                        order_by: pb::IndicatorOrderBy::Value as i32,
                        descending: true,
                        ..q
                    })
                    .await?;
            }
            4 => {
                let year = self.year(rng);
                let category = self.categories[rng.below(self.categories.len())].clone();
                client
                    .query(pb::QueryIndicatorsRequest {
                        categories: vec![category],
                        kind: pb::IndicatorKind::Actual as i32,
                        report_year_from: Some(year),
                        report_year_to: Some(year),
                        ..q
                    })
                    .await?;
            }
            5 => {
                client
                    .query(pb::QueryIndicatorsRequest {
                        issuers: vec![issuer],
                        latest_only: true,
                        ..q
                    })
                    .await?;
            }
            6 => {
                let year = self.year(rng);
                let word = ["工业产值", "固定资产", "税收收入", "就业人", "建筑面积"][rng.below(5)];
                client
                    .query(pb::QueryIndicatorsRequest {
                        name_contains: word.into(),
                        report_year_from: Some(year),
                        report_year_to: Some(year),
                        ..q
                    })
                    .await?;
            }
            _ => {
                client
                    .compare(pb::CompareIndicatorsRequest {
                        canonical_code: code,
                        period_year: Some(self.year(rng)),
                        limit: 50,
                        ..Default::default()
                    })
                    .await?;
            }
        }
        Ok(vec![(shape, started.elapsed())])
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn row(label: &str, mut lat: Vec<Duration>, errors: u64, secs: f64) {
    lat.sort();
    println!(
        "{label:<32} {:>8} {:>7} {:>9.1} {:>8.2} {:>8.2} {:>8.2}",
        lat.len(),
        errors,
        lat.len() as f64 / secs,
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: &'static Args = Box::leak(Box::new(Args::parse()));
    if !args.addr.ip().is_loopback() {
        bail!("loadgen only talks to loopback addresses, not {}", args.addr);
    }
    let catalog = Catalog::embedded();
    let mix = Arc::new(Mix {
        args,
        codes: catalog.definitions().iter().take(60).map(|d| d.code.clone()).collect(),
        categories: catalog.categories().iter().map(|c| c.code.clone()).collect(),
    });
    let scheme = if args.tls { "https" } else { "http" };
    let addr = format!("{scheme}://{}", args.addr);
    let channel = args.client_tls.connect(&addr, Duration::from_secs(10)).await?;
    let authorization = match &args.token {
        Some(token) => Some(format!("Bearer {token}").parse()?),
        None => None,
    };
    println!(
        "{:<32} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8}",
        "concurrency / shape", "rpcs", "errors", "q/s", "p50 ms", "p95 ms", "p99 ms"
    );
    for &concurrency in &args.concurrency {
        let issued = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(AtomicU64::new(0));
        let warmup_end = Instant::now() + Duration::from_secs(1);
        let end = warmup_end + Duration::from_secs(args.seconds);
        let mut tasks = Vec::new();
        for worker in 0..concurrency {
            let (mix, issued, errors) = (mix.clone(), issued.clone(), errors.clone());
            let mut client = Client(tonic::client::Grpc::new(channel.clone()), authorization.clone());
            let max = args.max_requests;
            let seed = args.seed;
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng::new(seed ^ (worker as u64 + 1).wrapping_mul(0x9E37_79B9));
                let mut lat: Vec<Vec<Duration>> = vec![Vec::new(); SHAPES.len()];
                let mut errs = vec![0u64; SHAPES.len()];
                loop {
                    let now = Instant::now();
                    if now >= end || issued.load(Ordering::Relaxed) >= max {
                        break;
                    }
                    let shape = rng.below(SHAPES.len());
                    let result = mix.run(shape, &mut rng, &mut client).await;
                    if now < warmup_end {
                        continue;
                    }
                    match result {
                        Ok(samples) => {
                            issued.fetch_add(samples.len() as u64, Ordering::Relaxed);
                            for (s, took) in samples {
                                lat[s].push(took);
                            }
                        }
                        Err(status) => {
                            issued.fetch_add(1, Ordering::Relaxed);
                            if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                                eprintln!("first error ({}): {status}", SHAPES[shape]);
                            }
                            errs[shape] += 1;
                        }
                    }
                }
                (lat, errs)
            }));
        }
        let mut lat: Vec<Vec<Duration>> = vec![Vec::new(); SHAPES.len()];
        let mut errs = vec![0u64; SHAPES.len()];
        for t in tasks {
            let (l, e) = t.await?;
            for s in 0..SHAPES.len() {
                lat[s].extend(&l[s]);
                errs[s] += e[s];
            }
        }
        let secs = args.seconds as f64;
        row(
            &format!("c={concurrency} all"),
            lat.iter().flatten().copied().collect(),
            errs.iter().sum(),
            secs,
        );
        for s in 0..SHAPES.len() {
            row(&format!("  {}", SHAPES[s]), lat[s].clone(), errs[s], secs);
        }
    }
    Ok(())
}
