//! Prometheus metrics: every series' name, labels and buckets, and the one-line calls that
//! record them (README, `## Metrics`). Off unless `--metrics-listen` is given: until
//! [`install`] runs, the calls record into the `metrics` crate's no-op recorder.
//!
//! The recorder is process-wide (the `metrics` facade has one global recorder): a second
//! server in the same process (tests) shares the first one's series.

mod endpoint;
mod rpc;

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;

pub use endpoint::serve;
pub use rpc::RpcMetricsLayer;

pub const RPC_REQUESTS: &str = "govreport_grpc_requests_total";
pub const RPC_DURATION: &str = "govreport_grpc_request_duration_seconds";
pub const PARSE_DURATION: &str = "govreport_parse_duration_seconds";
pub const PARSE_BYTES: &str = "govreport_parse_input_bytes";
pub const PARSE_INDICATORS: &str = "govreport_parse_indicators";
pub const PARSE_REJECTED: &str = "govreport_parse_rejected_total";
pub const RATE_LIMITED: &str = "govreport_rate_limited_total";
pub const DB_CONNECTIONS: &str = "govreport_db_pool_connections";
pub const DB_MAX_CONNECTIONS: &str = "govreport_db_pool_max_connections";
pub const EMBEDDED_PG_RESTARTS: &str = "govreport_embedded_pg_restarts_total";

/// Seconds: 1 ms to 1 min (a parse of a 4 MB pathological text takes ~6 s).
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Bytes of UTF-8 text: 1 KiB to 16 MiB (the default message limit).
const BYTES: &[f64] = &[
    1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
];
const INDICATORS: &[f64] = &[
    0.0, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0,
];

static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once; later calls return the same handle).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Full(PARSE_BYTES.into()), BYTES))
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(PARSE_INDICATORS.into()), INDICATORS)
                })
                .map_err(|e| e.to_string())?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).map_err(|e| e.to_string())?;
            describe();
            Ok(handle)
        })
        .clone()
        .map_err(|e| anyhow::anyhow!("installing the metrics recorder: {e}"))
}

/// HELP lines, and the label-less counters at 0 so they exist before their first event.
fn describe() {
    describe_counter!(
        RPC_REQUESTS,
        "gRPC calls finished, by method and status code"
    );
    describe_histogram!(
        RPC_DURATION,
        "gRPC call latency to the end of the response, by method"
    );
    describe_histogram!(
        PARSE_DURATION,
        "Engine time of one report parse (ParseReport(s), reparse)"
    );
    describe_histogram!(PARSE_BYTES, "UTF-8 bytes of the text of one parsed report");
    describe_histogram!(PARSE_INDICATORS, "Indicators found in one parsed report");
    describe_counter!(
        PARSE_REJECTED,
        "Parses refused RESOURCE_EXHAUSTED: no parse slot in time"
    );
    describe_counter!(
        RATE_LIMITED,
        "Calls refused RESOURCE_EXHAUSTED by the per-caller rate limit"
    );
    describe_gauge!(
        DB_CONNECTIONS,
        "Pooled database connections, by state (in_use, idle), at scrape time"
    );
    describe_gauge!(
        DB_MAX_CONNECTIONS,
        "Largest number of pooled database connections"
    );
    describe_counter!(
        EMBEDDED_PG_RESTARTS,
        "Restarts of the embedded PostgreSQL after it exited unexpectedly"
    );
    for name in [PARSE_REJECTED, RATE_LIMITED, EMBEDDED_PG_RESTARTS] {
        counter!(name).increment(0);
    }
}

/// One finished gRPC call: `method` is its path (or `unknown`), `code` the gRPC code name.
pub fn rpc_finished(method: String, code: tonic::Code, elapsed: Duration) {
    counter!(RPC_REQUESTS, "method" => method.clone(), "code" => code_name(code)).increment(1);
    histogram!(RPC_DURATION, "method" => method).record(elapsed.as_secs_f64());
}

/// One report read by the engine.
pub fn report_parsed(elapsed: Duration, text_bytes: usize, indicators: usize) {
    histogram!(PARSE_DURATION).record(elapsed.as_secs_f64());
    histogram!(PARSE_BYTES).record(text_bytes as f64);
    histogram!(PARSE_INDICATORS).record(indicators as f64);
}

pub fn parse_rejected() {
    counter!(PARSE_REJECTED).increment(1);
}

pub fn rate_limited() {
    counter!(RATE_LIMITED).increment(1);
}

pub fn embedded_pg_restarted() {
    counter!(EMBEDDED_PG_RESTARTS).increment(1);
}

/// The pool's connections now (called at each scrape).
pub fn pool_sampled(pool: &PgPool) {
    let (size, idle) = (pool.size(), pool.num_idle() as u32);
    gauge!(DB_CONNECTIONS, "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
    gauge!(DB_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    gauge!(DB_MAX_CONNECTIONS).set(f64::from(pool.options().get_max_connections()));
}

/// The canonical name of a gRPC status code, as in the gRPC spec (`OK`, `INVALID_ARGUMENT`).
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}
