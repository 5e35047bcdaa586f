//! Call deadlines. The client's `grpc-timeout` bounds the call, and every SQL statement it
//! runs has a `statement_timeout` within it.
//!
//! The layer answers DEADLINE_EXCEEDED when the deadline passes, dropping the call's future
//! and with it the call's work (a streamed answer still going is ended with DEADLINE_EXCEEDED
//! trailers and dropped), and runs the call with its deadline in a task-local. The
//! store's pool reads it whenever a connection is taken and sets the connection's
//! `statement_timeout` to the time left (or the server-wide default, if that is shorter):
//! sqlx sends no cancel request for a dropped query, so it is PostgreSQL that ends an
//! abandoned statement at the deadline, and the connection goes back to the pool then.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

tokio::task_local! {
    static LIMIT: Limit;
}

/// How long the statements of the running task may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A call's deadline.
    Until(Instant),
    /// No timeout at all (migrations and other start-up work).
    Unlimited,
}

/// Runs `fut` with `limit` on its statements.
pub async fn within<F: Future>(limit: Limit, fut: F) -> F::Output {
    LIMIT.scope(limit, fut).await
}

/// The running task's limit; `None` outside any (the server-wide default applies).
pub fn current() -> Option<Limit> {
    LIMIT.try_with(|l| *l).ok()
}

/// `fut` under the current limit: for tasks a call spawns, which do not inherit task-locals.
pub fn inherit<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let limit = current();
    async move {
        match limit {
            Some(limit) => LIMIT.scope(limit, fut).await,
            None => fut.await,
        }
    }
}

/// The `statement_timeout` (milliseconds, 0: none) for a statement starting now under the
/// current limit, given the server-wide `default`. A deadline already past still gives
/// 1 ms: PostgreSQL reads 0 as no timeout at all.
pub fn statement_timeout_ms(default: Duration) -> u64 {
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    match current() {
        None => ms(default),
        Some(Limit::Unlimited) => 0,
        Some(Limit::Until(deadline)) => {
            let left = deadline.saturating_duration_since(Instant::now());
            ms(left.min(default)).max(1)
        }
    }
}

/// The `grpc-timeout` header (gRPC over HTTP/2: at most 8 digits and a unit, H M S m u n);
/// `None` when absent or malformed (as tonic does).
pub fn grpc_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// The resolution of tokio's timers.
const TICK: Duration = Duration::from_millis(1);

/// The layer that gives every call its client's deadline.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeadlineLayer;

impl<S> tower::Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;
    fn layer(&self, inner: S) -> Deadline<S> {
        Deadline { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Deadline<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for Deadline<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<DeadlineBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        let Some(timeout) = grpc_timeout(req.headers()) else {
            let call = self.inner.call(req);
            return Box::pin(async move { Ok(call.await?.map(DeadlineBody::unbounded)) });
        };
        let deadline = tokio::time::Instant::now() + timeout;
        let call = within(Limit::Until(deadline.into_std()), self.inner.call(req));
        // tonic's own timer for the same header (outside every layer) would answer
        // CANCELLED "Timeout expired" at the deadline: answer a timer tick before it.
        let answer_at = deadline.checked_sub(TICK).unwrap_or(deadline);
        Box::pin(async move {
            match tokio::time::timeout_at(answer_at, call).await {
                Ok(answer) => Ok(answer?.map(|body| DeadlineBody::until(body, answer_at, timeout))),
                Err(_) => Ok(expired(timeout).into_http().map(DeadlineBody::unbounded)),
            }
        })
    }
}

fn expired(timeout: Duration) -> tonic::Status {
    tonic::Status::deadline_exceeded(format!(
        "deadline exceeded: the call's {timeout:?} (grpc-timeout) ran out"
    ))
}

/// A response body cut at the deadline: a stream still going then ends with
/// DEADLINE_EXCEEDED trailers, and its source (the call's tasks) is dropped with it.
pub struct DeadlineBody<B> {
    inner: Option<Pin<Box<B>>>,
    deadline: Option<(Pin<Box<tokio::time::Sleep>>, Duration)>,
}

impl<B> DeadlineBody<B> {
    fn unbounded(inner: B) -> Self {
        DeadlineBody {
            inner: Some(Box::pin(inner)),
            deadline: None,
        }
    }

    fn until(inner: B, at: tokio::time::Instant, timeout: Duration) -> Self {
        DeadlineBody {
            deadline: Some((Box::pin(tokio::time::sleep_until(at)), timeout)),
            ..Self::unbounded(inner)
        }
    }
}

impl<B: Default> Default for DeadlineBody<B> {
    fn default() -> Self {
        Self::unbounded(B::default())
    }
}

impl<B: http_body::Body> http_body::Body for DeadlineBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let ready @ Poll::Ready(_) = inner.as_mut().poll_frame(cx) {
            return ready;
        }
        let Some((sleep, timeout)) = this.deadline.as_mut() else {
            return Poll::Pending;
        };
        std::task::ready!(sleep.as_mut().poll(cx));
        let mut trailers = http::HeaderMap::new();
        expired(*timeout).add_header(&mut trailers).ok();
        this.inner = None; // the stream's source goes now, not when the connection does
        Poll::Ready(Some(Ok(http_body::Frame::trailers(trailers))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(|b| b.is_end_stream())
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.as_ref().map_or_else(http_body::SizeHint::default, |b| b.size_hint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> Option<Duration> {
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().unwrap());
        grpc_timeout(&headers)
    }

    #[test]
    fn grpc_timeout_units_and_malformed_values() {
        assert_eq!(header("250m"), Some(Duration::from_millis(250)));
        assert_eq!(header("3S"), Some(Duration::from_secs(3)));
        assert_eq!(header("2M"), Some(Duration::from_secs(120)));
        assert_eq!(header("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(header("99999999u"), Some(Duration::from_micros(99_999_999)));
        assert_eq!(header("5n"), Some(Duration::from_nanos(5)));
        for bad in ["", "m", "123456789m", "10x", "-1S", "1.5S", "10"] {
            assert_eq!(header(bad), None, "{bad:?}");
        }
        assert_eq!(grpc_timeout(&http::HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn statements_get_the_time_left_the_default_or_none() {
        let default = Duration::from_secs(30);
        assert_eq!(statement_timeout_ms(default), 30_000);
        let soon = Limit::Until(Instant::now() + Duration::from_millis(500));
        let ms = within(soon, async { statement_timeout_ms(default) }).await;
        assert!((1..=500).contains(&ms), "{ms}");
        let late = Limit::Until(Instant::now() + Duration::from_secs(600));
        assert_eq!(within(late, async { statement_timeout_ms(default) }).await, 30_000);
        let past = Limit::Until(Instant::now() - Duration::from_secs(1));
        assert_eq!(within(past, async { statement_timeout_ms(default) }).await, 1);
        let none = within(Limit::Unlimited, async { statement_timeout_ms(default) }).await;
        assert_eq!(none, 0);
        let spawned = within(soon, async { tokio::spawn(inherit(async { current() })).await })
            .await
            .unwrap();
        assert_eq!(spawned, Some(soon));
    }
}
