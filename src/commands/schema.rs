//! `cwrecon schema`: the configuration's JSON Schema.

use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

/// The command, from its parsed arguments.
pub(super) fn run() -> Result<Exit, Error> {
    write_stdout(&config::schema_json(), "the JSON Schema")?;
    Ok(Exit::OK)
}
