//! The `cwrecon` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match cwrecon::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cwrecon::cli::usage_error(&err),
    };
    cwrecon::run(cli).await.into()
}
