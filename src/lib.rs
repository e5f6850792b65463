//! cwrecon: a declarative config-as-code reconciler for ConnectWise Manage (PSA).
//!
//! This is the library behind the `cwrecon` binary. It is public so that tests, benchmarks and
//! examples can drive the pipeline directly; it makes **no semver promise**.
//!
//! The pipeline: [`config`] loads and checks the YAML into a [`config::Config`]; [`live`] reads the
//! tenant through the [`connectwise`] client and projects it onto the canonical [`model`]; [`plan`]
//! diffs desired against live into ordered ops (pure, no I/O); [`apply`] turns ops into writes and
//! runs them; [`workflow`] strings these together for the commands. [`sim`] serves a
//! ConnectWise-compatible API for demos and tests; [`demo`], [`doctor`] and [`export`] are the
//! commands around the pipeline.

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
