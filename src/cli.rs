//! The command line's grammar: what can be typed ([`Cli`], one `…Args` per command) and the mapping
//! of clap's own failures to [`Exit::USAGE`].
//!
//! Refuses to do any work itself: [`crate::commands`] runs each command from its parsed arguments,
//! and shows its errors to a person.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exit::Exit;

const EXAMPLES: &str = "\
Examples:
  cwrecon validate examples/intermedia          check a folder of YAML files
  cwrecon schema > schemas/cwrecon.schema.json  refresh the JSON Schema for editors
  cwrecon sim --listen 127.0.0.1:8080           serve a ConnectWise-compatible API locally

Exit codes: 0 ok, 1 runtime failure, 2 changes present (plan --detailed-exitcode),
3 blocked by a safety rail, 4 locked by another apply, 5 declined at the prompt, 6 the export
holds what the configuration does not map (import/reconcile --fail-on-unmapped), 64 usage error,
78 invalid configuration.";

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
    pub(crate) fn enabled(self, is_terminal: bool) -> bool {
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
  cwrecon demo                  one vendor: examples/intermedia
  cwrecon demo multi-vendor     three vendors, one billed on customers' shared agreements

Starts a ConnectWise simulator on a loopback port, seeded as a tenant an earlier portal export half
set up, then plans and applies the bundled example and plans again. Needs no account.")]
    Demo(DemoArgs),
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
  cwrecon plan my-config --vendor Pax8               one vendor of several (and what it needs)

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
  cwrecon apply my-config --vendor Pax8              one vendor of several (and what it needs)

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
  cwrecon export --out vendors/ --integration examples/multi-vendor/integrations.yaml \\
    --integration examples/multi-vendor/profiles.yaml

Writes integration.yaml, setup.yaml, products.yaml and companies/<identifier>.yaml, the layout of
examples/intermedia (with several integrations: integrations.yaml, products/<vendor>.yaml and a
`vendors:` entry per company, the layout of examples/multi-vendor); planning the folder right away
shows no changes. Reads ConnectWise with the same credentials as plan (CW_SITE, CW_COMPANY_ID,
CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID); changes nothing there.")]
    Export(ExportArgs),
    /// Write the vendor's billing export (CSV) into the configuration: counts, retail prices, and
    /// with --add-unknown the products and companies it does not have yet.
    #[command(after_help = "\
Examples:
  cwrecon import intermedia billing.csv examples/intermedia --dry-run   show the edits as a diff
  cwrecon import intermedia billing.csv examples/intermedia
  cwrecon import intermedia billing.csv examples/intermedia --add-unknown
  cwrecon import pax8 pax8.csv config/ --fail-on-unmapped     an integration read with a profile

INTEGRATION is the integration's name (any case); its `export` says how the file reads: the
built-in Intermedia format or a profile under `profiles:`. `intermedia` names the integration that
reads the built-in format. Edits the YAML where each value is written and keeps everything else (comments, order, style)
as it is. Never removes anything: items the export no longer lists are reported. Writes nothing
when the export has a problem (each is listed with its line) or the edited configuration would
not validate. Columns are matched by header name, in any order; see docs/import.md.
Exit codes: 0 done (or nothing to do); 2 with --detailed-exitcode, when the export and the
configuration still differ (edits a dry run did not write, items not imported, items the export
does not list); 6 with --fail-on-unmapped, when the export holds accounts or SKUs the
configuration does not map (listed on stderr with their lines; the rest is imported); 78 invalid
configuration or export; 64 usage error or an integration the configuration lacks; 1 a file could
not be written.")]
    Import(ImportArgs),
    /// The billing reconciliation: vendor counts vs the configuration vs live ConnectWise, per
    /// company and item, with the monthly revenue difference.
    #[command(after_help = "\
Examples:
  cwrecon reconcile intermedia billing.csv examples/intermedia
  cwrecon reconcile intermedia billing.csv examples/intermedia --format csv --out recon.csv
  cwrecon reconcile intermedia billing.csv examples/intermedia --format markdown --only-differences
  cwrecon reconcile intermedia billing.csv examples/intermedia --format json --fail-on-unmapped

Reads ConnectWise like plan (same credentials) and changes nothing. The accounts and SKUs the
export has and the configuration does not map are listed on stderr (in the document with json).
Exit codes: 0 done, 2 some line differs (--detailed-exitcode), 6 the export holds what the
configuration does not map (--fail-on-unmapped), 78 invalid configuration or export, 64 usage
error or an integration the configuration lacks, 1 ConnectWise could not be read.")]
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

/// Arguments of `cwrecon demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Which story: one vendor (`intermedia`, the default) or several (`multi-vendor`).
    #[arg(value_enum, default_value_t = DemoScenario::Intermedia)]
    pub scenario: DemoScenario,
}

