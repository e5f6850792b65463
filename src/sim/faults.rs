//! Fault injection, rate limiting and the request log: the knobs that make the simulator misbehave
//! on purpose, reproducibly.
//!
//! Owns the decisions (is this request over budget? does it fail? does its connection drop?) and the
//! record of what was served. Every random decision draws from one seeded [`rand::rngs::StdRng`], so
//! the same seed and request sequence inject the same failures. It refuses to build responses.

use std::time::{Duration, Instant};

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use super::store::Runtime;

/// Fault and rate-limit settings (the body of `GET`/`PUT /_sim/faults`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Faults {
    /// Added latency per API request, in milliseconds.
    pub latency_ms: u64,
    /// Extra random latency, uniformly 0..=jitter, in milliseconds.
    pub jitter_ms: u64,
    /// Fraction (0–1) of API requests answered 500 or 503 (half each) without being served.
    pub error_rate: f64,
    /// Fraction (0–1) of writes (POST, PUT, PATCH, DELETE) that commit and then drop the connection
    /// before answering.
    pub drop_rate: f64,
    /// Requests per minute before 429; 0 means unlimited.
    pub rate_limit_per_minute: u32,
    /// Fraction (0–1) of API requests answered 429 at random, as ConnectWise's dynamic throttling
    /// does under load (API-NOTES.md §1.4), whatever the budget.
    pub throttle_rate: f64,
    /// The `Retry-After` seconds of those random 429s (tests use 0 to stay fast).
    pub throttle_retry_after: u64,
    /// Seed of the random source behind jitter, errors and drops.
    pub seed: u64,
    /// Writes refused whatever the credentials, as ConnectWise refuses a write the API member's
    /// security role has no right for (403), or every request once the keys are revoked (401).
    pub refused_writes: Vec<RefusedWrite>,
}

/// Writes to one collection and its records that the simulator refuses (see
/// [`Faults::refused_writes`]): `{"path": "/finance/agreements", "status": 403}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefusedWrite {
    /// The collection's path below the API base. It covers the collection and its records
    /// (`/finance/agreements/12`), not the resources below them (`/finance/agreements/types`,
    /// `/finance/agreements/12/additions`).
    pub path: String,
    /// The status answered: 401, 403, 400 (`InvalidObject`, with one field error on `field`), or any
    /// other, answered as an injected error of that status.
    pub status: u16,
    /// For a 400, the field its field error names (default `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Faults {
    /// The status a write (POST, PUT, PATCH, DELETE) to `path`, below the API base, is refused
    /// with, if it is.
    pub(crate) fn refused_write(&self, path: &str) -> Option<&RefusedWrite> {
        self.refused_writes
            .iter()
            .find(|r| is_collection_or_record(path, &r.path))
    }
}

/// `path` is `collection` or one of its records (`collection/123`), trailing slashes aside.
fn is_collection_or_record(path: &str, collection: &str) -> bool {
    let Some(rest) = path.strip_prefix(collection.trim_end_matches('/')) else {
        return false;
    };
    let id = rest.trim_matches('/');
    (rest.is_empty() || rest.starts_with('/')) && id.bytes().all(|b| b.is_ascii_digit())
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            jitter_ms: 0,
            error_rate: 0.0,
            drop_rate: 0.0,
            rate_limit_per_minute: 0,
            throttle_rate: 0.0,
            throttle_retry_after: 1,
            seed: 42,
            refused_writes: Vec::new(),
        }
    }
}

/// One served API request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestLogEntry {
    /// HTTP method.
    pub method: String,
    /// Path below the host, e.g. `/v4_6_release/apis/3.0/company/companies`.
    pub path: String,
    /// The raw query string (empty when none).
    pub query: String,
    /// The status answered (for a dropped connection, the status that was not sent).
    pub status: u16,
    /// Time spent, in microseconds.
    pub duration_us: u64,
}

/// What the fault layer decided before serving a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Serve it, after `delay`; `drop_after` says whether to drop the connection after a write.
    Serve { delay: Duration, drop_after: bool },
    /// Refuse with 429; retry after this many seconds.
    RateLimited { retry_after: u64 },
    /// Answer this 5xx status without serving.
    Fail { status: u16, delay: Duration },
}

/// Decide the fate of one API request.
pub(crate) fn decide(runtime: &mut Runtime, is_write: bool, now: Instant) -> Verdict {
    if let Some(retry_after) = over_budget(runtime, now) {
        return Verdict::RateLimited { retry_after };
    }
    let faults = runtime.faults.clone();
    let jitter = if faults.jitter_ms > 0 {
        runtime.rng.random_range(0..=faults.jitter_ms)
    } else {
        0
    };
    let delay = Duration::from_millis(faults.latency_ms + jitter);
    if faults.throttle_rate > 0.0
        && runtime
            .rng
            .random_bool(faults.throttle_rate.clamp(0.0, 1.0))
    {
        return Verdict::RateLimited {
            retry_after: faults.throttle_retry_after,
        };
    }
    if faults.error_rate > 0.0 && runtime.rng.random_bool(faults.error_rate.clamp(0.0, 1.0)) {
        let status = if runtime.rng.random_bool(0.5) {
            500
        } else {
            503
        };
        return Verdict::Fail { status, delay };
    }
    let drop_after = is_write
        && faults.drop_rate > 0.0
        && runtime.rng.random_bool(faults.drop_rate.clamp(0.0, 1.0));
    Verdict::Serve { delay, drop_after }
}

/// Count the request in the current one-minute window; `Some(seconds)` when over the budget.
fn over_budget(runtime: &mut Runtime, now: Instant) -> Option<u64> {
    let limit = runtime.faults.rate_limit_per_minute;
    if limit == 0 {
        return None;
    }
    let window = Duration::from_mins(1);
    let elapsed = now.saturating_duration_since(runtime.window_start);
    if elapsed >= window {
        runtime.window_start = now;
        runtime.window_count = 0;
    }
    if runtime.window_count >= limit {
        let left = window.saturating_sub(now.saturating_duration_since(runtime.window_start));
        return Some(left.as_secs().max(1));
    }
    runtime.window_count += 1;
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_write_covers_the_collection_and_its_records_only() {
        let faults = Faults {
            refused_writes: vec![
                RefusedWrite {
                    path: "/finance/agreements".into(),
                    status: 403,
                    field: None,
                },
                RefusedWrite {
                    path: "/procurement/subcategories/".into(),
                    status: 401,
                    field: None,
                },
            ],
            ..Faults::default()
        };
        // A refusal covers the collection and its objects by id: not a sub-collection, not a sibling
        // that only shares a prefix.
        for (path, status) in [
            ("/finance/agreements", Some(403)),
            ("/finance/agreements/12", Some(403)),
            ("/finance/agreements/types", None),
            ("/finance/agreements/12/additions", None),
            ("/finance/agreementsX", None),
            ("/procurement/subcategories/", Some(401)),
            ("/procurement/subcategories/4", Some(401)),
            ("/company/companies", None),
        ] {
            assert_eq!(
                faults.refused_write(path).map(|r| r.status),
                status,
                "{path}"
            );
        }
    }
}
