//! A tower layer that checks each call before any service sees it: a refused call is
//! answered with its status right there. Authentication and rate limits are such checks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::Error;

/// One check of a call; it may leave what it learned in the request's extensions.
pub trait Check: Clone {
    fn check(&self, parts: &mut http::request::Parts) -> Result<(), Error>;
}

#[derive(Debug, Clone)]
pub struct GateLayer<C> {
    check: C,
}

impl<C> GateLayer<C> {
    pub fn new(check: C) -> Self {
        GateLayer { check }
    }
}

impl<S, C: Clone> tower::Layer<S> for GateLayer<C> {
    type Service = Gate<S, C>;
    fn layer(&self, inner: S) -> Gate<S, C> {
        Gate {
            inner,
            check: self.check.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gate<S, C> {
    inner: S,
    check: C,
}

impl<S, C, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for Gate<S, C>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    C: Check,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        let (mut parts, body) = req.into_parts();
        match self.check.check(&mut parts) {
            Ok(()) => Box::pin(self.inner.call(http::Request::from_parts(parts, body))),
            Err(e) => {
                let response = tonic::Status::from(e).into_http();
                Box::pin(std::future::ready(Ok(response)))
            }
        }
    }
}
