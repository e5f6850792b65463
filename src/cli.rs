//! The command line: what was typed ([`Cli`]), and the dispatch that runs it ([`execute`]).
//!
//! Owns argument parsing, the mapping of clap's own failures to [`Exit::USAGE`], and how errors are
//! shown to a person (miette reports on stderr). It refuses to do any work itself: each subcommand
//! hands resolved inputs to the library module that owns that step of the pipeline.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config;
use crate::error::Error;
use crate::exit::Exit;

const EXAMPLES: &str = "\
Examples:
  cwrecon validate examples/intermedia          check a folder of YAML files
  cwrecon schema > schemas/cwrecon.schema.json  refresh the JSON Schema for editors
  cwrecon sim --listen 127.0.0.1:8080           serve a ConnectWise-compatible API locally

Exit codes: 0 ok, 1 runtime failure, 2 changes present (plan --detailed-exitcode),
3 blocked by a safety rail, 4 locked by another apply, 64 usage error, 78 invalid configuration.";

/// Declarative config-as-code reconciler for ConnectWise Manage (PSA).
///
/// YAML files describe the setup tables, company links, product prices and agreement additions a
/// vendor integration (Intermedia by default) needs; cwrecon checks them, shows what would change in
/// ConnectWise, and makes those changes.
#[derive(Debug, Parser)]
#[command(name = "cwrecon", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Log more to stderr (-v: info, -vv: debug, -vvv: trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// When to colour output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// When to use colour in output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream, given whether it is a terminal.
    fn enabled(self, is_terminal: bool) -> bool {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        self.decide(is_terminal, no_color)
    }

    /// The rule itself: `auto` colours a terminal unless NO_COLOR is set (<https://no-color.org>).
    fn decide(self, is_terminal: bool, no_color: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// See the whole workflow in one command: a simulated ConnectWise, plan, apply, plan again.
    #[command(after_help = "\
Examples:
  cwrecon demo

Starts a ConnectWise simulator on a loopback port, seeded as a tenant an earlier portal export half
set up, then plans and applies the bundled examples/intermedia and plans again. Needs no account.")]
    Demo,
    /// Load and check configuration files without contacting ConnectWise.
    #[command(after_help = "\
Examples:
  cwrecon validate examples/intermedia
  cwrecon validate setup.yaml products.yaml companies/

Every *.yaml and *.yml file under a folder is read; all files merge into one desired state.
Exit codes: 0 valid, 78 invalid configuration, 64 usage error.")]
    Validate(ValidateArgs),
    /// Show what would change in ConnectWise, and the monthly revenue it moves.
    #[command(after_help = "\
Examples:
  cwrecon plan examples/intermedia
  cwrecon plan examples/intermedia --format markdown > plan.md
  cwrecon plan examples/intermedia --out plan.json --detailed-exitcode
  cwrecon plan examples/intermedia --company 1002345 --kind addition

Reads ConnectWise (CW_SITE, CW_COMPANY_ID, CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID) and
changes nothing. Exit codes: 0 no changes (or changes without --detailed-exitcode),
2 changes present (--detailed-exitcode), 3 blocked by a safety rail, 1 ConnectWise problems or
runtime failure, 78 invalid configuration, 64 usage error.")]
    Plan(PlanArgs),
    /// Make the changes a plan shows, in order, and prove the result with a new plan.
    #[command(after_help = "\
Examples:
  cwrecon apply examples/intermedia                  plan, show, ask, apply
  cwrecon apply examples/intermedia --auto-approve   for pipelines
  cwrecon plan examples/intermedia --out plan.json && cwrecon apply plan.json examples/intermedia

  cwrecon apply my-config --company 1002345          one company first (and what it needs)

A saved plan applies without asking, but is never trusted: cwrecon plans again from its
configuration and ConnectWise and applies only when the ops are exactly the saved ones, under
the safety rails of the plan made now; otherwise it is refused and nothing is written. Every op
and its outcome goes to a journal (--journal, default .cwrecon/journal-<time>.jsonl), whose path
apply prints. Reads ConnectWise with CW_SITE, CW_COMPANY_ID, CW_PUBLIC_KEY, CW_PRIVATE_KEY and
CW_CLIENT_ID.
One apply at a time per tenant: apply holds a lock kept in ConnectWise (see docs/security.md)
from before it reads the tenant until it has verified the result; another apply waits up to
--lock-timeout for it (default 0s: fail at once), then exits 4 naming the holder.
Exit codes: 0 all applied and verified, 1 something failed or is left, 3 blocked by a safety rail,
4 locked by another apply, 5 declined at the prompt (nothing written), 64 no confirmation possible
(no terminal, no --auto-approve), 78 invalid configuration.")]
    Apply(ApplyArgs),
    /// Break the apply lock of an apply that died (like Terraform's force-unlock).
    #[command(after_help = "\
Examples:
  cwrecon unlock 3f9c2a7d41b0e865            asks first on a terminal
  cwrecon unlock 3f9c2a7d41b0e865 --force    for pipelines

The lock id is in the message of the apply that found the tenant locked. Only the lock with that
id is deleted; break a lock only when you know its apply is no longer running (a crashed apply's
lock also lapses by itself, 10 minutes after its last heartbeat).
Exit codes: 0 unlocked (or declined), 1 no lock with that id or ConnectWise refused, 64 no
confirmation possible (no terminal, no --force), 78 invalid configuration.")]
    Unlock(UnlockArgs),
    /// Check, read-only, what a first apply needs, and say how to fix each miss.
    #[command(after_help = "\
Examples:
  cwrecon doctor
  cwrecon doctor examples/intermedia     also check the rows the configuration relies on

Connects with CW_SITE, CW_COMPANY_ID, CW_PUBLIC_KEY, CW_PRIVATE_KEY and CW_CLIENT_ID (or the
configuration's `connection:` references). Write access is reported as not checked: probing it
would change data.
Exit codes: 0 every check passed, 1 a check failed, 78 invalid configuration.")]
    Doctor {
        /// Configuration files or folders (optional).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Read bounds and deadline.
        #[command(flatten)]
        limits: ReadLimits,
    },
    /// Write the YAML that describes what the integration owns in a live tenant.
    #[command(after_help = "\
Examples:
  cwrecon export --out onboarding/
  cwrecon export --out onboarding/ --integration examples/intermedia/integration.yaml

Writes integration.yaml, setup.yaml, products.yaml and companies/<identifier>.yaml, the layout of
examples/intermedia; planning the folder right away shows no changes. Reads ConnectWise with the
same credentials as plan (CW_SITE, CW_COMPANY_ID, CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID);
changes nothing there.")]
    Export(ExportArgs),
    /// Write the vendor's billing export (CSV) into the configuration: counts, retail prices, and
    /// with --add-unknown the products and companies it does not have yet.
    #[command(after_help = "\
Examples:
  cwrecon import intermedia billing.csv examples/intermedia --dry-run   show the edits as a diff
  cwrecon import intermedia billing.csv examples/intermedia
  cwrecon import intermedia billing.csv examples/intermedia --add-unknown

Edits the YAML where each value is written and keeps everything else (comments, order, style)
as it is. Never removes anything: items the export no longer lists are reported. Writes nothing
when the export has a problem (each is listed with its line) or the edited configuration would
not validate. Columns are matched by header name, in any order; see docs/import.md.
Exit codes: 0 done (or nothing to do); 2 with --detailed-exitcode, when the export and the
configuration still differ (edits a dry run did not write, items not imported, items the export
does not list); 78 invalid configuration or export; 64 usage error; 1 a file could not be written.")]
    Import(ImportArgs),
    /// The billing reconciliation: vendor counts vs the configuration vs live ConnectWise, per
    /// company and item, with the monthly revenue difference.
    #[command(after_help = "\
Examples:
  cwrecon reconcile intermedia billing.csv examples/intermedia
  cwrecon reconcile intermedia billing.csv examples/intermedia --format csv --out recon.csv
  cwrecon reconcile intermedia billing.csv examples/intermedia --format markdown --only-differences

Reads ConnectWise like plan (same credentials) and changes nothing.
Exit codes: 0 done, 2 some line differs (--detailed-exitcode), 78 invalid configuration or
export, 1 ConnectWise could not be read.")]
    Reconcile(ReconcileArgs),
    /// Print the JSON Schema of the configuration files (for editors and CI).
    #[command(after_help = "\
Examples:
  cwrecon schema > schemas/cwrecon.schema.json

Point an editor at it with a first line such as:
  # yaml-language-server: $schema=../schemas/cwrecon.schema.json")]
    Schema,
    /// Print shell completions for bash, zsh, fish, elvish or powershell.
    #[command(after_help = "\
Examples:
  cwrecon completions bash > /etc/bash_completion.d/cwrecon
  cwrecon completions zsh > \"${fpath[1]}/_cwrecon\"")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from this command line's definitions.
    #[command(after_help = "\
Examples:
  cwrecon man > cwrecon.1 && man ./cwrecon.1")]
    Man,
    /// Serve a ConnectWise Manage-compatible REST API for demos, tests and benchmarks.
    #[command(after_help = "\
Examples:
  cwrecon sim --listen 127.0.0.1:8080")]
    Sim(crate::sim::SimArgs),
}

