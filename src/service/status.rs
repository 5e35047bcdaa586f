//! The one place domain errors become gRPC statuses.

use tonic::{Code, Status};

use crate::error::Error;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        match &e {
            Error::InvalidArgument { .. } => Status::new(Code::InvalidArgument, e.to_string()),
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
