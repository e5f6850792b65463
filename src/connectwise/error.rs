//! `connectwise::Error`: every way a ConnectWise request can fail, with what was being done.
//!
//! Owns the error taxonomy and the two questions the apply layer asks of a failure:
//! [`Error::is_validation`] (ConnectWise refused the data; retrying cannot help) and
//! [`Error::may_have_committed`] (a write may have taken effect although no success was seen, so the
//! object must be looked up by its natural key before the write is tried again).
//! Refuses to carry credentials: no variant holds a header, and [`Call`] names only the method, the
//! path and the page. A server's own words ([`ApiError`]) are kept only after
//! [`ApiError::redacted`]: each cut to a bounded length, control characters shown as escapes, and
//! the login and keys replaced by `***` (a proxy may echo the Authorization header into its body).

use std::fmt;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;

/// What was being attempted: `list companies (GET /company/companies, page 2)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// What the request does, in words: `list companies`, `create additions`.
    pub action: String,
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, without the query: `/company/companies`.
    pub path: String,
    /// The page number for list requests.
    pub page: Option<u32>,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {}", self.action, self.method, self.path)?;
        if let Some(page) = self.page {
            write!(f, ", page {page}")?;
        }
        f.write_str(")")
    }
}

/// ConnectWise's error body: `{"code", "message", "errors": [{code, message, resource, field}]}`, or
/// the 429 shape `{"error", "message"}` (API-NOTES.md §1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// ConnectWise's error code (`InvalidObject`, `ConnectWiseApi`, `NotFound`, …); the 429 body's
    /// `error` is read into it too.
    #[serde(default, alias = "error")]
    pub code: Option<String>,
    /// The human-readable message.
    #[serde(default)]
    pub message: Option<String>,
    /// Field-level validation errors, when ConnectWise names them.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub errors: Vec<FieldError>,
}

/// One entry of `errors[]`: which field of which resource was refused, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The reason code (`MissingRequiredField`, `ObjectExists`, …).
    #[serde(default)]
    pub code: Option<String>,
    /// The message (`Company ID already in use.`).
    #[serde(default)]
    pub message: Option<String>,
    /// The resource (`company`).
    #[serde(default)]
    pub resource: Option<String>,
    /// The field (`identifier`); may be an internal name such as `typeIds`.
    #[serde(default)]
    pub field: Option<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<FieldError>, D::Error> {
    Ok(Option::<Vec<FieldError>>::deserialize(d)?.unwrap_or_default())
}

/// The most field errors kept from one body: enough to fix the data, bounded against a flood.
pub(super) const MAX_FIELD_ERRORS: usize = 20;

impl ApiError {
    /// Decode an error body; `None` when it is not one of ConnectWise's shapes.
    pub fn from_body(body: &[u8]) -> Option<ApiError> {
        let parsed: ApiError = serde_json::from_slice(body).ok()?;
        (parsed.code.is_some() || parsed.message.is_some() || !parsed.errors.is_empty())
            .then_some(parsed)
    }

    /// The same error as it may be shown: every text cut to
    /// [`MAX_SERVER_TEXT`](crate::output::redact::MAX_SERVER_TEXT) characters, control characters
    /// visible, `secrets` and `Basic`/`Bearer` tokens replaced by `***`; at most
    /// 20 field errors.
    #[must_use]
    pub fn redacted(self, secrets: &crate::output::redact::Secrets) -> ApiError {
        let clean =
            |text: Option<String>| text.map(|t| crate::output::redact::server_text(&t, secrets));
        ApiError {
            code: clean(self.code),
            message: clean(self.message),
            errors: self
                .errors
                .into_iter()
                .take(MAX_FIELD_ERRORS)
                .map(|e| FieldError {
                    code: clean(e.code),
                    message: clean(e.message),
                    resource: clean(e.resource),
                    field: clean(e.field),
                })
                .collect(),
        }
    }
}