/// Arguments of `cwrecon validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Configuration files or folders (folders are searched for *.yaml and *.yml).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// `github` also prints each problem as a GitHub Actions `::error` annotation on stdout
    /// (automatic, for every command, when `GITHUB_ACTIONS=true`).
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub format: ErrorFormat,
}

/// How configuration problems are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Diagnostics with source snippets on stderr.
    Text,
    /// The same, plus `::error file=…,line=…,col=…::message` annotations on stdout.
    Github,
}

/// Whether problems are also printed as GitHub annotations (set by `--format github`).
static GITHUB_ANNOTATIONS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

fn github_annotations() -> bool {
    GITHUB_ANNOTATIONS.load(std::sync::atomic::Ordering::Relaxed)
        || std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// `::error file=…,line=…,col=…::message` for one problem.
fn github_annotation(problem: &config::Problem) -> String {
    let location = problem.location();
    crate::output::ci::github_error(
        location
            .as_ref()
            .map(|(file, line, column)| crate::output::ci::Location {
                file,
                line: u64::try_from(*line).ok(),
                column: u64::try_from(*column).ok(),
            }),
        problem.message(),
    )
}

/// Arguments of `cwrecon plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Configuration files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to show the plan.
    #[arg(long, value_enum, default_value_t = crate::workflow::Format::Text)]
    pub format: crate::workflow::Format,
    /// Also save the plan as JSON, for `cwrecon apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes (0 when it has none).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Only this company (vendor account or ConnectWise identifier); repeatable.
    #[arg(long = "company", value_name = "ACCOUNT_OR_IDENTIFIER")]
    pub companies: Vec<String>,
    /// Only this kind of object, plus what it depends on; repeatable.
    #[arg(long = "kind", value_name = "KIND", value_parser = parse_kind)]
    pub kinds: Vec<crate::model::Kind>,
    /// Plan past the safety rails (mass cancellation, revenue drop).
    #[arg(long)]
    pub allow_destructive: bool,
    /// Requests per minute to ConnectWise (it throttles at about 1,000).
    #[arg(long, default_value_t = 900, value_name = "N")]
    pub requests_per_minute: u32,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Read bounds and the command's deadline.
    #[command(flatten)]
    pub limits: ReadLimits,
}