/// The demo's stories, each on a bundled example folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoScenario {
    /// examples/intermedia: one vendor, a tenant an earlier portal export half set up.
    Intermedia,
    /// examples/multi-vendor: Intermedia and two more vendors, one on customers' shared agreements.
    MultiVendor,
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

/// How a plan is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal.
    Text,
    /// For a pull-request comment.
    Markdown,
    /// Versioned JSON for machines.
    Json,
}

/// Arguments of `cwrecon plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Configuration files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to show the plan.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the plan as JSON, for `cwrecon apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes (0 when it has none).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Only this company (vendor account or ConnectWise identifier); repeatable.
    #[arg(long = "company", value_name = "ACCOUNT_OR_IDENTIFIER")]
    pub companies: Vec<String>,
    /// Only this vendor (an integration's name), with what its objects need; repeatable.
    #[arg(long = "vendor", value_name = "INTEGRATION")]
    pub vendors: Vec<String>,
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
    /// Configuration (a file or folder; repeatable) whose integrations, export profiles and
    /// `connection` to use (Intermedia's conventions and the CW_* variables otherwise).
    #[arg(long, value_name = "PATH")]
    pub integration: Vec<PathBuf>,
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

/// How `import` reports what it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// A summary for a person, each change with its file and line.
    Text,
    /// One JSON document: changes, what was not imported, and the unmapped queue.
    Json,
}

/// Arguments of `cwrecon import`.
#[derive(Debug, clap::Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each is an independent command-line flag, as clap parses it"
)]
pub struct ImportArgs {
    /// The integration whose export it is, by name (case-insensitive); its `export` says how the
    /// file reads. `intermedia` names the integration that reads Intermedia's built-in format.
    #[arg(value_name = "INTEGRATION")]
    pub integration: String,
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
    /// Exit 6 when the export has accounts or SKUs the configuration does not map (listed, with
    /// their lines, on stderr), after doing the rest of the import.
    #[arg(long)]
    pub fail_on_unmapped: bool,
    /// How to report: a summary (`text`) or one JSON document (`json`).
    #[arg(long, value_enum, default_value_t = ImportFormat::Text)]
    pub format: ImportFormat,
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
    /// One JSON document: every line, the totals, and the unmapped queue.
    Json,
}

/// Arguments of `cwrecon reconcile`.
#[derive(Debug, clap::Args)]
pub struct ReconcileArgs {
    /// The integration whose export it is, by name (case-insensitive); its `export` says how the
    /// file reads. `intermedia` names the integration that reads Intermedia's built-in format.
    #[arg(value_name = "INTEGRATION")]
    pub integration: String,
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
    /// Exit 6 when the export has accounts or SKUs the configuration does not map.
    #[arg(long)]
    pub fail_on_unmapped: bool,
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
    /// Only this vendor (an integration's name), with what its objects need; repeatable. Not
    /// with a saved plan.
    #[arg(long = "vendor", value_name = "INTEGRATION")]
    pub vendors: Vec<String>,
    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Apply past the safety rails (mass cancellation, revenue drop).
    #[arg(long)]
    pub allow_destructive: bool,
    /// `text` shows the plan and a summary; `json` prints one JSON event per op.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
