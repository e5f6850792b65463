//! ConnectWise's error responses, built in one place so every handler answers in the same shapes.
//!
//! Owns the status and body of every non-2xx answer (API-NOTES.md §1.3): 400 `InvalidObject` with
//! `errors[]`, 400 `ConnectWiseApi` for unknown members, 401, 403, 404, 405, the 429 shape with
//! `Retry-After`, and the injected 5xx. It refuses to decide *when* to fail.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) resource: String,
    pub(crate) field: String,
}

/// A ConnectWise error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 400 `InvalidObject` with field errors.
    Invalid {
        resource: String,
        errors: Vec<FieldError>,
    },
    /// 400 `ConnectWiseApi` (body could not be bound: unknown member, wrong type, bad JSON).
    Binding { message: String },
    /// 400 for a bad `conditions`, `orderBy`, `fields` or paging parameter.
    BadQuery { message: String },
    /// 401.
    Unauthorized,
    /// 403 for a missing or unknown `clientId`.
    Forbidden,
    /// 403 for a write the API member's security role has no right for (an injected fault).
    NoRight,
    /// 404 for an unknown path or record.
    NotFound { message: String },
    /// 405.
    MethodNotAllowed { method: String },
    /// 429.
    RateLimited { retry_after: u64 },
    /// An injected 500 or 503.
    Injected { status: u16 },
}

impl ApiError {
    /// The answer to a write refused by [`super::Faults::refused_writes`].
    pub(crate) fn refused_write(refused: &super::RefusedWrite) -> ApiError {
        match refused.status {
            400 => {
                let resource = refused
                    .path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                ApiError::invalid(
                    resource,
                    "InvalidField",
                    refused.field.as_deref().unwrap_or("name"),
                    "Refused by the simulator's refusedWrites fault.".to_owned(),
                )
            }
            401 => ApiError::Unauthorized,
            403 => ApiError::NoRight,
            status => ApiError::Injected { status },
        }
    }

    /// A single-field `InvalidObject` error.
    pub(crate) fn invalid(
        resource: &str,
        code: &'static str,
        field: &str,
        message: String,
    ) -> ApiError {
        ApiError::Invalid {
            resource: resource.to_owned(),
            errors: vec![FieldError {
                code,
                message,
                resource: resource.to_owned(),
                field: field.to_owned(),
            }],
        }
    }

    /// 404 for a record.
    pub(crate) fn record_not_found(model: &str, id: i64) -> ApiError {
        // UNVERIFIED: the 404 body (API-NOTES.md §1.3); ConnectWise's error shape with a guessed code.
        ApiError::NotFound {
            message: format!("{model} with id {id} not found."),
        }
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } | ApiError::Binding { .. } | ApiError::BadQuery { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::NoRight => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Injected { status } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> serde_json::Value {
        match self {
            ApiError::Invalid { resource, errors } => {
                json!({ "code": "InvalidObject", "message": format!("{resource} object is invalid"), "errors": errors })
            }
            ApiError::Binding { message } => {
                json!({ "code": "ConnectWiseApi", "message": message, "errors": null })
            }
            // UNVERIFIED: status 400 and code for bad conditions (API-NOTES.md §1.3); the inferred shape.
            ApiError::BadQuery { message } => {
                json!({ "code": "InvalidObject", "message": message, "errors": null })
            }
            // UNVERIFIED: 401/403/404/405 bodies (API-NOTES.md §1.3); ConnectWise's shape, guessed codes.
            ApiError::Unauthorized => json!({
                "code": "Unauthorized", "message": "Authentication failed. Check the company id, public key and private key.",
                "errors": null
            }),
            ApiError::Forbidden => json!({
                "code": "Forbidden", "message": "A valid clientId header is required.", "errors": null
            }),
            // UNVERIFIED: the body of a real 403 (API-NOTES.md §1.3 guesses this shape).
            ApiError::NoRight => json!({
                "code": "Forbidden",
                "message": "The API member's security role does not allow this action.",
                "errors": null
            }),
            ApiError::NotFound { message } => {
                json!({ "code": "NotFound", "message": message, "errors": null })
            }
            ApiError::MethodNotAllowed { method } => json!({
                "code": "MethodNotAllowed",
                "message": format!("The requested resource does not support http method '{method}'."),
                "errors": null
            }),
            // API-NOTES.md §1.3: the 429 body has its own shape.
            ApiError::RateLimited { retry_after } => json!({
                "error": "ConnectWiseAPI",
                "message": format!("Too many requests. Please try again in {retry_after} seconds.")
            }),
            ApiError::Injected { status } => json!({
                "code": if *status == 503 { "ServiceUnavailable" } else { "UnexpectedError" },
                "message": "Injected fault (cwrecon sim).",
                "errors": null
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