/// The bounds on what one command reads from ConnectWise and how long it may take (issue 11).
/// Each is a flag and an environment variable, the flag winning.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadLimits {
    /// The largest response body read, in bytes; a larger one stops the command with an error
    /// rather than being held in memory.
    #[arg(long, env = "CWRECON_MAX_RESPONSE_BYTES", value_name = "BYTES", default_value_t = crate::connectwise::ClientConfig::DEFAULT_MAX_RESPONSE_BYTES)]
    pub max_response_bytes: u64,
    /// The most records one list may hold; past it the command stops with an error (never a
    /// silent truncation).
    #[arg(long, env = "CWRECON_MAX_RECORDS", value_name = "N", default_value_t = crate::connectwise::ClientConfig::DEFAULT_MAX_RECORDS)]
    pub max_records: u64,
    /// The whole command's deadline (e.g. 300, 90s, 15m, 2h); past it no request is sent and the
    /// command stops with exit 1 (apply first reports what was and was not done).
    #[arg(long, env = "CWRECON_TIMEOUT", value_name = "DURATION", default_value = "2h", value_parser = crate::connectwise::parse_duration)]
    pub timeout: std::time::Duration,
}

/// Arguments of `cwrecon export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write (created if needed; files of the same names are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Configuration whose `integration` and `connection` sections to use (Intermedia's conventions
    /// and the CW_* variables otherwise).
    #[arg(long, value_name = "PATH")]
    pub integration: Option<PathBuf>,
    /// Requests per minute to ConnectWise (it throttles at about 1,000).
    #[arg(long, default_value_t = 900, value_name = "N")]
    pub requests_per_minute: u32,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Read bounds and the command's deadline.
    #[command(flatten)]
    pub limits: ReadLimits,
}