/// The most characters of a whole server error shown in one message (each text in it is cut
/// shorter still by [`ApiError::redacted`]).
const MAX_SHOWN_CHARS: usize = 1_000;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let mut parts = Vec::new();
        if let Some(code) = &self.code {
            parts.push(code.clone());
        }
        if let Some(message) = &self.message {
            parts.push(message.clone());
        }
        let mut text = parts.join(": ");
        for e in &self.errors {
            let field = e.field.as_deref().unwrap_or("?");
            let code = e.code.as_deref().unwrap_or("");
            let message = e.message.as_deref().unwrap_or("");
            write!(text, "; {field}: {code} {message}")?;
        }
        f.write_str(&crate::output::redact::truncate(&text, MAX_SHOWN_CHARS))
    }
}

/// Whether a failed write may have reached the server and taken effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// The request certainly did not take effect (refused, never sent, or a read).
    No,
    /// The request may have taken effect: a lost response, a timeout, or a 5xx after sending a write.
    Maybe,
}

/// What to do when an answer suggests `CW_SITE` is not ConnectWise's API
/// ([`Error::suggests_wrong_site`]).
pub const WRONG_SITE_HINT: &str = "this does not look like ConnectWise's API: check CW_SITE (the host you log in at, with the `api-` prefix on ConnectWise's cloud, e.g. api-na.myconnectwise.net; a bare host is enough)";

/// A failed ConnectWise request. Messages read after "failed to".
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The site (`CW_SITE`) is not a usable base URL.
    #[error("use ConnectWise site `{site}`: {reason}")]
    InvalidSite {
        /// The site as given, with user info, query values and fragment replaced by `***`.
        site: String,
        /// Why it was refused.
        reason: String,
    },
    /// A credential cannot be put in a header (e.g. a line break in the client id).
    #[error("build the request headers: {what} contains characters not allowed in an HTTP header")]
    InvalidHeader {
        /// Which credential (`clientId`); never its value.
        what: &'static str,
    },
    /// The HTTP client could not be built (TLS backend failure).
    #[error("build the HTTP client")]
    ClientBuild {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// ConnectWise answered with an error status.
    #[error("{call}: {status}{}{}", body.as_ref().map(|b| format!(" {b}")).unwrap_or_default(), after(*attempts))]
    Http {
        /// What was being attempted.
        call: Box<Call>,
        /// The status of the last attempt.
        status: StatusCode,
        /// ConnectWise's decoded error body, when it sent one of its shapes.
        body: Option<Box<ApiError>>,
        /// How many attempts were made.
        attempts: u32,
        /// Whether the write may have taken effect.
        committed: Commit,
    },
    /// ConnectWise kept answering 429 until the attempts ran out.
    #[error("{call}: 429 Too Many Requests{}{}", after(*attempts), retry_after.map(|d| format!(" (last Retry-After {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// What was being attempted.
        call: Box<Call>,
        /// The last `Retry-After`, when one was sent.
        retry_after: Option<Duration>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request could not be sent or its response could not be read.
    #[error("{call}: {kind}{}", after(*attempts))]
    Transport {
        /// What was being attempted.
        call: Box<Call>,
        /// `connection failed`, `timed out`, `connection lost`.
        kind: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// Whether the write may have taken effect.
        committed: Commit,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A success response's body was not the JSON expected.
    #[error("{call}: decode the response body")]
    Decode {
        /// What was being attempted.
        call: Box<Call>,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// A request body could not be serialized.
    #[error("{call}: encode the request body")]
    Encode {
        /// What was being attempted.
        call: Box<Call>,
        /// The encoding error.
        #[source]
        source: serde_json::Error,
    },
    /// Paging did not end: a `next` link that does not move forward, or more than 100,000 pages.
    #[error("{call}: paging does not move forward ({pages} pages read)")]
    Paging {
        /// What was being attempted.
        call: Box<Call>,
        /// How many pages were read.
        pages: u32,
    },
    /// A page held exactly the records of the page before it: the server ignores `page`, and
    /// reading on would never end.
    #[error(
        "{call}: the page repeats the previous page's records, so paging would never end (is a proxy ignoring `page`?)"
    )]
    PageRepeats {
        /// The page that repeated.
        call: Box<Call>,
    },
    /// A response body was larger than the cap on one response; reading stopped at the cap.
    #[error(
        "{call}: the response is larger than {limit} bytes, the cap on one response; if the tenant really sends this much, raise it with --max-response-bytes or CWRECON_MAX_RESPONSE_BYTES"
    )]
    ResponseTooLarge {
        /// What was being attempted.
        call: Box<Call>,
        /// The cap, in bytes.
        limit: u64,
    },
    /// A list had more records than the cap on one list; reading stopped at the cap.
    #[error(
        "{call}: the list has more than {limit} records, the cap on one list; if the tenant really holds this many, raise it with --max-records or CWRECON_MAX_RECORDS"
    )]
    TooManyRecords {
        /// The page that passed the cap.
        call: Box<Call>,
        /// The cap, in records.
        limit: u64,
    },
    /// The command's deadline passed before the request could be sent or answered.
    #[error("{call}: the command's deadline ({}) passed; give it longer with --timeout or CWRECON_TIMEOUT", crate::connectwise::config::format_duration(*timeout))]
    Deadline {
        /// What was being attempted.
        call: Box<Call>,
        /// The command's whole time allowance.
        timeout: Duration,
    },
}

