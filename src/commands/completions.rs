//! `cwrecon completions`: shell completion scripts, generated from the command line's definition.

use crate::cli::Cli;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

/// The command, from its parsed arguments.
pub(super) fn run(shell: clap_complete::Shell) -> Result<Exit, Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "cwrecon", &mut out);
    write_stdout(&String::from_utf8_lossy(&out), "the completions")?;
    Ok(Exit::OK)
}
