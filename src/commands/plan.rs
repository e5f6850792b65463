//! `cwrecon plan`: the command line's side of a plan; the pipeline is in [`super::workflow`].

use std::io::IsTerminal as _;

use crate::cli::{ColorChoice, PlanArgs};
use crate::config;
use crate::error::Error;
use crate::exit::Exit;

/// The command, from its parsed arguments.
pub(super) async fn run(args: PlanArgs, color: ColorChoice) -> Result<Exit, Error> {
    let mut config = config::load(&args.paths)?;
    crate::commands::workflow::narrow_companies(&mut config, &args.companies)?;
    let (client, source) = super::connect_reader(&config, (&args).into()).await?;
    // A saved plan records its configuration, so `apply plan.json` can refuse changed files.
    // A narrowed plan records none: applying it would skip what was narrowed away unseen.
    let config_source = if args.out.is_some() && args.companies.is_empty() && args.kinds.is_empty()
    {
        Some(crate::plan::render::ConfigSource {
            paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
            digest: config::digest(&args.paths)?,
        })
    } else {
        None
    };
    let options = crate::commands::workflow::PlanOptions {
        format: args.format,
        color: color.enabled(std::io::stdout().is_terminal()),
        out: args.out,
        detailed_exitcode: args.detailed_exitcode,
        kinds: args.kinds,
        allow_destructive: args.allow_destructive,
        today: super::today()?,
        config_source,
    };
    // Boxed: the read strategy's joined futures are large, and the stack is not the place for them.
    Box::pin(crate::commands::workflow::plan(
        &config,
        &source,
        || client.request_counts(),
        &options,
    ))
    .await
}
