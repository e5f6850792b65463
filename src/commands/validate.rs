//! `cwrecon validate`: load and check the configuration, offline.

use crate::cli::ValidateArgs;
use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

/// The command, from its parsed arguments.
pub(super) fn run(args: &ValidateArgs) -> Result<Exit, Error> {
    let config = config::load(&args.paths)?;
    let summary = config.summary();
    write_stdout(
        &format!("configuration is valid: {summary}\n"),
        "the summary",
    )?;
    Ok(Exit::OK)
}
