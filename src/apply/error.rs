//! `ApplyError`: why one op of an apply did not succeed, typed, and the policy that follows from it.
//!
//! Owns three things. The taxonomy: ConnectWise refused the data (fix it), the login (401) or a
//! right (403), a record was not found, a request failed otherwise, the run was halted, or the apply
//! itself could not go on (a missing reference, duplicates, a create that stayed lost). The policy
//! ([`ApplyError::stop_reason`]): a 401 or 403 fails every later write the same way, so it stops
//! the apply, with one message saying what to fix; any other failure skips only what depends on the
//! op. The rendering: `Display` is the one text of a failure, used by the apply summary, the
//! journal and `--format json` alike; ConnectWise's field errors are in it exactly once (as the
//! client's error renders them) and kept typed beside it for the journal.
//! Refuses to hold credentials: the texts come from `connectwise::Error`, whose server words are
//! redacted when received.

use std::fmt;

use serde::ser::{Serialize, SerializeMap as _, Serializer};

use super::rights::Right;
use super::write::MissingRef;
use crate::connectwise::{self, FieldError};

/// Why an op failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// ConnectWise refused the data (400, 409, 422): the same write fails again until the data is
    /// fixed.
    #[error("{detail}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// ConnectWise's field errors, as it named them (already part of `detail`).
        field_errors: Vec<FieldError>,
        /// The client's message: the request, the status, ConnectWise's code, message and fields.
        detail: String,
    },
    /// ConnectWise refused the login (401): the keys are wrong, revoked or expired.
    #[error("{detail}")]
    Unauthorized {
        /// The request refused: `create agreements (POST /finance/agreements)`.
        call: String,
        /// The client's message.
        detail: String,
    },
    /// The API member's security role lacks the right the request needs (403).
    #[error("{detail}")]
    Forbidden {
        /// The request refused.
        call: String,
        /// The right to grant.
        right: Right,
        /// The client's message.
        detail: String,
    },
    /// The record or path was not found (404): deleted or moved since it was read.
    #[error("{detail}")]
    NotFound {
        /// The client's message.
        detail: String,
    },
    /// Any other failed request: the connection, a timeout, a 5xx or 429 after every retry, the
    /// command's deadline, an answer that could not be read.
    #[error("{detail}")]
    Request {
        /// The client's message.
        detail: String,
    },
    /// The run stopped before this write was sent (the apply lock was lost).
    #[error("not written: {reason}")]
    Halted {
        /// Why the run stopped.
        reason: String,
    },
    /// A reference the write needs has no id.
    #[error(transparent)]
    MissingRef(#[from] MissingRef),
    /// Looking the object up by its natural key found more than one record.
    #[error(
        "{count} matching records found for {key} (looked up before creating it, or after a lost response); resolve the duplicates in ConnectWise"
    )]
    Duplicates {
        /// The op's object.
        key: String,
        /// How many records matched.
        count: usize,
    },
    /// A create's response was lost every time, and the object was not found by its key after any.
    #[error(
        "{last} (tried {attempts} times; the object was not found by its key after any of them)"
    )]
    LostCreate {
        /// The last failure.
        last: Box<ApplyError>,
        /// How many times the create was tried.
        attempts: usize,
    },
    /// The object another writer made was adopted, but setting its declared fields failed.
    #[error(
        "{key} already existed (id {id}) and was adopted, but setting its fields failed: {error}"
    )]
    AdoptFailed {
        /// The op's object.
        key: String,
        /// The adopted record's id.
        id: i64,
        /// Why the fields could not be set.
        error: Box<ApplyError>,
    },
    /// A bug in cwrecon (a malformed body, an op never scheduled).
    #[error("internal: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl ApplyError {
    /// Classify a failed ConnectWise request.
    pub fn from_client(err: &connectwise::Error) -> ApplyError {
        let detail = err.to_string();
        let call = || err.call().map(ToString::to_string).unwrap_or_default();
        match err.status().map(|s| s.as_u16()) {
            Some(401) => ApplyError::Unauthorized {
                call: call(),
                detail,
            },
            Some(403) => ApplyError::Forbidden {
                call: call(),
                right: Right::for_call(err.call()),
                detail,
            },
            Some(status) if err.is_validation() => ApplyError::Refused {
                status,
                field_errors: err
                    .api_error()
                    .map(|a| a.errors.clone())
                    .unwrap_or_default(),
                detail,
            },
            Some(404) => ApplyError::NotFound { detail },
            _ => ApplyError::Request { detail },
        }
    }

    /// The failure at the bottom of a wrapped one (an adopted record's, a lost create's last).
    fn root(&self) -> &ApplyError {
        match self {
            ApplyError::LostCreate { last: inner, .. }
            | ApplyError::AdoptFailed { error: inner, .. } => inner.root(),
            other => other,
        }
    }

    /// What a person must do before any write can succeed, for a 401 or 403; `None` otherwise.
    pub fn remedy(&self) -> Option<String> {
        match self.root() {
            ApplyError::Unauthorized { .. } => Some(
                "check CW_COMPANY_ID, CW_PUBLIC_KEY and CW_PRIVATE_KEY (the API member's keys; revoked or expired keys are refused too)"
                    .to_owned(),
            ),
            ApplyError::Forbidden { right, .. } => Some(format!(
                "give the API member's security role {right} (System › Security Roles)"
            )),
            _ => None,
        }
    }

    /// The policy: a 401 or 403 fails every later write the same way, so the apply stops at the
    /// first one; this is why, in one message naming what to fix. `None`: the apply goes on, and
    /// only what depends on the op is skipped.
    pub fn stop_reason(&self) -> Option<String> {
        let remedy = self.remedy()?;
        let refused = match self.root() {
            ApplyError::Unauthorized { call, .. } => {
                format!("ConnectWise refused the login on {call} (401 Unauthorized)")
            }
            ApplyError::Forbidden { call, .. } => {
                format!("ConnectWise refused {call} for lack of a right (403 Forbidden)")
            }
            _ => return None,
        };
        Some(format!(
            "{refused}; no op was started after it. To fix: {remedy}, then apply again"
        ))
    }

    /// The journal's name for the kind of failure.
    fn kind(&self) -> &'static str {
        match self {
            ApplyError::Refused { .. } => "refused",
            ApplyError::Unauthorized { .. } => "unauthorized",
            ApplyError::Forbidden { .. } => "forbidden",
            ApplyError::NotFound { .. } => "not_found",
            ApplyError::Request { .. } => "request",
            ApplyError::Halted { .. } => "halted",
            ApplyError::MissingRef(_) => "missing_reference",
            ApplyError::Duplicates { .. } => "duplicates",
            ApplyError::LostCreate { .. } => "lost_create",
            ApplyError::AdoptFailed { .. } => "adopt_failed",
            ApplyError::Internal { .. } => "internal",
        }
    }
}

