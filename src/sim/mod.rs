//! A ConnectWise Manage-compatible HTTP server (`cwrecon sim`) for demos, tests and benchmarks.
//!
//! Serves the REST API paths cwrecon uses (see `docs/simulator.md`) following
//! `shared/connectwise/manage-subset.openapi.json` and `API-NOTES.md`: Basic auth with `clientId`,
//! bare-array lists with `Link` paging, the `conditions` grammar, `fields`, `orderBy`, `/count`, PATCH
//! operation arrays and ConnectWise's error bodies; plus rate limiting, seeded faults, a request log
//! and an admin API under `/_sim/`. This module only re-exports; each file owns one concern.
//!
//! Tests use [`app`] with `tower::ServiceExt::oneshot`, or [`start`] to bind `127.0.0.1:0`.

mod admin;
mod api_error;
mod app;
mod args;
mod bundles;
mod credentials;
mod defaults;
mod error;
mod faults;
mod filter;
mod generate;
mod model;
// Generated, one line per field; rustfmt would quintuple it.
#[rustfmt::skip]
mod models;
mod ops;
mod query;
mod render;
mod resources;
mod rules;
mod server;
mod store;
mod write;

pub use app::{API_BASE, CODEBASE, VERSIONED_API_BASE, app};
pub use args::SimArgs;
pub use credentials::{
    Credentials, DEFAULT_CLIENT_ID, DEFAULT_COMPANY_ID, DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY,
};
pub use error::Error;
pub use faults::{Faults, RefusedWrite, RequestLogEntry};
pub use filter::evaluate;
pub use generate::Tenant;
pub use model::{model_fields, model_names};
pub use server::{Running, serve, start};
pub use store::{StateError, Store};