/// A vendor whose billing export cwrecon reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Vendor {
    /// Intermedia's billing export (CSV).
    Intermedia,
}

/// Arguments of `cwrecon import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Whose export it is.
    pub vendor: Vendor,
    /// The billing export (CSV).
    #[arg(value_name = "EXPORT")]
    pub export: PathBuf,
    /// Configuration files or folders to update.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also add the products and companies the configuration does not have (reported otherwise).
    #[arg(long)]
    pub add_unknown: bool,
    /// Where new company files go (default: beside the existing company files).
    #[arg(long, value_name = "DIR")]
    pub companies_dir: Option<PathBuf>,
    /// Show the edits as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Exit 2 when the export and the configuration still differ (0 when they match).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// How a reconciliation is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// An aligned table for a terminal.
    Text,
    /// A markdown table for a pull request or a ticket.
    Markdown,
    /// CSV for a spreadsheet.
    Csv,
}

/// Arguments of `cwrecon reconcile`.
#[derive(Debug, clap::Args)]
pub struct ReconcileArgs {
    /// Whose export it is.
    pub vendor: Vendor,
    /// The billing export (CSV).
    #[arg(value_name = "EXPORT")]
    pub export: PathBuf,
    /// Configuration files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to show the reconciliation.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Only the lines where the sources differ (the totals still count every line).
    #[arg(long)]
    pub only_differences: bool,
    /// Exit 2 when some line differs.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Requests per minute to ConnectWise (it throttles at about 1,000).
    #[arg(long, default_value_t = 900, value_name = "N")]
    pub requests_per_minute: u32,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Read bounds and the command's deadline.
    #[command(flatten)]
    pub limits: ReadLimits,
}

/// Arguments of `cwrecon apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// Configuration files or folders; or a saved plan (`plan --out FILE`), followed by the
    /// configuration it was made from (required when the plan records paths outside this folder).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only this company (vendor account or ConnectWise identifier), with the setup rows and
    /// catalog items it needs; repeatable. Not with a saved plan, which is applied whole.
    #[arg(long = "company", value_name = "ACCOUNT_OR_IDENTIFIER")]
    pub companies: Vec<String>,
    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Apply past the safety rails (mass cancellation, revenue drop).
    #[arg(long)]
    pub allow_destructive: bool,
    /// `text` shows the plan and a summary; `json` prints one JSON event per op.
    #[arg(long, value_enum, default_value_t = crate::workflow::Format::Text)]
    pub format: crate::workflow::Format,
    /// Where to append the journal of every op and outcome.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Requests per minute to ConnectWise (it throttles at about 1,000).
    #[arg(long, default_value_t = 900, value_name = "N")]
    pub requests_per_minute: u32,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// How long to wait for another apply's lock on the tenant (e.g. 0s, 90s, 10m).
    #[arg(long, default_value = "0s", value_name = "DURATION", value_parser = crate::connectwise::parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// Read bounds and the command's deadline.
    #[command(flatten)]
    pub limits: ReadLimits,
}

/// Arguments of `cwrecon unlock`.
#[derive(Debug, clap::Args)]
pub struct UnlockArgs {
    /// The lock id, as the locked-out apply printed it.
    #[arg(value_name = "LOCK_ID")]
    pub lock_id: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
    /// Configuration whose `connection` section to use (the CW_* variables otherwise).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read bounds and the command's deadline.
    #[command(flatten)]
    pub limits: ReadLimits,
}

/// `--kind` values: the kinds' names in kebab case (`catalog-item`, `addition`).
fn parse_kind(text: &str) -> Result<crate::model::Kind, String> {
    let wanted = text.trim().to_lowercase().replace(['_', ' '], "-");
    crate::model::Kind::ALL
        .into_iter()
        .find(|k| k.noun().to_lowercase().replace(' ', "-") == wanted)
        .ok_or_else(|| {
            let names: Vec<String> = crate::model::Kind::ALL
                .iter()
                .map(|k| k.noun().to_lowercase().replace(' ', "-"))
                .collect();
            format!("unknown kind `{text}`; one of: {}", names.join(", "))
        })
}

