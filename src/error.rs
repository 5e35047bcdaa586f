//! The domain's errors. `service::status` is the one place they become gRPC statuses.

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is wrong; `field` names the part of it that is.
    #[error("{field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// No credentials, or credentials that prove nothing (unknown, expired, forged).
    #[error("{0}")]
    Unauthenticated(String),
    /// A caller we know, without the scope this call needs.
    #[error("{0}")]
    PermissionDenied(String),
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// Too much work at once (parse slots); retrying later helps.
    #[error("{0}")]
    ResourceExhausted(String),
    /// The call's deadline, or the server's statement timeout, ran out before its work was done.
    #[error("deadline exceeded: {0}")]
    DeadlineExceeded(String),
    /// The answer would be larger than the server sends (its message limit, in bytes); `advice`
    /// says what to ask instead.
    #[error("{what} would be {size} bytes, over the server's message limit of {limit} bytes (--max-message-bytes): {advice}")]
    AnswerTooLarge {
        what: String,
        size: usize,
        limit: usize,
        advice: String,
    },
    /// The database cannot be reached right now; retrying later may help.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected database failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }
}

/// Input as echoed in a message: quoted, and cut to 64 characters so that a huge field
/// cannot blow up the caller's metadata limit.
pub fn quoted(input: &str) -> String {
    const ECHO_CHARS: usize = 64;
    match input.char_indices().nth(ECHO_CHARS) {
        None => format!("{input:?}"),
        Some((cut, _)) => format!("{:?}…", &input[..cut]),
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::WorkerCrashed => Error::Unavailable(e.to_string()),
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_unavailable_sqlstate(&c)) => {
                Error::Unavailable(e.to_string())
            }
            sqlx::Error::Database(db) if is_citus_node_lost(db.message()) => Error::Unavailable(e.to_string()),
            // query_canceled: the statement ran into its statement_timeout.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("57014") => {
                Error::DeadlineExceeded(db.message().to_owned())
            }
            _ => Error::Internal(e.to_string()),
        }
    }
}

/// Connection exceptions (08), operator intervention (57P01-57P03: shutdown, crash
/// recovery, cannot connect now) and too many connections (53300).
fn is_unavailable_sqlstate(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

/// Citus's word for a worker lost in the middle of a distributed transaction (a connection it
/// had opened to the worker broke): SQLSTATE XX000, so told by its message. A worker it cannot
/// connect to at all is SQLSTATE 08006, a connection exception, above.
fn is_citus_node_lost(message: &str) -> bool {
    message.starts_with("failure on connection marked as essential")
        || message.starts_with("could not connect to any active placements")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
