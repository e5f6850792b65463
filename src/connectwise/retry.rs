//! Retry rules: which failures are tried again, after how long, and when a write may have committed.
//!
//! Owns the retried set — 429 (honouring `Retry-After`), 502, 503, 504, 500 for requests safe to resend, and transport errors — with
//! jittered exponential backoff and a bounded number of attempts. Refuses to retry a 4xx (ConnectWise
//! refused the data) and refuses to resend a non-idempotent write (POST, PATCH) once it may have reached
//! the server, unless the request says doing so is safe: the caller then learns
//! [`Error::may_have_committed`](super::Error::may_have_committed) and looks the object up instead.
//! Everything here is pure, so the rules are unit-tested without a server or a clock.

use std::hash::{BuildHasher as _, RandomState};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;

use super::error::Commit;

/// How failed requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 5). At least 1.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each later one (default 500 ms).
    pub base_delay: Duration,
    /// The longest backoff (default 30 s).
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; longer waits are cut to this (default 120 s).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_mins(2),
        }
    }
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with a non-success status, maybe with a `Retry-After`.
    Status(StatusCode, Option<Duration>),
    /// No connection could be made: the request never reached the server.
    ConnectFailed,
    /// The request may have been sent, but no complete response came back (timeout, reset).
    ResponseLost,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Give up and report the failure.
    Stop,
}

/// The statuses that are retried (for writes only when resending is safe, except 429).
pub const RETRIED_STATUSES: [StatusCode; 4] = [
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

impl RetryPolicy {
    /// Decide what follows attempt number `attempt` (1-based). `resend_safe` is true for requests that
    /// may be sent twice (GET, PUT, DELETE, and writes explicitly marked safe); `jitter` is in `[0, 1)`.
    pub fn decide(
        &self,
        attempt: u32,
        resend_safe: bool,
        outcome: Outcome,
        jitter: f64,
    ) -> Decision {
        if attempt >= self.max_attempts.max(1) {
            return Decision::Stop;
        }
        let backoff = self.backoff(attempt, jitter);
        match outcome {
            // A 429 was refused before any processing: resending is always safe.
            Outcome::Status(StatusCode::TOO_MANY_REQUESTS, retry_after) => {
                Decision::Retry(retry_after.map_or(backoff, |wait| wait.min(self.max_retry_after)))
            }
            Outcome::Status(status, retry_after)
                if resend_safe && RETRIED_STATUSES.contains(&status) =>
            {
                Decision::Retry(retry_after.map_or(backoff, |wait| wait.min(self.max_retry_after)))
            }
            // API-NOTES.md §1.2: a 500 "sometimes stands in for an undefined error; retry". Safe
            // for a request that may be sent twice; a write's 500 goes back to the caller, who
            // can look the object up before trying again.
            Outcome::Status(StatusCode::INTERNAL_SERVER_ERROR, _) if resend_safe => {
                Decision::Retry(backoff)
            }
            Outcome::ConnectFailed => Decision::Retry(backoff),
            Outcome::ResponseLost if resend_safe => Decision::Retry(backoff),
            Outcome::Status(..) | Outcome::ResponseLost => Decision::Stop,
        }
    }

    /// Jittered exponential backoff after attempt `attempt` (1-based): with `cap = min(max_delay,
    /// base_delay · 2^(attempt-1))`, a delay in `[cap/2, cap)` ("equal jitter"), so waits grow but
    /// concurrent clients do not retry in lockstep.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let cap = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let half = cap / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// A random number in `[0, 1)` for backoff jitter, from the standard library's per-process random
/// hasher keys (good enough to de-synchronise retries; not for anything secret).
pub fn jitter() -> f64 {
    let bits = RandomState::new().hash_one(std::time::Instant::now());
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 mantissa exactly"
    )]
    let value = (bits >> 11) as f64 / (1u64 << 53) as f64;
    value
}

