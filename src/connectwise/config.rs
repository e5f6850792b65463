//! `ClientConfig`: where the client connects, as whom, and how hard it may push.
//!
//! Owns the defaults: 900 requests per minute (below ConnectWise's throttling point of about 1,000,
//! API-NOTES.md §1.4), 8 requests in flight, 5 attempts, a 60 s timeout, the pinned API version,
//! and the bounds on what one command may read: 64 MiB per response, 500,000 records per list, and
//! an optional deadline for the whole command (the CLI sets 2 hours). Refuses to show keys: `Debug`
//! prints `[REDACTED]` for both, and nothing else here can render them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::{BaseUrl, Error, RetryPolicy};
use crate::config::Credentials;

/// The API model version pinned in `Accept`, so a server upgrade cannot change field shapes.
pub const API_VERSION: &str = "2025.1";

/// Everything a [`Client`](super::Client) needs.
#[derive(Clone)]
pub struct ClientConfig {
    /// The API base URL.
    pub base_url: BaseUrl,
    /// The ConnectWise company id (the login's first part).
    pub company_id: String,
    /// The API member's public key.
    pub public_key: SecretString,
    /// The API member's private key.
    pub private_key: SecretString,
    /// The integration's `clientId` header.
    pub client_id: String,
    /// Requests per minute allowed through the shared limiter (default 900; 0 turns pacing off).
    pub requests_per_minute: u32,
    /// Requests in flight at once (default 8).
    pub concurrency: usize,
    /// Retry rules: attempts (default 5) and backoff.
    pub retry: RetryPolicy,
    /// Timeout of one attempt, from sending to the end of the body (default 60 s).
    pub timeout: Duration,
    /// The API model version sent in `Accept` (default [`API_VERSION`]).
    pub api_version: String,
    /// The largest response body read, in bytes (default 64 MiB); a larger one is refused with
    /// [`Error::ResponseTooLarge`](super::Error::ResponseTooLarge), never buffered whole.
    pub max_response_bytes: u64,
    /// The most records one list may hold (default 500,000); past it a read stops with
    /// [`Error::TooManyRecords`](super::Error::TooManyRecords), never a silent truncation.
    pub max_records: u64,
    /// When the whole command must stop, and the allowance it was given (for messages).
    pub deadline: Option<(Instant, Duration)>,
    /// Told once when a 429 pause begins, with its length (the CLI prints "ConnectWise is
    /// throttling" for long ones).
    pub throttle_notice: Option<ThrottleNotice>,
}

/// A hook told the length of each 429 pause that begins.
pub type ThrottleNotice = Arc<dyn Fn(Duration) + Send + Sync>;

impl ClientConfig {
    /// The default requests per minute.
    pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 900;
    /// The default number of requests in flight.
    pub const DEFAULT_CONCURRENCY: usize = 8;
    /// The default timeout of one attempt.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);
    /// The default cap on one response body: far above any page of 1,000 records ConnectWise
    /// sends (a few MiB), far below what would exhaust a CI runner's memory.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
    /// The default cap on the records of one list: a hundred times a large MSP's company list.
    pub const DEFAULT_MAX_RECORDS: u64 = 500_000;

    /// A configuration with the defaults.
    pub fn new(
        base_url: BaseUrl,
        company_id: impl Into<String>,
        public_key: SecretString,
        private_key: SecretString,
        client_id: impl Into<String>,
    ) -> ClientConfig {
        ClientConfig {
            base_url,
            company_id: company_id.into(),
            public_key,
            private_key,
            client_id: client_id.into(),
            requests_per_minute: Self::DEFAULT_REQUESTS_PER_MINUTE,
            concurrency: Self::DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
            timeout: Self::DEFAULT_TIMEOUT,
            api_version: API_VERSION.to_owned(),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_records: Self::DEFAULT_MAX_RECORDS,
            deadline: None,
            throttle_notice: None,
        }
    }

    /// A configuration with the defaults from resolved credentials.
    ///
    /// # Errors
    /// [`Error::InvalidSite`] when `credentials.site` is not a usable base URL.
    pub fn from_credentials(credentials: &Credentials) -> Result<ClientConfig, Error> {
        Ok(ClientConfig::at(
            BaseUrl::from_site(&credentials.site)?,
            credentials,
        ))
    }

    /// A configuration with the defaults from resolved credentials, at a base URL already
    /// resolved (see [`super::resolve_site`], which asks the server for the tenant's codebase).
    pub fn at(base_url: BaseUrl, credentials: &Credentials) -> ClientConfig {
        ClientConfig::new(
            base_url,
            credentials.company_id.clone(),
            credentials.public_key.clone(),
            credentials.private_key.clone(),
            credentials.client_id.clone(),
        )
    }

