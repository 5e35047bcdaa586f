//! The one place domain errors become gRPC statuses.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::Error;
use crate::proto::v1 as pb;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        match &e {
            // The message names the field; google.rpc.BadRequest carries it for programs too.
            Error::InvalidArgument { field, reason } => Status::with_error_details(
                Code::InvalidArgument,
                e.to_string(),
                ErrorDetails::with_bad_request_violation(*field, reason.clone()),
            ),
            Error::Unauthenticated(_) => Status::unauthenticated(e.to_string()),
            Error::PermissionDenied(_) => Status::permission_denied(e.to_string()),
            Error::ResourceExhausted(_) => Status::resource_exhausted(e.to_string()),
            Error::DeadlineExceeded(_) => Status::deadline_exceeded(e.to_string()),
            // Asking differently (another view, pages) succeeds: the request is fine, the
            // answer it asks for cannot be sent. ErrorInfo gives programs the figures.
            Error::AnswerTooLarge { size, limit, .. } => Status::with_error_details(
                Code::FailedPrecondition,
                e.to_string(),
                ErrorDetails::with_error_info(
                    "ANSWER_TOO_LARGE",
                    "govreport.v1",
                    [
                        ("size".to_owned(), size.to_string()),
                        ("limit".to_owned(), limit.to_string()),
                    ],
                ),
            ),
            Error::NotFound(_) => Status::new(Code::NotFound, e.to_string()),
            Error::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                Status::new(Code::Unavailable, "database unavailable, retry later")
            }
            Error::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Status::new(Code::Internal, "internal error")
            }
        }
    }
}

/// The status of one item of a streamed answer (ParseReports): the code and message the
/// unary call would have answered, and for INVALID_ARGUMENT the field.
pub fn result_status(outcome: Result<(), Error>) -> pb::ResultStatus {
    let Err(e) = outcome else {
        return pb::ResultStatus::default();
    };
    let field = match &e {
        Error::InvalidArgument { field, .. } => (*field).to_owned(),
        _ => String::new(),
    };
    let status = Status::from(e);
    pb::ResultStatus {
        code: status.code() as i32,
        message: status.message().to_owned(),
        field,
    }
}