/// A field error as the journal writes it: only the parts ConnectWise gave.
struct JournalFieldError<'a>(&'a FieldError);

impl Serialize for JournalFieldError<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let parts = [
            ("field", &self.0.field),
            ("code", &self.0.code),
            ("message", &self.0.message),
            ("resource", &self.0.resource),
        ];
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in parts {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

/// In the journal (flattened into a failed op's line): `error`, the text the summary shows, as
/// before; `error_kind`; and, when the failure has them, `status`, the `right` to grant and
/// ConnectWise's `field_errors`.
impl Serialize for ApplyError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("error", &self.to_string())?;
        map.serialize_entry("error_kind", self.kind())?;
        match self.root() {
            ApplyError::Refused {
                status,
                field_errors,
                ..
            } => {
                map.serialize_entry("status", status)?;
                if !field_errors.is_empty() {
                    let shown: Vec<JournalFieldError<'_>> =
                        field_errors.iter().map(JournalFieldError).collect();
                    map.serialize_entry("field_errors", &shown)?;
                }
            }
            ApplyError::Unauthorized { .. } => map.serialize_entry("status", &401)?,
            ApplyError::Forbidden { right, .. } => {
                map.serialize_entry("status", &403)?;
                map.serialize_entry("right", &right.to_string())?;
            }
            ApplyError::NotFound { .. } => map.serialize_entry("status", &404)?,
            _ => {}
        }
        map.end()
    }
}

impl From<&connectwise::Error> for super::WriteFailure {
    /// A failed request as the executor sees it: classified, and whether it may have committed.
    fn from(err: &connectwise::Error) -> Self {
        super::WriteFailure {
            error: ApplyError::from_client(err),
            may_have_committed: err.may_have_committed(),
            wrong_site: err.suggests_wrong_site(),
        }
    }
}

impl super::WriteFailure {
    /// A failure that is cwrecon's own bug (a malformed body, an id out of range); never committed.
    pub fn internal(message: String) -> Self {
        super::WriteFailure {
            error: ApplyError::Internal { message },
            may_have_committed: false,
            wrong_site: false,
        }
    }
}

/// A write that failed, shown on its own (the apply lock's requests): the failure and, for a 401
/// or 403, what to fix.
pub(super) struct Standalone<'a>(pub(super) &'a ApplyError);