    /// The same configuration with another request rate.
    #[must_use]
    pub fn with_requests_per_minute(mut self, requests_per_minute: u32) -> ClientConfig {
        self.requests_per_minute = requests_per_minute;
        self
    }

    /// The same configuration with another concurrency bound.
    #[must_use]
    pub fn with_concurrency(mut self, concurrency: usize) -> ClientConfig {
        self.concurrency = concurrency;
        self
    }

    /// The same configuration with other retry rules.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> ClientConfig {
        self.retry = retry;
        self
    }

    /// The same configuration with another per-attempt timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> ClientConfig {
        self.timeout = timeout;
        self
    }

    /// The same configuration with another cap on one response body.
    #[must_use]
    pub fn with_max_response_bytes(mut self, bytes: u64) -> ClientConfig {
        self.max_response_bytes = bytes;
        self
    }

    /// The same configuration with another cap on the records of one list.
    #[must_use]
    pub fn with_max_records(mut self, records: u64) -> ClientConfig {
        self.max_records = records;
        self
    }

    /// The same configuration with a deadline `timeout` from now: no request is sent, waited
    /// for or retried past it.
    #[must_use]
    pub fn with_deadline(mut self, timeout: Duration) -> ClientConfig {
        self.deadline = Instant::now().checked_add(timeout).map(|at| (at, timeout));
        self
    }

    /// The same configuration with a hook told of each 429 pause that begins.
    #[must_use]
    pub fn with_throttle_notice(
        mut self,
        notice: impl Fn(Duration) + Send + Sync + 'static,
    ) -> ClientConfig {
        self.throttle_notice = Some(Arc::new(notice));
        self
    }
}

/// A duration as a person writes it: `90s`, `15m`, `2h`, `1h30m`, or bare seconds (`300`).
///
/// # Errors
/// A message saying what is accepted.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let refuse = || format!("`{text}` is not a duration; write e.g. 300, 90s, 15m, 2h or 1h30m");
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(refuse()),
        };
        let n: u64 = digits.parse().map_err(|_| refuse())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(refuse)?;
    }
    if !digits.is_empty() || text.is_empty() {
        return Err(refuse());
    }
    Ok(Duration::from_secs(total))
}

/// A duration as [`parse_duration`] reads it back: `2h`, `1h30m`, `90s` → `1m30s`.
pub fn format_duration(duration: Duration) -> String {
    let total = duration.as_secs();
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::new();
    if h > 0 {
        out = format!("{h}h");
    }
    if m > 0 {
        out = format!("{out}{m}m");
    }
    if s > 0 || out.is_empty() {
        out = format!("{out}{s}s");
    }
    out
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("company_id", &self.company_id)
            .field("public_key", &"[REDACTED]")
            .field("private_key", &"[REDACTED]")
            .field("client_id", &self.client_id)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("concurrency", &self.concurrency)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("api_version", &self.api_version)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_records", &self.max_records)
            .field("deadline", &self.deadline.map(|(_, timeout)| timeout))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            site: "api-na.myconnectwise.net".into(),
            company_id: "acme".into(),
            client_id: "0000-client".into(),
            public_key: SecretString::from("PUBKEY-sekrit-1"),
            private_key: SecretString::from("PRIVKEY-sekrit-2"),
        }
    }

    #[test]
    fn from_credentials_uses_defaults() {
        let config = ClientConfig::from_credentials(&credentials()).unwrap();
        assert_eq!(
            config.base_url.to_string(),
            "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"
        );
        assert_eq!(config.requests_per_minute, 900);
        assert_eq!(config.concurrency, 8);
        assert_eq!(config.retry.max_attempts, 5);
        assert_eq!(config.api_version, "2025.1");
    }

    #[test]
    fn debug_does_not_leak_keys() {
        let config = ClientConfig::from_credentials(&credentials()).unwrap();
        let debug = format!("{config:?} {config:#?}");
        assert!(!debug.contains("sekrit"), "{debug}");
        assert!(debug.contains("REDACTED"));
        assert!(debug.contains("acme"));
    }

    #[test]
    fn durations_read_and_print_as_people_write_them() {
        let d = |s| parse_duration(s).unwrap();
        assert_eq!(d("300"), Duration::from_mins(5));
        assert_eq!(d("90s"), Duration::from_secs(90));
        assert_eq!(d("15m"), Duration::from_mins(15));
        assert_eq!(d("2h"), Duration::from_hours(2));
        assert_eq!(d("1h30m"), Duration::from_mins(90));
        for bad in ["", "2 hours", "h", "5x", "1h30", "-5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_duration(Duration::from_hours(2)), "2h");
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn bad_site_names_the_site() {
        let mut creds = credentials();
        creds.site = "http://cw.example.com".into();
        let err = ClientConfig::from_credentials(&creds).unwrap_err();
        assert!(err.to_string().contains("`http://cw.example.com`"));
    }
}