/// Run a parsed command line.
pub async fn execute(cli: Cli) -> Result<Exit, Error> {
    init_logging(cli.verbose, cli.color);
    set_report_style(cli.color);
    match cli.command {
        Command::Validate(args) => {
            if args.format == ErrorFormat::Github {
                GITHUB_ANNOTATIONS.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            validate(&args)
        }
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
        Command::Schema => print_schema(),
        Command::Demo => Box::pin(crate::demo::run(today()?)).await,
        Command::Export(args) => Box::pin(export(args)).await,
        Command::Import(args) => import(&args),
        Command::Reconcile(args) => Box::pin(reconcile(args)).await,
        Command::Doctor { paths, limits } => Box::pin(doctor(paths, &limits)).await,
        Command::Plan(args) => Box::pin(plan(args, cli.color)).await,
        Command::Apply(args) => Box::pin(apply(args, cli.color)).await,
        Command::Unlock(args) => Box::pin(unlock(args)).await,
        Command::Sim(args) => Ok(crate::sim::serve(args).await?),
    }
}

fn validate(args: &ValidateArgs) -> Result<Exit, Error> {
    let config = config::load(&args.paths)?;
    let summary = config.summary();
    write_stdout(
        &format!("configuration is valid: {summary}\n"),
        "the summary",
    )?;
    Ok(Exit::OK)
}

/// A client for the configuration's credentials.
/// A client for the configured tenant. A site that names no codebase (a bare host, a browser URL)
/// is resolved by asking the server for the tenant's codebase first.
async fn connect(
    config: &config::Config,
    requests_per_minute: u32,
    concurrency: usize,
    limits: &ReadLimits,
) -> Result<crate::connectwise::Client, Error> {
    let credentials =
        config::Credentials::resolve(&config.connection.item, |name| std::env::var(name).ok())?;
    let site = crate::connectwise::Site::parse(&credentials.site)?;
    let base = crate::connectwise::resolve_site(&site, &credentials.company_id).await;
    let client_config = crate::connectwise::ClientConfig::at(base, &credentials)
        .with_requests_per_minute(requests_per_minute)
        .with_concurrency(concurrency)
        .with_max_response_bytes(limits.max_response_bytes)
        .with_max_records(limits.max_records)
        .with_deadline(limits.timeout)
        .with_throttle_notice(announce_throttling);
    Ok(crate::connectwise::Client::new(client_config)?)
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

async fn doctor(paths: Vec<PathBuf>, limits: &ReadLimits) -> Result<Exit, Error> {
    let config = if paths.is_empty() {
        config::load_texts([("(defaults)", "")])?
    } else {
        config::load(&paths)?
    };
    let client = connect(&config, 900, 4, limits).await?;
    let given = (!paths.is_empty()).then_some(&config);
    let checks = Box::pin(crate::doctor::checks(&client, given, today()?)).await;
    crate::doctor::report(&checks)
}

async fn export(args: ExportArgs) -> Result<Exit, Error> {
    let config = match &args.integration {
        Some(path) => config::load(std::slice::from_ref(path))?,
        None => config::load_texts([("(defaults)", "")])?,
    };
    let client = connect(
        &config,
        args.requests_per_minute,
        args.concurrency,
        &args.limits,
    )
    .await?;
    let source = crate::live::ClientSource::new(client, args.concurrency);
    let snapshot = Box::pin(crate::live::read_owned_tenant(&source, &config)).await?;
    let export = crate::export::export(&config.integration.item, &snapshot);
    let failed = crate::export::write(&args.out, &export);
    let mut text = format!(
        "wrote {} files to {}\n",
        export.files.len() - failed.len(),
        args.out.display()
    );
    for skipped in &export.skipped {
        let _ = writeln!(
            text,
            "not exported: {}",
            crate::output::terminal::text(skipped)
        );
    }
    for not_written in &failed {
        let _ = writeln!(
            text,
            "not written: {}: {}",
            not_written.path.display(),
            not_written.source
        );
    }
    write_stdout(&text, "the export summary")?;
    // Nothing lost silently: a file that could not be written fails the command.
    match failed.into_iter().next() {
        Some(first) => Err(Error::WriteFile {
            path: first.path,
            source: first.source,
        }),
        None => Ok(Exit::OK),
    }
}

/// The largest export read: far beyond any MSP's billing file, small enough to refuse a device.
const MAX_EXPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Read and parse a vendor export; its problems (each with its line) refuse it whole.
fn read_export(path: &std::path::Path) -> Result<Vec<crate::vendor::intermedia::Row>, Error> {
    let refuse = |message: String| Error::VendorExport {
        path: path.to_path_buf(),
        problems: vec![crate::vendor::intermedia::Problem { line: 1, message }],
    };
    let bytes = config::read_capped(path, MAX_EXPORT_BYTES)
        .map_err(|err| Error::VendorExport {
            path: path.to_path_buf(),
            problems: vec![crate::vendor::intermedia::Problem {
                line: 0,
                message: format!("cannot read the file: {err}"),
            }],
        })?
        .ok_or_else(|| refuse(format!("the file is larger than {MAX_EXPORT_BYTES} bytes")))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let line = err
            .as_bytes()
            .get(..valid)
            .and_then(|prefix| std::str::from_utf8(prefix).ok())
            .map_or(0, |prefix| prefix.matches('\n').count())
            + 1;
        Error::VendorExport {
            path: path.to_path_buf(),
            problems: vec![crate::vendor::intermedia::Problem {
                line: line as u64,
                message: format!(
                    "the file is not UTF-8 text (invalid byte at offset {valid}); save it as UTF-8 (in Excel: CSV UTF-8)"
                ),
            }],
        }
    })?;
    // Excel's "CSV UTF-8" starts with a byte-order mark, which is not part of the first header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (rows, problems) = crate::vendor::intermedia::parse(text);
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::VendorExport {
            path: path.to_path_buf(),
            problems,
        })
    }
}

