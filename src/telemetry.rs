//! Logging: human-readable by default, JSON on request; one span per RPC with its
//! method, gRPC status and latency.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tracing::Instrument;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Logs go to stderr (stdout carries the CLI's output). RUST_LOG overrides the level.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// A tower layer that wraps each gRPC call in an `rpc` span and logs its outcome.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpcTraceLayer;

impl<S> tower::Layer<S> for RpcTraceLayer {
    type Service = RpcTrace<S>;
    fn layer(&self, inner: S) -> RpcTrace<S> {
        RpcTrace { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RpcTrace<S> {
    inner: S,
}

/// grpc-status of a response: in the headers for errors (trailers-only responses); a
/// response without it in the headers succeeded so far (its status comes in the trailers).
fn grpc_status<B>(res: &http::Response<B>) -> tonic::Code {
    res.headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map(tonic::Code::from_i32)
        .unwrap_or(tonic::Code::Ok)
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for RpcTrace<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        let span = tracing::info_span!(
            "rpc",
            method = %req.uri().path(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let future = {
            let _entered = span.enter();
            self.inner.call(req)
        };
        Box::pin(
            async move {
                let result = future.await;
                let latency_ms = started.elapsed().as_secs_f64() * 1e3;
                let span = tracing::Span::current();
                span.record("latency_ms", latency_ms);
                match &result {
                    Ok(res) => {
                        let code = grpc_status(res);
                        span.record("status", tracing::field::debug(code));
                        if matches!(
                            code,
                            tonic::Code::Internal | tonic::Code::Unknown | tonic::Code::DataLoss
                        ) {
                            tracing::error!(?code, latency_ms, "rpc failed");
                        } else {
                            tracing::info!(?code, latency_ms, "rpc done");
                        }
                    }
                    Err(e) => {
                        span.record("status", "transport error");
                        tracing::error!(error = %e, latency_ms, "rpc failed in transport");
                    }
                }
                result
            }
            .instrument(span),
        )
    }
}
