//! `Client`: the one place a ConnectWise request is sent.
//!
//! Owns, for every request: the Basic auth, `clientId` and pinned `Accept` headers; the shared rate
//! limiter and the concurrency bound; retries (see [`retry`](super::retry)); decoding ConnectWise's
//! error bodies into [`Error`]; a tracing span per attempt (method, path, kind, attempt, status —
//! never headers); and counting requests by kind. Refuses to build URLs or bodies (that is
//! [`request`](super::request)) and to know any resource's shape.
//!
//! Owns the bounds of a read too (issue 11): a body is read a chunk at a time and refused as soon
//! as it passes [`ClientConfig::max_response_bytes`] (a declared `Content-Length` over the cap is
//! refused before any of it is read); and the command's deadline: no request is sent, retried or
//! paused for past it, and a read still in flight at the deadline is cut. A write already sent is
//! never cut by the deadline, so whether it committed stays knowable.
//!
//! Invariant: the keys are read once, in [`Client::new`], into a header value marked sensitive and
//! into the redaction list for a server's messages, and appear nowhere else — not in `Debug`, spans, logs or errors.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use base64::Engine as _;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use secrecy::ExposeSecret as _;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use tracing::Instrument as _;

use super::config::ThrottleNotice;
use super::error::{ApiError, Commit};
use super::limiter::{PauseStart, RateLimiter};
use super::request::Request;
use super::retry::{self, Decision, Outcome};
use super::{BaseUrl, ClientConfig, Error, RetryPolicy};

/// A ConnectWise API client. Cheap to clone; clones share the limiter, the concurrency bound and the
/// request counts.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: BaseUrl,
    api_version: String,
    retry: RetryPolicy,
    limiter: RateLimiter,
    in_flight: Semaphore,
    counts: Mutex<BTreeMap<String, u64>>,
    retries: std::sync::atomic::AtomicU64,
    /// The login in every form it could be echoed back in, to redact from a server's messages.
    secrets: crate::output::redact::Secrets,
    attempt_timeout: Duration,
    max_response_bytes: u64,
    max_records: u64,
    /// When the command must stop, and its whole allowance (for the message).
    deadline: Option<(Instant, Duration)>,
    throttle_notice: Option<ThrottleNotice>,
}

/// The most of an error body read: enough for any message ConnectWise sends; the rest is dropped
/// (it only feeds a diagnostic, never data).
const MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;

/// A successful response: status, the `Link` header and the body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The 2xx status.
    pub status: StatusCode,
    /// The `Link` header, when sent (paging).
    pub link: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// What one attempt produced.
enum Attempt {
    Done(Response),
    Failed {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Vec<u8>,
        /// When the request went out (a 429 joins a pause that began after it).
        sent_at: Instant,
    },
    Transport(reqwest::Error),
    /// The body passed the cap; reading stopped there.
    TooLarge,
}

