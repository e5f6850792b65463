//! The ConnectWise Manage REST client and the pieces of its protocol shared with the simulator.
//!
//! Owns talking to ConnectWise: the base URL rules ([`BaseUrl`]), credentials and limits
//! ([`ClientConfig`]), pure request builders ([`Request`], [`ListParams`], [`PatchOp`], [`Conditions`]),
//! the one place requests are sent ([`Client::send`]: auth, rate limit, concurrency, retries, error
//! decoding, tracing, request counts), collections read into a type the caller names
//! ([`Endpoint`]) and bundled reads ([`Client::bundle_get`]). Refuses to decide what to read or
//! change — that is the plan and apply layers — and never shows a key in any output. Refuses to
//! know ConnectWise's record types too: which kinds cwrecon reads, where they live and which of
//! their fields it keeps is `crate::live::records`, one table per kind.
//!
//! ```no_run
//! # async fn demo(credentials: &cwrecon::config::Credentials) -> Result<(), cwrecon::connectwise::Error> {
//! use cwrecon::connectwise::{Client, ClientConfig, ListParams};
//! use cwrecon::live::records::{COMPANIES, CompanyRecord};
//! let client = Client::new(ClientConfig::from_credentials(credentials)?)?;
//! let companies = COMPANIES.endpoint::<CompanyRecord>(&client).list_all(&ListParams::new()).await?;
//! println!("{} companies in {:?}", companies.len(), client.request_counts());
//! # Ok(()) }
//! ```

mod bundle;
mod client;
pub mod conditions;
mod config;
mod endpoint;
mod error;
mod limiter;
pub mod paging;
pub mod query;
mod request;
pub mod retry;
mod site;

pub use bundle::{BundleGet, BundleOutcome, BundleResult, bundle_request};
pub use client::{Client, Response, SystemInfo};
pub use config::{API_VERSION, ClientConfig, ThrottleNotice, format_duration, parse_duration};
pub use endpoint::{Endpoint, Page, Pager};
pub use error::{ApiError, Call, Commit, Error, FieldError, WRONG_SITE_HINT};
pub use limiter::{PauseStart, RateLimiter};
pub use query::{CmpOp, Conditions, Literal};
pub use request::{ListParams, MAX_PAGE_SIZE, PatchKind, PatchOp, Request};
pub use retry::RetryPolicy;
pub use site::{BaseUrl, DEFAULT_CODEBASE_PATH, Site, resolve as resolve_site};