/// Parse a `Retry-After` header: delay-seconds or an HTTP date (relative to `now`). A date in the
/// past is zero; anything else unreadable is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a failed write may have taken effect, given how its attempt ended. Reads never commit.
pub fn commit_of(is_write: bool, outcome: Outcome) -> Commit {
    if !is_write {
        return Commit::No;
    }
    // A 4xx (429 included) is a refusal and a failed connect never reached the server; a 5xx may
    // come from a gateway after the server committed.
    let maybe = match outcome {
        Outcome::ConnectFailed => false,
        Outcome::ResponseLost => true,
        Outcome::Status(status, _) => status.is_server_error(),
    };
    if maybe { Commit::Maybe } else { Commit::No }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let p = policy();
        for attempt in 1..=12 {
            let cap = (MS(500) * 2u32.pow(attempt - 1)).min(Duration::from_secs(30));
            let low = p.backoff(attempt, 0.0);
            let high = p.backoff(attempt, 0.999_999);
            assert_eq!(low, cap / 2, "attempt {attempt}");
            assert!(high < cap && high >= low, "attempt {attempt}: {high:?}");
        }
        assert_eq!(p.backoff(1, 0.0), MS(250));
        assert_eq!(p.backoff(100, 0.0), Duration::from_secs(15));
        assert_eq!(p.backoff(1, 7.0), MS(500), "jitter is clamped");
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let p = policy();
        let status = Outcome::Status(StatusCode::SERVICE_UNAVAILABLE, None);
        assert!(matches!(p.decide(4, true, status, 0.5), Decision::Retry(_)));
        assert_eq!(p.decide(5, true, status, 0.5), Decision::Stop);
        let one = RetryPolicy {
            max_attempts: 0,
            ..p
        };
        assert_eq!(one.decide(1, true, status, 0.5), Decision::Stop);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        let ra = |secs| {
            Outcome::Status(
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(secs)),
            )
        };
        assert_eq!(
            p.decide(1, false, ra(30), 0.5),
            Decision::Retry(Duration::from_secs(30))
        );
        assert_eq!(
            p.decide(1, false, ra(9999), 0.5),
            Decision::Retry(Duration::from_mins(2))
        );
        assert_eq!(
            p.decide(
                1,
                false,
                Outcome::Status(StatusCode::TOO_MANY_REQUESTS, None),
                0.0
            ),
            Decision::Retry(MS(250))
        );
    }

    #[test]
    fn writes_are_not_resent_once_they_may_have_arrived() {
        let p = policy();
        for status in [502, 503, 504] {
            let s = Outcome::Status(StatusCode::from_u16(status).unwrap(), None);
            assert_eq!(p.decide(1, false, s, 0.5), Decision::Stop, "{status}");
            assert!(matches!(p.decide(1, true, s, 0.5), Decision::Retry(_)));
        }
        assert_eq!(
            p.decide(1, false, Outcome::ResponseLost, 0.5),
            Decision::Stop
        );
        assert!(matches!(
            p.decide(1, false, Outcome::ConnectFailed, 0.5),
            Decision::Retry(_)
        ));
    }

    #[test]
    fn client_errors_are_never_retried_and_500_only_when_resending_is_safe() {
        let p = policy();
        for status in [400, 401, 403, 404, 405, 409, 415, 422, 501] {
            let s = Outcome::Status(StatusCode::from_u16(status).unwrap(), None);
            assert_eq!(p.decide(1, true, s, 0.5), Decision::Stop, "{status}");
        }
        let internal = Outcome::Status(StatusCode::INTERNAL_SERVER_ERROR, None);
        assert!(
            matches!(p.decide(1, true, internal, 0.5), Decision::Retry(_)),
            "a GET's 500"
        );
        assert_eq!(
            p.decide(1, false, internal, 0.5),
            Decision::Stop,
            "a POST's 500"
        );
    }

    #[test]
    fn retry_after_parsing() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn commit_classification() {
        let s = |c| Outcome::Status(StatusCode::from_u16(c).unwrap(), None);
        assert_eq!(commit_of(false, Outcome::ResponseLost), Commit::No);
        assert_eq!(commit_of(true, Outcome::ResponseLost), Commit::Maybe);
        assert_eq!(commit_of(true, Outcome::ConnectFailed), Commit::No);
        assert_eq!(commit_of(true, s(400)), Commit::No);
        assert_eq!(commit_of(true, s(429)), Commit::No);
        assert_eq!(commit_of(true, s(503)), Commit::Maybe);
        assert_eq!(commit_of(true, s(500)), Commit::Maybe);
    }
}
