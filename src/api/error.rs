//! The API's one error type and its mapping to JSON responses: always
//! `{"message": "…"}`; 401 messages begin with "Unauthorized"; 5xx bodies
//! say nothing internal while the cause goes to the log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::db::StorageError;
use crate::domain::access_tokens::ExchangeError;
use crate::domain::auth_token::TokenProblem;
use crate::domain::invitations::LinkError;
use crate::domain::user_changes::UserChangeError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("The request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(#[from] StorageError),
}

impl ApiError {
    pub fn unauthorized(detail: &str) -> ApiError {
        ApiError::Unauthorized(format!("Unauthorized: {detail}"))
    }
}

impl From<TokenProblem> for ApiError {
    fn from(problem: TokenProblem) -> Self {
        let message = problem.message();
        match problem {
            TokenProblem::LifetimeTooLong(_)
            | TokenProblem::ExpiresBeforeIssued
            | TokenProblem::UnknownScope(_) => ApiError::BadRequest(message),
            TokenProblem::ScopeNotGranted(_) => ApiError::Forbidden(message),
            _ => ApiError::Unauthorized(message),
        }
    }
}

impl From<ExchangeError> for ApiError {
    fn from(err: ExchangeError) -> Self {
        match err {
            ExchangeError::Rejected(problem) => problem.into(),
            ExchangeError::Storage(err) => ApiError::Internal(err),
        }
    }
}

impl From<UserChangeError> for ApiError {
    fn from(err: UserChangeError) -> Self {
        match err {
            UserChangeError::NotFound => ApiError::NotFound(err.to_string()),
            UserChangeError::Storage(cause) => ApiError::Internal(cause),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl From<LinkError> for ApiError {
    fn from(err: LinkError) -> Self {
        match err {
            LinkError::UserNotFound => ApiError::NotFound("User not found".into()),
            LinkError::AlreadySignedIn => ApiError::BadRequest(
                "The user has already signed in, so there is nothing to invite them to; request a password reset with POST /users/v2/{email}/resetpassword instead".into(),
            ),
            LinkError::Storage(cause) => ApiError::Internal(cause),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "API request failed");
                "Internal server error".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::TooManyRequests { retry_after, .. } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        response.json(json!({ "message": message }))
    }
}