impl Client {
    /// Build a client. No request is sent.
    ///
    /// # Errors
    /// [`Error::InvalidHeader`] when the company id, a key or the client id cannot be sent in a
    /// header; [`Error::ClientBuild`] when the TLS backend cannot start.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .default_headers(default_headers(&config)?)
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(10))
            // A redirect could carry the credentials elsewhere; ConnectWise's API does not redirect.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cwrecon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| Error::ClientBuild { source })?;
        let concurrency = config.concurrency.max(1);
        let secrets = crate::output::redact::Secrets::for_login(
            &config.company_id,
            config.public_key.expose_secret(),
            config.private_key.expose_secret(),
        );
        // Whatever path a secret takes into a message, the output writers still redact it.
        crate::output::redact::remember(&secrets);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: config.base_url,
                api_version: config.api_version,
                retry: config.retry,
                limiter: RateLimiter::new(
                    config.requests_per_minute,
                    u32::try_from(concurrency).unwrap_or(u32::MAX),
                ),
                in_flight: Semaphore::new(concurrency),
                counts: Mutex::new(BTreeMap::new()),
                retries: std::sync::atomic::AtomicU64::new(0),
                secrets,
                attempt_timeout: config.timeout,
                max_response_bytes: config.max_response_bytes,
                max_records: config.max_records,
                deadline: config
                    .deadline
                    .map(|(at, timeout)| (Instant::from_std(at), timeout)),
                throttle_notice: config.throttle_notice,
            }),
        })
    }

    /// The API base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The API model version pinned in `Accept`.
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// Requests sent so far, by kind; every attempt counts, retries included.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.inner
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Requests retried so far (every retry of every request), for progress displays.
    pub fn retries(&self) -> u64 {
        self.inner
            .retries
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The cap on the records of one list.
    pub fn max_records(&self) -> u64 {
        self.inner.max_records
    }

    /// The error for `request` when the command's deadline has passed at `now` (or would have by
    /// the end of a wait until `until`).
    fn past_deadline(&self, request: &Request, until: Instant) -> Option<Error> {
        let (at, timeout) = self.inner.deadline?;
        (until >= at).then(|| Error::Deadline {
            call: Box::new(request.call.clone()),
            timeout,
        })
    }

    /// All requests sent so far.
    pub fn total_requests(&self) -> u64 {
        self.request_counts().values().sum()
    }

    fn count(&self, kind: &str) {
        let mut counts = self
            .inner
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *counts.entry(kind.to_owned()).or_insert(0) += 1;
    }

    /// Send a request: paced, bounded, retried and decoded.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::{ListParams, Request};
    /// let request = Request::list("companies", "/company/companies", &ListParams::new(), 1);
    /// let response = client.send(&request).await?;
    /// println!("{} bytes", response.body.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Http`] for an error status that is not retried or that outlasts the attempts;
    /// [`Error::RateLimited`] when 429s outlast them; [`Error::Transport`] when no response came.
    /// [`Error::may_have_committed`] says whether a failed write may have taken effect.
    pub async fn send(&self, request: &Request) -> Result<Response, Error> {
        let mut committed = Commit::No;
        let mut attempt = 0;
        let mut sent_at = Instant::now();
        loop {
            attempt += 1;
            // A pause in force (another request's 429) that ends past the deadline is not
            // waited for either.
            let now = Instant::now();
            let ready = self.inner.limiter.paused_until(now).unwrap_or(now);
            if let Some(err) = self.past_deadline(request, ready) {
                return Err(err);
            }
            let result = self.attempt(request, attempt).await;
            let (outcome, failure) = match result {
                Attempt::Done(response) => return Ok(response),
                Attempt::TooLarge => {
                    return Err(Error::ResponseTooLarge {
                        call: Box::new(request.call.clone()),
                        limit: self.inner.max_response_bytes,
                    });
                }
                Attempt::Failed {
                    status,
                    retry_after,
                    body,
                    sent_at: sent,
                } => {
                    sent_at = sent;
                    (
                        Outcome::Status(status, retry_after),
                        Failure::Status(status, retry_after, body),
                    )
                }
                Attempt::Transport(err) if !request.is_write() => {
                    // A read cut at the deadline is the deadline's failure, not the network's.
                    if let Some(err) = self.past_deadline(request, Instant::now()) {
                        return Err(err);
                    }
                    let outcome = if err.is_connect() {
                        Outcome::ConnectFailed
                    } else {
                        Outcome::ResponseLost
                    };
                    (outcome, Failure::Transport(err))
                }
                Attempt::Transport(err) => {
                    let outcome = if err.is_connect() {
                        Outcome::ConnectFailed
                    } else {
                        Outcome::ResponseLost
                    };
                    (outcome, Failure::Transport(err))
                }
            };
            if retry::commit_of(request.is_write(), outcome) == Commit::Maybe {
                committed = Commit::Maybe;
            }
            match self
                .inner
                .retry
                .decide(attempt, request.resend_safe, outcome, retry::jitter())
            {
                Decision::Retry(wait) => {
                    self.inner
                        .retries
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let throttled =
                        matches!(outcome, Outcome::Status(StatusCode::TOO_MANY_REQUESTS, _));
                    // A 429 is announced once per pause (the notice); its retries are not news.
                    let reason = failure.reason();
                    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
                    if throttled {
                        tracing::info!(method = %request.call.method, path = %request.call.path, attempt, wait_ms, reason = %reason, "retrying ConnectWise request");
                    } else {
                        tracing::warn!(method = %request.call.method, path = %request.call.path, attempt, wait_ms, reason = %reason, "retrying ConnectWise request");
                    }
                    if throttled {
                        // The retry waits in the limiter, with every other request, for the
                        // shared pause to end.
                        self.throttled(request, wait, sent_at)?;
                    } else {
                        let until = Instant::now() + wait;
                        if let Some(err) = self.past_deadline(request, until) {
                            return Err(err);
                        }
                        tokio::time::sleep_until(until).await;
                    }
                }
                Decision::Stop => {
                    return Err(failure.into_error(
                        request,
                        attempt,
                        committed,
                        &self.inner.secrets,
                    ));
                }
            }
        }
    }

    /// A 429 asked for `wait`: begin or join the client's pause, announce a new one, and refuse
    /// to wait past the deadline.
    fn throttled(&self, request: &Request, wait: Duration, sent_at: Instant) -> Result<(), Error> {
        let now = Instant::now();
        let pause = self.inner.limiter.pause_at(now, wait, sent_at);
        if let Some(err) = self.past_deadline(request, pause.until()) {
            return Err(err);
        }
        if let (PauseStart::Began(_), Some(notice)) = (pause, &self.inner.throttle_notice) {
            notice(wait);
        }
        Ok(())
    }

    async fn attempt(&self, request: &Request, attempt: u32) -> Attempt {
        self.inner.limiter.acquire().await;
        let _permit = self
            .inner
            .in_flight
            .acquire()
            .await
            .expect("invariant: the client never closes its semaphore");
        self.count(&request.kind);
        let span = tracing::debug_span!(
            "connectwise_request",
            method = %request.call.method,
            path = %request.call.path,
            kind = %request.kind,
            attempt,
            status = tracing::field::Empty,
        );
        async {
            let result = self.exchange(request).await;
            match &result {
                Attempt::Done(r) => {
                    tracing::Span::current().record("status", r.status.as_u16());
                }
                Attempt::Failed { status, .. } => {
                    tracing::Span::current().record("status", status.as_u16());
                }
                Attempt::Transport(err) => tracing::debug!(error = %err, "no response"),
                Attempt::TooLarge => tracing::debug!("response over the cap"),
            }
            tracing::debug!("done");
            result
        }
        .instrument(span)
        .await
    }

    async fn exchange(&self, request: &Request) -> Attempt {
        let url = request.url(&self.inner.base_url);
        let mut builder = self.inner.http.request(request.call.method.clone(), url);
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        // A read may be cut at the deadline; a write, once sent, is waited for (its outcome
        // decides whether it committed).
        if let Some((at, _)) = self.inner.deadline
            && !request.is_write()
        {
            let left = at.saturating_duration_since(Instant::now());
            builder = builder.timeout(left.min(self.inner.attempt_timeout));
        }
        let sent_at = Instant::now();
        let mut response = match builder.send().await {
            Ok(r) => r,
            Err(err) => return Attempt::Transport(err),
        };
        let status = response.status();
        let link = header_text(response.headers(), header::LINK);
        let retry_after = header_text(response.headers(), header::RETRY_AFTER)
            .and_then(|v| retry::parse_retry_after(&v, SystemTime::now()));
        if status.is_success() {
            match read_capped(&mut response, self.inner.max_response_bytes).await {
                Ok(Some(body)) => Attempt::Done(Response { status, link, body }),
                Ok(None) => Attempt::TooLarge,
                Err(err) => Attempt::Transport(err),
            }
        } else {
            let body = match read_prefix(&mut response, MAX_ERROR_BODY_BYTES).await {
                Ok(body) => body,
                Err(err) => return Attempt::Transport(err),
            };
            Attempt::Failed {
                status,
                retry_after,
                body,
                sent_at,
            }
        }
    }

    /// Send a request and decode its JSON body.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// use cwrecon::connectwise::{Request, SystemInfo};
    /// let info: SystemInfo = client.send_json(&Request::get_singleton("systemInfo", "/system/info")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`], plus [`Error::Decode`] when the body is not the expected JSON.
    pub async fn send_json<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Error> {
        let response = self.send(request).await?;
        decode(request, &response.body)
    }

    /// `GET /system/info`: the server's version.
    ///
    /// ```no_run
    /// # async fn demo(client: cwrecon::connectwise::Client) -> Result<(), cwrecon::connectwise::Error> {
    /// let info = client.system_info().await?;
    /// println!("{:?}", info.version);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send_json`].
    pub async fn system_info(&self) -> Result<SystemInfo, Error> {
        self.send_json(&Request::get_singleton("systemInfo", "/system/info"))
            .await
    }
}

