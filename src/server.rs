//! The gRPC server: ReportService, grpc.health.v1 (NOT_SERVING while the database is
//! unreachable) and reflection (v1 and v1alpha, unless turned off), behind the
//! authentication layer, with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::codec::CompressionEncoding;
use tonic::transport::{Server, ServerTlsConfig};
use tonic_health::ServingStatus;

use crate::auth::{self, Verifier};
use crate::deadline::{self, DeadlineLayer, Limit};
use crate::domain::{BatchLimit, ParseLimit, Reports};
use crate::metrics::{self, RpcMetricsLayer};
use crate::proto;
use crate::rate_limit::{self, RateLimit};
use crate::service::{AnswerLimit, ReportService, ReportServiceServer};
use crate::store::page_token::TokenKey;
use crate::store::Store;
use crate::telemetry::RpcTraceLayer;

/// The health entry of the service (the overall "" entry follows it).
pub const SERVICE_NAME: &str = "govreport.v1.ReportService";
const HEALTH_PROBE_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request or response message, in bytes.
    pub max_message_bytes: usize,
    /// Serve reflection v1 and v1alpha.
    pub reflection: bool,
    /// Who may call; `None`: everyone (the caller checked the exposure).
    pub auth: Option<Arc<Verifier>>,
    /// Serve TLS (and require client certificates when it has a client CA); `None`: plaintext.
    pub tls: Option<ServerTlsConfig>,
    /// Signs page tokens.
    pub token_key: TokenKey,
    pub parse_limit: ParseLimit,
    /// How ParseReports batches its writes.
    pub ingest_batch: BatchLimit,
    /// Calls per caller; `None`: unlimited.
    pub rate_limit: Option<RateLimit>,
    /// Serve Prometheus metrics (`GET /metrics`) on this address; `None`: no metrics.
    pub metrics: Option<SocketAddr>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_message_bytes: 16 * 1024 * 1024,
            reflection: true,
            auth: None,
            tls: None,
            token_key: TokenKey::random(),
            parse_limit: ParseLimit::default(),
            ingest_batch: BatchLimit::default(),
            rate_limit: None,
            metrics: None,
        }
    }
}

async fn set_health(reporter: &tonic_health::server::HealthReporter, status: ServingStatus) {
    reporter.set_service_status(SERVICE_NAME, status).await;
    reporter.set_service_status("", status).await;
}

/// Serves on `listener` until `shutdown` resolves, then drains in-flight calls.
/// The caller owns the store and closes it afterwards.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    // The engine's word dictionary takes a tenth of a second to load: now, not in the first ParseReport.
    tokio::task::spawn_blocking(govreport_extract::token::preload);
    // Links made with another catalog are redone before serving (no re-parse).
    // One UPDATE over every indicator: no statement timeout.
    let relinker = Reports::new(store.clone());
    match deadline::within(Limit::Unlimited, relinker.relink_if_changed()).await {
        Ok(Some(done)) => tracing::info!(
            fingerprint = %done.fingerprint,
            distinct_names = done.distinct_names,
            linked_names = done.linked_names,
            changed = done.changed_indicators,
            "catalog changed: indicators re-linked"
        ),
        Ok(None) => tracing::debug!("catalog unchanged"),
        Err(e) => tracing::warn!(error = %e, "re-linking at start-up failed; serving the stored links"),
    }
    let (reporter, health_service) = tonic_health::server::health_reporter();
    set_health(
        &reporter,
        if store.ping().await {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        },
    )
    .await;
    let probe = tokio::spawn({
        let (reporter, store) = (reporter.clone(), store.clone());
        async move {
            let mut last = None;
            loop {
                tokio::time::sleep(HEALTH_PROBE_EVERY).await;
                let up = tokio::time::timeout(HEALTH_PROBE_EVERY, store.ping())
                    .await
                    .unwrap_or(false);
                if last != Some(up) {
                    if up {
                        tracing::info!("database reachable: SERVING");
                    } else {
                        tracing::warn!("database unreachable: NOT_SERVING");
                    }
                    last = Some(up);
                }
                set_health(
                    &reporter,
                    if up {
                        ServingStatus::Serving
                    } else {
                        ServingStatus::NotServing
                    },
                )
                .await;
            }
        }
    });

    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            // So clients (grpcurl) can decode google.rpc.BadRequest error details.
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    let (reflection_v1, reflection_v1alpha) = if config.reflection {
        (Some(reflection().build_v1()?), Some(reflection().build_v1alpha()?))
    } else {
        (None, None)
    };
    let metrics_store = store.clone();
    let reports = Reports::with_limits(store, config.token_key, config.parse_limit)
        .with_batch(config.ingest_batch);
    let reports = ReportServiceServer::new(ReportService::new(reports, AnswerLimit(config.max_message_bytes)))
        .max_decoding_message_size(config.max_message_bytes)
        .max_encoding_message_size(config.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);

    tracing::info!(addr = %listener.local_addr()?, tls = config.tls.is_some(), "serving gRPC");
    // Small responses must not wait for delayed ACKs (Nagle): ~40 ms per call otherwise.
    let incoming = TcpListenerStream::new(listener).map(|conn| {
        if let Ok(stream) = &conn {
            let _ = stream.set_nodelay(true);
        }
        conn
    });
    let drained_reporter = reporter.clone();
    let mut builder = Server::builder();
    if let Some(tls) = config.tls {
        builder = builder.tls_config(tls)?;
    }
    let metrics = serve_metrics(config.metrics, &metrics_store).await?;
    let result = builder
        .layer(RpcTraceLayer)
        // Outside the gates: their refusals are counted too.
        .layer(RpcMetricsLayer)
        .layer(DeadlineLayer)
        .layer(auth::layer(config.auth))
        .layer(rate_limit::layer(config.rate_limit))
        .add_service(health_service)
        .add_optional_service(reflection_v1)
        .add_optional_service(reflection_v1alpha)
        .add_service(reports)
        .serve_with_incoming_shutdown(incoming, async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight calls");
            probe.abort();
            set_health(&drained_reporter, ServingStatus::NotServing).await;
        })
        .await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    result?;
    tracing::info!("server stopped");
    Ok(())
}

/// Binds `addr` and serves `/metrics` there until aborted; `None` without an address.
async fn serve_metrics(
    addr: Option<SocketAddr>,
    store: &Store,
) -> Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(addr) = addr else {
        return Ok(None);
    };
    let handle = metrics::install()?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding --metrics-listen {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, "serving metrics at /metrics");
    Ok(Some(tokio::spawn(metrics::serve(listener, handle, store.clone()))))
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}