/// ` (after 3 attempts)` when a request was tried more than once.
fn after(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl Error {
    /// ConnectWise refused the data (400 Bad Request with `InvalidObject` and `errors[]`, 409
    /// Conflict, 422): the same request will fail again, so it is never retried; fix the data.
    pub fn is_validation(&self) -> bool {
        matches!(self.status().map(|s| s.as_u16()), Some(400 | 409 | 422))
    }

    /// The login was refused (401) or lacks a security-role permission (403); nothing else will
    /// work either. A missing `clientId` is reported as 403; on cloud, bad credentials can look
    /// like a 404 (API-NOTES.md §1.1).
    pub fn is_auth(&self) -> bool {
        matches!(self.status().map(|s| s.as_u16()), Some(401 | 403))
    }

    /// Whether the request failed for good on ConnectWise's side with a 4xx other than 429:
    /// retrying the same request cannot succeed.
    pub fn is_client_error(&self) -> bool {
        matches!(self, Error::Http { status, .. } if status.is_client_error())
    }

    /// The failed request may have taken effect on the server: a create or update whose response
    /// was lost. The apply layer should look the object up by its natural key before retrying.
    pub fn may_have_committed(&self) -> bool {
        matches!(
            self,
            Error::Http {
                committed: Commit::Maybe,
                ..
            } | Error::Transport {
                committed: Commit::Maybe,
                ..
            }
        )
    }

    /// The answer looks like a server that is not ConnectWise's API at this base: a read of a
    /// path the API always has came back 404, or a success was a web page instead of JSON. Both
    /// mean `CW_SITE` points at the wrong host or codebase (see [`WRONG_SITE_HINT`]).
    pub fn suggests_wrong_site(&self) -> bool {
        match self {
            Error::Http { call, status, .. } => {
                *status == StatusCode::NOT_FOUND && call.method == Method::GET
            }
            Error::Decode { source, .. } => {
                source.is_syntax() && source.line() == 1 && source.column() <= 1
            }
            _ => false,
        }
    }

    /// The HTTP status, when ConnectWise answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }

    /// ConnectWise's decoded error body, when there is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Http { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// The request that failed, when one was being made.
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::Http { call, .. }
            | Error::RateLimited { call, .. }
            | Error::Transport { call, .. }
            | Error::Decode { call, .. }
            | Error::Encode { call, .. }
            | Error::Paging { call, .. }
            | Error::PageRepeats { call }
            | Error::ResponseTooLarge { call, .. }
            | Error::TooManyRecords { call, .. }
            | Error::Deadline { call, .. } => Some(call),
            Error::InvalidSite { .. } | Error::InvalidHeader { .. } | Error::ClientBuild { .. } => {
                None
            }
        }
    }

    /// Whether the command's deadline stopped this request.
    pub fn is_deadline(&self) -> bool {
        matches!(self, Error::Deadline { .. })
    }

    /// Whether this is a 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(page: Option<u32>) -> Call {
        Call {
            action: "list companies".into(),
            method: Method::GET,
            path: "/company/companies".into(),
            page,
        }
    }

    #[test]
    fn messages_read_after_failed_to() {
        let err = Error::RateLimited {
            call: Box::new(call(Some(2))),
            retry_after: Some(Duration::from_secs(30)),
            attempts: 1,
        };
        assert_eq!(
            err.to_string(),
            "list companies (GET /company/companies, page 2): 429 Too Many Requests (last Retry-After 30s)"
        );
        let err = Error::Http {
            call: Box::new(call(None)),
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: None,
            attempts: 5,
            committed: Commit::No,
        };
        assert_eq!(
            err.to_string(),
            "list companies (GET /company/companies): 503 Service Unavailable (after 5 attempts)"
        );
        assert!(!err.is_validation() && !err.is_auth() && !err.is_client_error());
    }

    #[test]
    fn invalid_object_body_is_decoded_and_shown() {
        let body = br#"{"code":"InvalidObject","message":"company object is invalid","errors":[{"code":"ObjectExists","message":"Company ID already in use.","resource":"company","field":"identifier"}]}"#;
        let api = ApiError::from_body(body).unwrap();
        assert_eq!(api.errors[0].field.as_deref(), Some("identifier"));
        let err = Error::Http {
            call: Box::new(Call {
                action: "create companies".into(),
                method: Method::POST,
                path: "/company/companies".into(),
                page: None,
            }),
            status: StatusCode::BAD_REQUEST,
            body: Some(Box::new(api)),
            attempts: 1,
            committed: Commit::No,
        };
        assert!(err.is_validation());
        assert!(!err.may_have_committed());
        assert_eq!(
            err.to_string(),
            "create companies (POST /company/companies): 400 Bad Request InvalidObject: company object is invalid; identifier: ObjectExists Company ID already in use."
        );
    }

    #[test]
    fn a_redacted_body_keeps_no_credential_no_control_and_a_bounded_length() {
        let secrets = crate::output::redact::Secrets::for_login("acme", "pubKEY123", "privKEY456");
        let body = format!(
            r#"{{"code":"InvalidObject","message":"Authorization: Basic YWNtZStwdWJLRVkxMjM6cHJpdktFWTQ1Ng== \u001b[2J{}","errors":[{{"code":"x","message":"privKEY456","field":"pubKEY123"}}]}}"#,
            "y".repeat(1_000)
        );
        let api = ApiError::from_body(body.as_bytes())
            .unwrap()
            .redacted(&secrets);
        let shown = api.to_string();
        assert!(
            shown.starts_with("InvalidObject: Authorization: Basic *** \\u{1b}[2J"),
            "{shown}"
        );
        assert!(
            !shown.contains("privKEY456") && !shown.contains("pubKEY123"),
            "{shown}"
        );
        assert!(shown.contains("(734 more characters not shown)"), "{shown}");
        assert!(shown.ends_with("; ***: x ***"), "{shown}");
        let many = format!(
            r#"{{"errors":[{}]}}"#,
            vec![r#"{"message":"m"}"#; 100].join(",")
        );
        let api = ApiError::from_body(many.as_bytes())
            .unwrap()
            .redacted(&secrets);
        assert_eq!(api.errors.len(), MAX_FIELD_ERRORS);
        let long = format!(
            r#"{{"errors":[{}]}}"#,
            vec![format!(r#"{{"message":"{}"}}"#, "z".repeat(300)); 30].join(",")
        );
        let api = ApiError::from_body(long.as_bytes())
            .unwrap()
            .redacted(&secrets);
        assert!(api.to_string().chars().count() < MAX_SHOWN_CHARS + 50);
    }

    #[test]
    fn rate_limit_and_null_errors_shapes() {
        let api = ApiError::from_body(
            br#"{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 30 seconds."}"#,
        )
        .unwrap();
        assert_eq!(api.code.as_deref(), Some("ConnectWiseAPI"));
        let api =
            ApiError::from_body(br#"{"code":"NotFound","message":"x","errors":null}"#).unwrap();
        assert!(api.errors.is_empty());
        assert!(ApiError::from_body(b"<html>").is_none());
        assert!(ApiError::from_body(b"{}").is_none());
    }
}