/// The body of `GET /system/info`, read down to what `doctor` shows (other fields are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct SystemInfo {
    /// The server's version (`v2025.1.10333`).
    #[serde(default)]
    pub version: Option<String>,
}

/// Read a body a chunk at a time; `None` as soon as it passes `cap` bytes (or declares more), so
/// a huge body is never held whole.
async fn read_capped(
    response: &mut reqwest::Response,
    cap: u64,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > cap) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX) > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// The first `cap` bytes of a body; the rest is not read.
async fn read_prefix(
    response: &mut reqwest::Response,
    cap: u64,
) -> Result<Vec<u8>, reqwest::Error> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut body = Vec::new();
    while body.len() < cap
        && let Some(chunk) = response.chunk().await?
    {
        let room = cap - body.len();
        body.extend_from_slice(chunk.get(..room).unwrap_or(&chunk));
    }
    Ok(body)
}

/// Decode a JSON body for a request.
pub(super) fn decode<T: DeserializeOwned>(request: &Request, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        call: Box::new(request.call.clone()),
        source,
    })
}

enum Failure {
    Status(StatusCode, Option<Duration>, Vec<u8>),
    Transport(reqwest::Error),
}

impl Failure {
    fn reason(&self) -> String {
        match self {
            Failure::Status(status, ..) => status.to_string(),
            Failure::Transport(err) => transport_kind(err).to_owned(),
        }
    }

