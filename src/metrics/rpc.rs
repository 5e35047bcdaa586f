//! A tower layer counting every gRPC call by method and status code, with its latency.
//!
//! A call is counted once, when its status is known: from the response headers for a
//! trailers-only response (every error a handler or a gate returns), else from the trailers
//! at the end of the body (unary successes, and every streaming call, whose status comes
//! last). A body dropped before its trailers (the client went away) counts CANCELLED.
//! Latency runs from the request to that moment, so a stream's is its whole length.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http_body::{Body, Frame, SizeHint};

use crate::auth;

/// Health and reflection methods: labelled like the ReportService ones.
const OPEN_METHODS: &[&str] = &[
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// The `method` label: the call's path when it is a served method, else `unknown` (a
/// client cannot make new series by calling made-up paths).
fn method_label(path: &str) -> String {
    if auth::is_listed(path) || OPEN_METHODS.contains(&path) {
        path.to_owned()
    } else {
        "unknown".to_owned()
    }
}

fn grpc_status(headers: &http::HeaderMap) -> Option<tonic::Code> {
    let value = headers
        .get("grpc-status")?
        .to_str()
        .ok()?
        .parse::<i32>()
        .ok()?;
    Some(tonic::Code::from_i32(value))
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RpcMetricsLayer;

impl<S> tower::Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;
    fn layer(&self, inner: S) -> RpcMetrics<S> {
        RpcMetrics { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RpcMetrics<S> {
    inner: S,
}

/// A call not yet counted.
struct Pending {
    method: String,
    started: Instant,
}

impl Pending {
    fn finish(self, code: tonic::Code) {
        super::rpc_finished(self.method, code, self.started.elapsed());
    }
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for RpcMetrics<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<MeteredBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        let pending = Pending {
            method: method_label(req.uri().path()),
            started: Instant::now(),
        };
        let future = self.inner.call(req);
        Box::pin(async move {
            let result = future.await;
            match result {
                Ok(res) => Ok(match grpc_status(res.headers()) {
                    Some(code) => {
                        pending.finish(code);
                        res.map(|inner| MeteredBody {
                            inner,
                            pending: None,
                        })
                    }
                    None => res.map(|inner| MeteredBody {
                        inner,
                        pending: Some(pending),
                    }),
                }),
                Err(e) => {
                    pending.finish(tonic::Code::Unknown);
                    Err(e)
                }
            }
        })
    }
}

/// A response body that counts its call when the trailers pass (or it is dropped first).
pub struct MeteredBody<B> {
    inner: B,
    pending: Option<Pending>,
}

impl<B> MeteredBody<B> {
    fn finish(&mut self, code: tonic::Code) {
        if let Some(pending) = self.pending.take() {
            pending.finish(code);
        }
    }
}

impl<B> Drop for MeteredBody<B> {
    fn drop(&mut self) {
        self.finish(tonic::Code::Cancelled);
    }
}

impl<B: Body + Unpin> Body for MeteredBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    let code = grpc_status(trailers).unwrap_or(tonic::Code::Unknown);
                    self.finish(code);
                }
            }
            // A body that fails or ends without a status: the client sees no status either.
            Poll::Ready(Some(Err(_)) | None) => self.finish(tonic::Code::Unknown),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
