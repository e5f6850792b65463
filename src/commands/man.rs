//! `cwrecon man`: one man page carrying every command's full help.

use std::fmt::Write as _;

use crate::cli::Cli;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

/// The command, from its parsed arguments.
/// One man page, whole: the top-level sections, then every command's full help under COMMANDS.
/// `clap_mangen`'s own SUBCOMMANDS section refers to a page per command (`cwrecon-plan(1)`), which
/// this command does not install, so the page carries the commands itself and names no other page.
pub(super) fn run() -> Result<Exit, Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let page = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    let render_err = |source| {
        Error::from(crate::output::WriteError {
            what: "the man page".to_owned(),
            source,
        })
    };
    page.render_title(&mut out).map_err(render_err)?;
    page.render_name_section(&mut out).map_err(render_err)?;
    page.render_synopsis_section(&mut out).map_err(render_err)?;
    page.render_description_section(&mut out)
        .map_err(render_err)?;
    page.render_options_section(&mut out).map_err(render_err)?;
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push_str(".SH COMMANDS\n");
    for sub in command.get_subcommands_mut() {
        let help = sub.render_long_help().to_string();
        let _ = writeln!(text, ".SS \"cwrecon {}\"\n.nf", sub.get_name());
        for line in help.lines() {
            let _ = writeln!(text, "{}", roff_line(line));
        }
        text.push_str(".fi\n");
    }
    let mut version = Vec::new();
    page.render_version_section(&mut version)
        .map_err(render_err)?;
    text.push_str(&String::from_utf8_lossy(&version));
    write_stdout(&text, "the man page")?;
    Ok(Exit::OK)
}

/// A line of preformatted text for roff: backslashes doubled, and a leading `.` or `'` (a roff
/// request) guarded with the zero-width `\&`.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
