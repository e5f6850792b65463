//! The commands, one file each: each takes its parsed arguments (`crate::cli`), runs the pipeline
//! stages it needs, writes its output through `crate::output` and says how the process exits.
//!
//! Owns what is shared between commands: the dispatch, connecting to the configured tenant, the
//! day a run happens, the log's set-up, and reading a vendor's billing report from a file. Refuses
//! to hold a stage's logic: loading, reading, planning and applying live in their own modules,
//! which never import a command.

pub mod apply;
mod completions;
pub mod demo;
pub mod doctor;
pub mod export;
pub mod import;
mod man;
pub mod plan;
pub mod reconcile;
pub mod report;
mod schema;
mod unlock;
mod validate;

use std::io::IsTerminal as _;

use crate::cli::{Cli, ColorChoice, Command, ErrorFormat, ReadLimits};
use crate::config;
use crate::error::Error;
use crate::exit::Exit;

/// Run a parsed command line.
pub async fn execute(cli: Cli) -> Result<Exit, Error> {
    init_logging(cli.verbose, cli.color);
    set_report_style(cli.color);
    match cli.command {
        Command::Validate(args) => {
            if args.format == ErrorFormat::Github {
                report::GITHUB_ANNOTATIONS.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            validate::run(&args)
        }
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(),
        Command::Schema => schema::run(),
        Command::Demo(args) => Box::pin(demo::run(today()?, args.scenario)).await,
        Command::Export(args) => Box::pin(export::run(args)).await,
        Command::Import(args) => import::run(&args),
        Command::Reconcile(args) => Box::pin(reconcile::run(args)).await,
        Command::Doctor { paths, limits } => Box::pin(doctor::run(paths, &limits)).await,
        Command::Plan(args) => Box::pin(plan::run(args, cli.color)).await,
        Command::Apply(args) => Box::pin(apply::run(args, cli.color)).await,
        Command::Unlock(args) => Box::pin(unlock::run(args)).await,
        Command::Sim(args) => Ok(crate::sim::serve(args).await?),
    }
}

/// How a command reads: its pace and its limits, as the command line gave them. Commands without
/// these options (`doctor`, `unlock`) read at [`Pace::GENTLE`].
#[derive(Debug, Clone, Copy)]
struct Pace<'a> {
    requests_per_minute: u32,
    concurrency: usize,
    limits: &'a ReadLimits,
}

impl<'a> Pace<'a> {
    /// `doctor`'s and `unlock`'s pace: a handful of requests, well under any tenant's limit.
    fn gentle(concurrency: usize, limits: &'a ReadLimits) -> Pace<'a> {
        Pace {
            requests_per_minute: 900,
            concurrency,
            limits,
        }
    }
}

/// The pace of the commands that take `--requests-per-minute`, `--concurrency` and the read limits.
macro_rules! paced {
    ($($args:ty),*) => {$(
        impl<'a> From<&'a $args> for Pace<'a> {
            fn from(args: &'a $args) -> Pace<'a> {
                Pace {
                    requests_per_minute: args.requests_per_minute,
                    concurrency: args.concurrency,
                    limits: &args.limits,
                }
            }
        }
    )*};
}
paced!(
    crate::cli::PlanArgs,
    crate::cli::ApplyArgs,
    crate::cli::ExportArgs,
    crate::cli::ReconcileArgs
);

/// A client for the configured tenant. A site that names no codebase (a bare host, a browser URL)
/// is resolved by asking the server for the tenant's codebase first.
async fn connect(
    config: &config::Config,
    pace: Pace<'_>,
) -> Result<crate::connectwise::Client, Error> {
    let credentials =
        config::Credentials::resolve(&config.connection.item, |name| std::env::var(name).ok())?;
    let site = crate::connectwise::Site::parse(&credentials.site)?;
    let base = crate::connectwise::resolve_site(&site, &credentials.company_id).await;
    let limits = pace.limits;
    let client_config = crate::connectwise::ClientConfig::at(base, &credentials)
        .with_requests_per_minute(pace.requests_per_minute)
        .with_concurrency(pace.concurrency)
        .with_max_response_bytes(limits.max_response_bytes)
        .with_max_records(limits.max_records)
        .with_deadline(limits.timeout)
        .with_throttle_notice(announce_throttling);
    Ok(crate::connectwise::Client::new(client_config)?)
}

/// A client for the configured tenant, and the reader over it at the same concurrency.
async fn connect_reader(
    config: &config::Config,
    pace: Pace<'_>,
) -> Result<(crate::connectwise::Client, crate::live::ClientSource), Error> {
    let client = connect(config, pace).await?;
    let source = crate::live::ClientSource::new(client.clone(), pace.concurrency);
    Ok((client, source))
}

/// Say on stderr, once per pause, that ConnectWise is throttling, when the pause is long enough
/// for a person to wonder why nothing moves.
fn announce_throttling(pause: std::time::Duration) {
    if pause >= std::time::Duration::from_secs(2) {
        crate::output::notice(&format!(
            "ConnectWise is throttling; waiting {}s (Retry-After)",
            pause.as_secs()
        ));
    }
}

/// Today (UTC), or `CWRECON_TODAY` (YYYY-MM-DD) so that tests and demos are reproducible.
fn today() -> Result<crate::model::Date, Error> {
    match std::env::var("CWRECON_TODAY") {
        Ok(text) => crate::model::Date::parse(&text).map_err(|message| Error::Usage {
            message: format!("CWRECON_TODAY: {message}"),
        }),
        Err(_) => Ok(crate::model::Date::from_date(
            time::OffsetDateTime::now_utc().date(),
        )),
    }
}

fn init_logging(verbose: u8, color: ColorChoice) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CWRECON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // A second initialisation (tests calling `run` twice) is harmless, so its error is ignored.
    let colored = color.enabled(std::io::stderr().is_terminal());
    // Log lines can carry server text: the writer escapes them for a terminal and a CI log.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::output::stream::LogWriter::new(colored))
        .with_ansi(colored)
        .with_target(false)
        .try_init();
}

fn set_report_style(color: ColorChoice) {
    let colored = color.enabled(std::io::stderr().is_terminal());
    report::STDERR_COLORED.store(colored, std::sync::atomic::Ordering::Relaxed);
    // Errors are the product here: a fixed width keeps them identical on every terminal and in CI.
    let _ = miette::set_hook(Box::new(move |_| {
        let theme = if colored {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Box::new(
            miette::GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
        )
    }));
}

/// The integration a command line names (`import NAME`, `reconcile NAME`) and the format its
/// export reads in: the integration, and the reader's [`Format`].
///
/// [`Format`]: crate::billing_report::Format
fn export_format(
    config: &config::Config,
    name: &str,
) -> Result<(crate::model::IntegrationId, crate::billing_report::Format), Error> {
    let (integration, format) = config
        .integration_export(name)
        .map_err(|err| Error::Usage {
            message: err.message,
        })?;
    let format = match format {
        config::profile::ExportFormat::Intermedia => crate::billing_report::intermedia::format(),
        config::profile::ExportFormat::Profile(profile) => {
            crate::billing_report::Format::from_profile(profile)
        }
    };
    // The name as configured finds the integration `intermedia` may stand for, whatever it is called.
    let id = config
        .integration_named(&integration.item.name)
        .unwrap_or_default();
    Ok((id, format))
}