    /// The error to return; a server's message is kept only redacted with `secrets`.
    fn into_error(
        self,
        request: &Request,
        attempts: u32,
        committed: Commit,
        secrets: &crate::output::redact::Secrets,
    ) -> Error {
        let call = Box::new(request.call.clone());
        match self {
            Failure::Status(StatusCode::TOO_MANY_REQUESTS, retry_after, _) => Error::RateLimited {
                call,
                retry_after,
                attempts,
            },
            Failure::Status(status, _, body) => Error::Http {
                call,
                status,
                body: ApiError::from_body(&body).map(|api| Box::new(api.redacted(secrets))),
                attempts,
                committed,
            },
            Failure::Transport(source) => Error::Transport {
                call,
                kind: transport_kind(&source),
                attempts,
                committed,
                source: source.without_url(),
            },
        }
    }
}

fn transport_kind(err: &reqwest::Error) -> &'static str {
    if err.is_connect() {
        "connection failed"
    } else if err.is_timeout() {
        "timed out"
    } else {
        "connection lost"
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn default_headers(config: &ClientConfig) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let login = format!(
        "{}+{}:{}",
        config.company_id,
        config.public_key.expose_secret(),
        config.private_key.expose_secret()
    );
    let token = base64::engine::general_purpose::STANDARD.encode(login);
    let mut auth = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| Error::InvalidHeader { what: "the login" })?;
    auth.set_sensitive(true);
    headers.insert(header::AUTHORIZATION, auth);
    let mut client_id = HeaderValue::from_str(&config.client_id)
        .map_err(|_| Error::InvalidHeader { what: "clientId" })?;
    client_id.set_sensitive(true);
    headers.insert("clientId", client_id);
    let accept = HeaderValue::from_str(&format!(
        "application/vnd.connectwise.com+json; version={}",
        config.api_version
    ))
    .map_err(|_| Error::InvalidHeader {
        what: "the API version",
    })?;
    headers.insert(header::ACCEPT, accept);
    Ok(headers)
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_version", &self.inner.api_version)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(
            BaseUrl::from_site("http://127.0.0.1:1").unwrap(),
            "acme",
            SecretString::from("pub-sekrit"),
            SecretString::from("priv-sekrit"),
            "client-guid",
        )
    }

    #[test]
    fn headers_carry_auth_client_id_and_version() {
        let headers = default_headers(&config()).unwrap();
        let expected =
            base64::engine::general_purpose::STANDARD.encode("acme+pub-sekrit:priv-sekrit");
        assert_eq!(
            headers[header::AUTHORIZATION].to_str().unwrap(),
            format!("Basic {expected}")
        );
        assert!(headers[header::AUTHORIZATION].is_sensitive());
        assert_eq!(headers["clientId"], "client-guid");
        assert_eq!(
            headers[header::ACCEPT],
            "application/vnd.connectwise.com+json; version=2025.1"
        );
        assert!(!format!("{headers:?}").contains("sekrit"));
    }

    #[test]
    fn client_debug_does_not_leak() {
        let client = Client::new(config()).unwrap();
        let debug = format!("{client:?}");
        assert!(
            !debug.contains("sekrit") && !debug.contains("YWNtZ"),
            "{debug}"
        );
    }

    #[test]
    fn bad_client_id_is_named_not_shown() {
        let mut c = config();
        c.client_id = "bad\nvalue".into();
        let err = Client::new(c).unwrap_err().to_string();
        assert!(err.contains("clientId") && !err.contains("bad\nvalue"));
    }
}
