//! The scrape endpoint: HTTP/1.1 `GET /metrics` in the Prometheus text format, the pool
//! gauges sampled at each scrape.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

use crate::store::Store;

const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// Histogram upkeep between scrapes (the exporter's own default).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Serves `/metrics` on `listener` until dropped (the server aborts it at shutdown).
pub async fn serve(listener: TcpListener, handle: PrometheusHandle, store: Store) {
    let mut upkeep = tokio::time::interval(UPKEEP_EVERY);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics listener: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = upkeep.tick() => {
                handle.run_upkeep();
                continue;
            }
        };
        let (handle, store) = (handle.clone(), store.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let response = respond(&req, &handle, &store);
                async move { Ok::<_, Infallible>(response) }
            });
            // The timer bounds how long a client may take to send its request headers.
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "metrics connection ended");
            }
        });
    }
}

fn respond<B>(
    req: &http::Request<B>,
    handle: &PrometheusHandle,
    store: &Store,
) -> http::Response<Full<Bytes>> {
    let (status, content_type, body) = match (req.method(), req.uri().path()) {
        (&http::Method::GET, "/metrics") => {
            super::pool_sampled(store.pool());
            (http::StatusCode::OK, TEXT_FORMAT, handle.render())
        }
        (_, "/metrics") => (
            http::StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "GET only\n".to_owned(),
        ),
        _ => (
            http::StatusCode::NOT_FOUND,
            "text/plain",
            "metrics are at /metrics\n".to_owned(),
        ),
    };
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}