fn import(args: &ImportArgs) -> Result<Exit, Error> {
    let Vendor::Intermedia = args.vendor;
    let (config, texts) = config::load_for_edit(&args.paths)?;
    let rows = read_export(&args.export)?;
    let options = crate::import::Options {
        add_unknown: args.add_unknown,
        companies_dir: args.companies_dir.clone(),
        export_name: args.export.display().to_string(),
        today: today()?,
        config_paths: args.paths.clone(),
    };
    let import = crate::import::import(&config, &texts, &rows, &options).inspect_err(|_| {
        crate::output::notice(
            "The import was refused and nothing was written. The configuration as it would be written:"
        );
    })?;
    let mut text = import.summary(&args.export.display().to_string(), rows.len());
    if args.dry_run {
        text.push_str(&crate::import::diff(&import));
        let _ = writeln!(
            text,
            "Dry run: {} file(s) would change; nothing was written.",
            import.files.len()
        );
    } else if import.has_changes() {
        let written = crate::import::write(&import).map_err(|failure| {
            crate::output::write_stderr(
                &format!("{}\n", failure.report()),
                crate::output::terminal::Style::Escape,
            );
            Error::WriteFile {
                path: failure.path,
                source: failure.source,
            }
        })?;
        let _ = writeln!(
            text,
            "Wrote {} file(s). Review them (git diff), then: cwrecon plan {}",
            written.len(),
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    write_stdout(&text, "the import summary")?;
    // A nightly check wants to know whether the vendor and the configuration differ: edits not yet
    // written (a dry run), or anything the import could not write.
    let differs = (args.dry_run && import.has_changes()) || import.differs_after_write();
    Ok(if args.detailed_exitcode && differs {
        Exit::CHANGES
    } else {
        Exit::OK
    })
}

async fn reconcile(args: ReconcileArgs) -> Result<Exit, Error> {
    let Vendor::Intermedia = args.vendor;
    let config = config::load(&args.paths)?;
    let rows = read_export(&args.export)?;
    let client = connect(
        &config,
        args.requests_per_minute,
        args.concurrency,
        &args.limits,
    )
    .await?;
    let source = crate::live::ClientSource::new(client, args.concurrency);
    let snapshot = Box::pin(crate::live::read_snapshot(&source, &config)).await?;
    let reconciliation = crate::reconcile::reconcile(&config, &rows, &snapshot, today()?);
    let differences = reconciliation.differences();
    let only = args.only_differences;
    let report = match args.format {
        ReportFormat::Text => crate::reconcile::text(&reconciliation, only),
        ReportFormat::Markdown => crate::reconcile::markdown(&reconciliation, only),
        ReportFormat::Csv => {
            crate::reconcile::csv(&reconciliation, only).map_err(|e| Error::Internal {
                message: format!("the reconciliation as CSV: {e}"),
            })?
        }
    };
    match &args.out {
        Some(path) => {
            crate::files::replace(path, report.as_bytes()).map_err(|source| Error::WriteFile {
                path: path.clone(),
                source,
            })?;
        }
        None => write_stdout(&report, "the reconciliation")?,
    }
    Ok(if args.detailed_exitcode && differences > 0 {
        Exit::CHANGES
    } else {
        Exit::OK
    })
}

async fn apply(args: ApplyArgs, color: ColorChoice) -> Result<Exit, Error> {
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
    crate::workflow::narrow_companies(&mut config, &args.companies)?;
    let client = connect(
        &config,
        args.requests_per_minute,
        args.concurrency,
        &args.limits,
    )
    .await?;
    let source = crate::live::ClientSource::new(client.clone(), args.concurrency);
    let target = crate::apply::ClientTarget::new(client.clone());
    let options = crate::workflow::ApplyOptions {
        confirmation: if args.auto_approve {
            crate::workflow::Confirmation::Auto
        } else if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            crate::workflow::Confirmation::Ask
        } else {
            crate::workflow::Confirmation::Impossible
        },
        allow_destructive: args.allow_destructive,
        concurrency: args.concurrency,
        format: args.format,
        color: color.enabled(std::io::stdout().is_terminal()),
        progress: args.format == crate::workflow::Format::Text && std::io::stderr().is_terminal(),
        journal: args
            .journal
            .unwrap_or_else(crate::workflow::default_journal),
        today: today()?,
        lock: crate::lock::LockOptions {
            timeout: args.lock_timeout,
            stop_on_interrupt: true,
            ..crate::lock::LockOptions::default()
        },
    };
    Box::pin(crate::workflow::apply_command(
        &config,
        &source,
        &target,
        saved,
        &options,
        &|| client.retries(),
    ))
    .await
}

async fn unlock(args: UnlockArgs) -> Result<Exit, Error> {
    let config = if args.paths.is_empty() {
        config::load_texts([("(defaults)", "")])?
    } else {
        config::load(&args.paths)?
    };
    let client = connect(&config, 900, 1, &args.limits).await?;
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

async fn plan(args: PlanArgs, color: ColorChoice) -> Result<Exit, Error> {
    let mut config = config::load(&args.paths)?;
    crate::workflow::narrow_companies(&mut config, &args.companies)?;
    let client = connect(
        &config,
        args.requests_per_minute,
        args.concurrency,
        &args.limits,
    )
    .await?;
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
    let source = crate::live::ClientSource::new(client.clone(), args.concurrency);
    let options = crate::workflow::PlanOptions {
        format: args.format,
        color: color.enabled(std::io::stdout().is_terminal()),
        out: args.out,
        detailed_exitcode: args.detailed_exitcode,
        kinds: args.kinds,
        allow_destructive: args.allow_destructive,
        today: today()?,
        config_source,
    };
    // Boxed: the read strategy's joined futures are large, and the stack is not the place for them.
    Box::pin(crate::workflow::plan(
        &config,
        &source,
        || client.request_counts(),
        &options,
    ))
    .await
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

fn completions(shell: clap_complete::Shell) -> Result<Exit, Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "cwrecon", &mut out);
    write_stdout(&String::from_utf8_lossy(&out), "the completions")?;
    Ok(Exit::OK)
}

/// One man page, whole: the top-level sections, then every command's full help under COMMANDS.
/// `clap_mangen`'s own SUBCOMMANDS section refers to a page per command (`cwrecon-plan(1)`), which
/// this command does not install, so the page carries the commands itself and names no other page.
fn man() -> Result<Exit, Error> {
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

fn print_schema() -> Result<Exit, Error> {
    write_stdout(&config::schema_json(), "the JSON Schema")?;
    Ok(Exit::OK)
}

/// Every command's output goes through [`crate::output`]'s writer, which escapes it for a
/// terminal and a CI log; kept here under its old name for the commands below.
pub(crate) use crate::output::write_stdout;

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
    STDERR_COLORED.store(colored, std::sync::atomic::Ordering::Relaxed);
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

/// How many configuration problems are shown in full: past that, more detail only buries the
/// first mistake (often the cause of the rest).
const MAX_SHOWN_PROBLEMS: usize = 50;

/// Whether error reports on stderr are coloured (set with the report style): their colours stay,
/// everything else hidden in them is escaped.
static STDERR_COLORED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Show an error to a person on stderr: config problems one report each, then a one-line summary.
/// The text goes through [`crate::output`]'s stderr writer (terminal and CI-log escaping); the
/// `::error` annotations, which cwrecon means a CI runner to read, are built by `output::ci`.
pub fn report_error(err: &Error) {
    let mut text = String::new();
    let mut annotations = String::new();
    if let Error::Config(config::Error::Invalid { problems }) = err {
        if github_annotations() {
            for problem in problems {
                let _ = writeln!(annotations, "{}", github_annotation(problem));
            }
        }
        for problem in problems.iter().take(MAX_SHOWN_PROBLEMS) {
            let _ = writeln!(text, "{:?}", miette::Report::new(problem.clone()));
        }
        if problems.len() > MAX_SHOWN_PROBLEMS {
            let _ = writeln!(
                text,
                "… and {} more problems not shown; fix these first, then run again",
                problems.len() - MAX_SHOWN_PROBLEMS
            );
        }
    }
    if let Error::VendorExport { path, problems } = err {
        let file = path.display().to_string();
        for problem in problems {
            if github_annotations() {
                let location = crate::output::ci::Location {
                    file: &file,
                    line: (problem.line > 0).then_some(problem.line),
                    column: None,
                };
                let _ = writeln!(
                    annotations,
                    "{}",
                    crate::output::ci::github_error(Some(location), &problem.message)
                );
            }
            let message = crate::output::terminal::text(&problem.message);
            let _ = if problem.line == 0 {
                writeln!(text, "{file}: {message}")
            } else {
                writeln!(text, "{file}:{}: {message}", problem.line)
            };
        }
    }
    let _ = writeln!(text, "error: {}", failed_to(err));
    if suggests_wrong_site(err) {
        let _ = writeln!(
            text,
            "hint: {}; `cwrecon doctor` checks the site, the keys and the rights",
            crate::connectwise::WRONG_SITE_HINT
        );
    }
    if !annotations.is_empty() {
        // Annotations are meant to start a CI command, so they skip the writer's neutralising; each
        // was escaped by `output::ci`, and no remembered secret may be in one.
        let annotations = crate::output::redact::remembered(&annotations);
        let _ = std::io::stdout().lock().write_all(annotations.as_bytes());
    }
    let style = if STDERR_COLORED.load(std::sync::atomic::Ordering::Relaxed) {
        crate::output::terminal::Style::Keep
    } else {
        crate::output::terminal::Style::Escape
    };
    crate::output::write_stderr(&text, style);
}

/// Whether a ConnectWise error anywhere in the chain says the site is not the API.
fn suggests_wrong_site(err: &Error) -> bool {
    if let Error::Lock(crate::lock::LockError::Request {
        wrong_site: true, ..
    }) = err
    {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<crate::connectwise::Error>()
            .is_some_and(crate::connectwise::Error::suggests_wrong_site)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// "failed to <message>", followed by the chain of causes, each kept to one line and a bounded
/// length: a cause may quote a server or a file.
fn failed_to(err: &Error) -> String {
    let mut text = format!("failed to {err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        let cause_text = cause.to_string();
        let shown = crate::output::terminal::text(&cause_text);
        text.push_str(&crate::output::redact::truncate(&shown, MAX_CAUSE_CHARS));
        source = cause.source();
    }
    text
}

/// The most characters of one cause shown in an error line.
const MAX_CAUSE_CHARS: usize = 1_000;

/// Print clap's message and choose the exit code: help and version are successes, everything else
/// is a usage error (64), never clap's default 2, which would read as "changes present".
pub fn usage_error(err: &clap::Error) -> std::process::ExitCode {
    let _ = err.print();
    match err.kind() {
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
            Exit::OK.into()
        }
        _ => Exit::USAGE.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        assert!(ColorChoice::Auto.decide(true, false));
        assert!(
            !ColorChoice::Auto.decide(true, true),
            "NO_COLOR wins on a terminal"
        );
        assert!(!ColorChoice::Auto.decide(false, false));
        assert!(
            ColorChoice::Always.decide(false, true),
            "an explicit choice wins"
        );
        assert!(!ColorChoice::Never.decide(true, false));
    }

    #[test]
    fn kinds_are_named_in_kebab_case() {
        assert_eq!(
            super::parse_kind("catalog-item"),
            Ok(crate::model::Kind::CatalogItem)
        );
        assert_eq!(
            super::parse_kind("Addition"),
            Ok(crate::model::Kind::Addition)
        );
        assert!(
            super::parse_kind("widgets")
                .unwrap_err()
                .contains("one of: product-type")
        );
    }
}
