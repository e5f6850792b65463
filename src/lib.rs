//! cwrecon: a declarative config-as-code reconciler for ConnectWise Manage (PSA).
//!
//! This is the library behind the `cwrecon` binary. It is public so that tests, benchmarks and
//! examples can drive the pipeline directly; it makes **no semver promise**.
//!
//! # Crate map
//!
//! The modules, bottom to top; each imports only modules listed before it (no module imports one
//! that imports it back).
//!
//! | layer | module | what it owns |
//! |---|---|---|
//! | leaves | [`exit`], [`files`], [`output`] | exit codes; safe file writes; every sink's escaping and the stdout/stderr writers |
//! | values | [`model`] | money, quantities, dates, identity ([`model::AccountId`], [`model::Key`]), the canonical [`model::State`] |
//! | desired | [`config`] | YAML files → one checked [`config::Config`]; editing the YAML text in place ([`config::edit`]) |
//! | wire | [`connectwise`] | the REST client: base URL, auth, paging, conditions, retries, limits, errors |
//! | live | [`live`] | the read strategy, typed live records with one table per kind ([`live::Table`]: path, fields, natural key, role right), and their projection onto the model |
//! | diff | [`plan`] | desired vs live → ordered ops, safety rails, revenue, renders (pure, no I/O) |
//! | write | [`apply`] | ops → writes, run in dependency order, idempotently; typed apply errors |
//! | guard | [`lock`] | one writer per tenant: the apply lock kept in ConnectWise |
//! | vendors | [`billing_report`] | a vendor's billing report (CSV) read into rows by one reader, in Intermedia's format or a profile's; the unmapped queue |
//! | top | [`error`](Error), [`cli`], [`commands`] | the crate's error and exit-code mapping; the command line's grammar; one file per command |
//! | beside | [`sim`] | a ConnectWise-compatible server for the demo, tests and benchmarks |
//!
//! The pipeline a `plan` runs: [`config`] loads the YAML while [`live`] reads the tenant through
//! [`connectwise`]; [`live`] projects the records onto [`model`]; [`plan`] diffs and orders;
//! `apply` then runs the ops through [`apply`] under the [`lock`]. [`commands`] strings the stages
//! together for each command and decides its exit.

pub mod apply;
pub mod billing_report;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connectwise;
mod error;
pub mod exit;
pub mod files;
pub mod live;
pub mod lock;
pub mod model;
pub mod output;
pub mod plan;
pub mod sim;

pub use error::Error;
pub use exit::Exit;

/// Run one parsed command line to completion and say how the process should exit.
///
/// Everything the user sees on success goes to stdout; diagnostics go to stderr.
pub async fn run(cli: cli::Cli) -> Exit {
    match Box::pin(commands::execute(cli)).await {
        Ok(exit) => exit,
        Err(err) => {
            commands::report::report_error(&err);
            err.exit_code()
        }
    }
}
