//! `cwrecon unlock`: break an apply lock left by a crashed run, after a person confirms.

use std::io::IsTerminal as _;

use crate::cli::UnlockArgs;
use crate::config;
use crate::error::Error;
use crate::exit::Exit;
use crate::output::write_stdout;

/// The command, from its parsed arguments.
pub(super) async fn run(args: UnlockArgs) -> Result<Exit, Error> {
    let config = if args.paths.is_empty() {
        config::load_texts([("(defaults)", "")])?
    } else {
        config::load(&args.paths)?
    };
    let client = super::connect(&config, super::Pace::gentle(1, &args.limits)).await?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.force && !interactive {
        return Err(Error::Usage {
            message: "unlock needs confirmation, and there is no terminal to ask on; make sure the apply holding the lock is no longer running, then pass --force".to_owned(),
        });
    }
    let target = crate::apply::ClientTarget::new(client);
    let broken = crate::lock::unlock(&target, &args.lock_id, |record| {
        use std::io::BufRead as _;
        if args.force {
            return true;
        }
        eprint!("Break the apply lock {record}? Only 'yes' is accepted: ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == "yes"
    })
    .await?;
    match broken {
        Some(record) => write_stdout(
            &format!("Unlocked: deleted the apply lock {record}.\n"),
            "the result",
        )?,
        None => write_stdout("Not unlocked.\n", "the result")?,
    }
    Ok(Exit::OK)
}
