//! `cwrecon apply`: the command line's side of an apply (a configuration, or a saved plan and the configuration it was made from); the pipeline is in [`super::workflow`].

use std::io::IsTerminal as _;

use crate::cli::{ApplyArgs, ColorChoice};
use crate::config;
use crate::error::Error;
use crate::exit::Exit;

/// The command, from its parsed arguments.
pub(super) async fn run(args: ApplyArgs, color: ColorChoice) -> Result<Exit, Error> {
    // `apply plan.json [CONFIG…]`: a saved plan, with the configuration it was made from.
    let (saved_path, given_config) = match args.paths.as_slice() {
        [first, rest @ ..]
            if first
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
        {
            (Some(first.clone()), rest.to_vec())
        }
        _ => (None, Vec::new()),
    };
    let (config_paths, saved) = match &saved_path {
        Some(path) => {
            let saved = crate::plan::saved::load(path).map_err(|e| Error::Usage {
                message: e.to_string(),
            })?;
            let source = saved.config.clone().ok_or_else(|| Error::Usage {
                message: format!(
                    "{} does not say which configuration it was made from; plan again with --out (and without --company or --kind)",
                    path.display()
                ),
            })?;
            let paths =
                crate::plan::saved::config_paths(&source, &given_config).map_err(|problem| {
                    Error::Usage {
                        message: format!("{}: {problem}", path.display()),
                    }
                })?;
            if config::digest(&paths)? != source.digest {
                return Err(Error::Usage {
                    message: format!(
                        "the configuration files changed since {} was made; plan again and review the new plan",
                        path.display()
                    ),
                });
            }
            (paths, Some(saved))
        }
        None => (args.paths.clone(), None),
    };
    if saved.is_some() && !args.companies.is_empty() {
        return Err(Error::Usage {
            message: "a saved plan is applied whole; --company narrows the plan apply makes itself (cwrecon apply CONFIG --company …)".to_owned(),
        });
    }
    let mut config = config::load(&config_paths)?;
    crate::commands::workflow::narrow_companies(&mut config, &args.companies)?;
    let (client, source) = super::connect_reader(&config, (&args).into()).await?;
    let target = crate::apply::ClientTarget::new(client.clone());
    let options = crate::commands::workflow::ApplyOptions {
        confirmation: if args.auto_approve {
            crate::commands::workflow::Confirmation::Auto
        } else if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            crate::commands::workflow::Confirmation::Ask
        } else {
            crate::commands::workflow::Confirmation::Impossible
        },
        allow_destructive: args.allow_destructive,
        concurrency: args.concurrency,
        format: args.format,
        color: color.enabled(std::io::stdout().is_terminal()),
        progress: args.format == crate::commands::workflow::Format::Text
            && std::io::stderr().is_terminal(),
        journal: args
            .journal
            .unwrap_or_else(crate::commands::workflow::default_journal),
        today: super::today()?,
        lock: crate::lock::LockOptions {
            timeout: args.lock_timeout,
            stop_on_interrupt: true,
            ..crate::lock::LockOptions::default()
        },
    };
    Box::pin(crate::commands::workflow::apply_command(
        &config,
        &source,
        &target,
        saved,
        &options,
        &|| client.retries(),
    ))
    .await
}