impl fmt::Display for Standalone<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        if let Some(remedy) = self.0.remedy() {
            write!(f, "; {remedy}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use reqwest::{Method, StatusCode};

    use super::*;
    use crate::connectwise::{ApiError, Call, Commit, Error};

    fn http(method: Method, path: &str, status: StatusCode, body: &str) -> Error {
        Error::Http {
            call: Box::new(Call {
                action: "create agreements".into(),
                method,
                path: path.into(),
                page: None,
            }),
            status,
            body: ApiError::from_body(body.as_bytes()).map(Box::new),
            attempts: 1,
            committed: Commit::No,
        }
    }

    const REFUSED: &str = r#"{"code":"InvalidObject","message":"agreement object is invalid","errors":[{"code":"InvalidField","message":"Contact is inactive.","resource":"agreement","field":"contact"},{"code":"MissingRequiredField","message":"Start date is required.","field":"startDate"}]}"#;

    #[test]
    fn a_refusal_shows_each_field_error_once_and_keeps_them_typed() {
        let err = ApplyError::from_client(&http(
            Method::POST,
            "/finance/agreements",
            StatusCode::BAD_REQUEST,
            REFUSED,
        ));
        let shown = err.to_string();
        assert_eq!(
            shown,
            "create agreements (POST /finance/agreements): 400 Bad Request InvalidObject: agreement object is invalid; contact: InvalidField Contact is inactive.; startDate: MissingRequiredField Start date is required."
        );
        assert_eq!(shown.matches("Contact is inactive.").count(), 1);
        assert_eq!(shown.matches("Start date is required.").count(), 1);
        let ApplyError::Refused {
            status,
            field_errors,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(*status, 400);
        assert_eq!(field_errors.len(), 2);
        assert_eq!(err.stop_reason(), None, "a refusal does not stop the apply");
    }

    #[test]
    fn a_403_stops_the_apply_with_one_message_naming_the_right() {
        let err = ApplyError::from_client(&http(
            Method::POST,
            "/finance/agreements",
            StatusCode::FORBIDDEN,
            r#"{"code":"Forbidden","message":"no","errors":null}"#,
        ));
        assert!(matches!(err, ApplyError::Forbidden { .. }), "{err:?}");
        assert_eq!(
            err.stop_reason().unwrap(),
            "ConnectWise refused create agreements (POST /finance/agreements) for lack of a right (403 Forbidden); no op was started after it. To fix: give the API member's security role Finance › Agreements (Add: All) (System › Security Roles), then apply again"
        );
        assert!(!err.to_string().contains("Finance › Agreements"), "{err}");
        let wrapped = ApplyError::AdoptFailed {
            key: "agreement 1".into(),
            id: 3,
            error: Box::new(err.clone()),
        };
        assert_eq!(wrapped.stop_reason(), err.stop_reason());
    }

    #[test]
    fn a_401_stops_the_apply_naming_the_keys_to_check() {
        let err = ApplyError::from_client(&http(
            Method::PATCH,
            "/procurement/catalog",
            StatusCode::UNAUTHORIZED,
            "",
        ));
        let reason = err.stop_reason().unwrap();
        assert!(
            reason.starts_with("ConnectWise refused the login on create agreements (PATCH /procurement/catalog) (401 Unauthorized)"),
            "{reason}"
        );
        assert!(reason.contains("CW_PUBLIC_KEY"), "{reason}");
    }

    #[test]
    fn other_failures_go_on() {
        for status in [
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
            StatusCode::INTERNAL_SERVER_ERROR,
        ] {
            let err = ApplyError::from_client(&http(Method::POST, "/x", status, ""));
            assert_eq!(err.stop_reason(), None, "{status}");
        }
        let conflict = ApplyError::from_client(&http(Method::POST, "/x", StatusCode::CONFLICT, ""));
        assert!(matches!(conflict, ApplyError::Refused { status: 409, .. }));
    }

    #[test]
    fn the_journal_keeps_the_text_and_adds_what_is_typed() {
        let err = ApplyError::from_client(&http(
            Method::POST,
            "/finance/agreements",
            StatusCode::BAD_REQUEST,
            REFUSED,
        ));
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["error"], err.to_string());
        assert_eq!(json["error_kind"], "refused");
        assert_eq!(json["status"], 400);
        assert_eq!(
            json["field_errors"],
            serde_json::json!([
                {"field": "contact", "code": "InvalidField", "message": "Contact is inactive.", "resource": "agreement"},
                {"field": "startDate", "code": "MissingRequiredField", "message": "Start date is required."}
            ])
        );
        let forbidden = ApplyError::from_client(&http(
            Method::DELETE,
            "/finance/agreements/4/additions/9",
            StatusCode::FORBIDDEN,
            "",
        ));
        let json = serde_json::to_value(&forbidden).unwrap();
        assert_eq!(json["right"], "Finance › Agreements (Delete: All)");
        assert_eq!(json["status"], 403);
    }

    #[test]
    fn shown_on_its_own_a_403_names_the_right_too() {
        let err = ApplyError::from_client(&http(
            Method::POST,
            "/company/managementItSolutions",
            StatusCode::FORBIDDEN,
            "",
        ));
        assert!(
            Standalone(&err)
                .to_string()
                .ends_with("; give the API member's security role System › Table Setup (Add: All) (System › Security Roles)"),
            "{}",
            Standalone(&err)
        );
        let halted = ApplyError::Halted {
            reason: "lock lost".into(),
        };
        assert_eq!(Standalone(&halted).to_string(), "not written: lock lost");
    }
}
