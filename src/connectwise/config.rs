//! `ClientConfig`: where the client connects, as whom, and how hard it may push.
//!
//! Owns the defaults: 900 requests per minute (below ConnectWise's throttling point of about 1,000,
//! API-NOTES.md §1.4), 8 requests in flight, 5 attempts, a 60 s timeout, and the pinned API version.
//! Refuses to show keys: `Debug` prints `[REDACTED]` for both, and nothing else here can render them.

use std::time::Duration;

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
}

impl ClientConfig {
    /// The default requests per minute.
    pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 900;
    /// The default number of requests in flight.
    pub const DEFAULT_CONCURRENCY: usize = 8;
    /// The default timeout of one attempt.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);

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
        }
    }

    /// A configuration with the defaults from resolved credentials.
    ///
    /// # Errors
    /// [`Error::InvalidSite`] when `credentials.site` is not a usable base URL.
    pub fn from_credentials(credentials: &Credentials) -> Result<ClientConfig, Error> {
        Ok(ClientConfig::new(
            BaseUrl::from_site(&credentials.site)?,
            credentials.company_id.clone(),
            credentials.public_key.clone(),
            credentials.private_key.clone(),
            credentials.client_id.clone(),
        ))
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
            .finish()
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
    fn bad_site_names_the_site() {
        let mut creds = credentials();
        creds.site = "http://cw.example.com".into();
        let err = ClientConfig::from_credentials(&creds).unwrap_err();
        assert!(err.to_string().contains("`http://cw.example.com`"));
    }
}
