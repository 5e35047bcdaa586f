//! Per-caller rate limits (GCRA, `governor`): a caller over its quota gets RESOURCE_EXHAUSTED
//! before any service runs; health and reflection are never counted.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::{self, Principal};
use crate::error::Error;
use crate::gate::{Check, GateLayer};
use crate::metrics;

/// Calls each caller (token name, or `anonymous`) may make: a steady rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

#[derive(Clone)]
pub struct Limit {
    limit: RateLimit,
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

/// The layer that counts every ReportService call against its caller; `None`: no limit.
pub fn layer(limit: Option<RateLimit>) -> GateLayer<Option<Limit>> {
    GateLayer::new(limit.map(|limit| Limit {
        limit,
        limiter: Arc::new(RateLimiter::keyed(
            Quota::per_second(limit.per_second).allow_burst(limit.burst),
        )),
    }))
}

impl Check for Option<Limit> {
    fn check(&self, parts: &mut http::request::Parts) -> Result<(), Error> {
        let Some(Limit { limit, limiter }) = self else {
            return Ok(());
        };
        if auth::required_scope(parts.uri.path()).is_none() {
            return Ok(());
        }
        let caller = parts
            .extensions
            .get::<Principal>()
            .map_or("anonymous", |p| p.name.as_str());
        limiter.check_key(&caller.to_owned()).map_err(|_| {
            metrics::rate_limited();
            Error::ResourceExhausted(format!(
                "{caller:?} is over its rate limit ({} calls per second, bursts of {}): retry later",
                limit.per_second, limit.burst
            ))
        })
    }
}
