//! `cwrecon apply`: from a configuration (plan, show, confirm) or from a saved plan and the
//! configuration it was made from (check it is still current), then write in order, journal every
//! op, and plan again to prove the result, all under the tenant's apply lock.
//!
//! Owns the sequence, the journal and the exit code of `apply`; each step belongs to its module
//! (`config`, `live`, `plan`, `apply`, `lock`).

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::io::Write as _;
use std::path::PathBuf;

use super::plan::{Format, narrow_companies, narrow_vendors};
use crate::cli::{ApplyArgs, ColorChoice};
use crate::config;
use crate::config::Config;
use crate::error::Error;
use crate::exit::Exit;
use crate::live::{Source, read_snapshot};
use crate::model::Date;
use crate::plan::assemble;
use crate::plan::render::{self, Report};

/// `$work` (a future using `$guarded`: the target, refusing writes once the lock is lost) run
/// holding the tenant's apply lock, which is released on every path. A macro, not a function: the
/// future borrows the guard made here, which a closure's return type cannot say with the `Send`
/// bound the commands' futures need.
macro_rules! under_lock {
    ($target:expr, $options:expr, |$guarded:ident| $work:expr) => {{
        let held = crate::lock::acquire($target, $options).await?;
        let guard = held.guard($target);
        let $guarded = &guard;
        let result = Box::pin(held.hold($target, $work)).await;
        held.release_or_warn($target).await;
        result
    }};
}

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
    if saved.is_some() && !args.vendors.is_empty() {
        return Err(Error::Usage {
            message: "a saved plan is applied whole; --vendor narrows the plan apply makes itself (cwrecon apply CONFIG --vendor …)".to_owned(),
        });
    }
    if saved.is_some() && !args.companies.is_empty() {
        return Err(Error::Usage {
            message: "a saved plan is applied whole; --company narrows the plan apply makes itself (cwrecon apply CONFIG --company …)".to_owned(),
        });
    }
    let mut config = config::load(&config_paths)?;
    config.release_source_texts();
    narrow_companies(&mut config, &args.companies)?;
    narrow_vendors(&mut config, &args.vendors)?;
    let (client, source) = super::connect_reader(&config, (&args).into()).await?;
    let target = crate::apply::ClientTarget::new(client.clone());
    let options = ApplyOptions {
        confirmation: if args.auto_approve {
            Confirmation::Auto
        } else if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            Confirmation::Ask
        } else {
            Confirmation::Impossible
        },
        allow_destructive: args.allow_destructive,
        concurrency: args.concurrency,
        format: args.format,
        color: color.enabled(std::io::stdout().is_terminal()),
        progress: args.format == Format::Text && std::io::stderr().is_terminal(),
        journal: args.journal.unwrap_or_else(default_journal),
        today: super::today()?,
        lock: crate::lock::LockOptions {
            timeout: args.lock_timeout,
            stop_on_interrupt: true,
            ..crate::lock::LockOptions::default()
        },
    };
    let retries = || client.retries();
    under_lock!(&target, &options.lock, |guarded| {
        apply_command(&config, &source, guarded, saved, &options, &retries)
    })
}

/// What `apply` did: the plan it ran, each op's outcome, and the plan read back afterwards.
#[derive(Debug)]
pub struct Applied {
    /// The plan that was applied.
    pub report: Report,
    /// One outcome per op, in plan order.
    pub outcomes: Vec<crate::apply::Outcome>,
    /// The plan made after applying; empty when ConnectWise now matches the configuration.
    pub after: Report,
}

impl Applied {
    /// Whether every op succeeded and nothing is left to do.
    pub fn is_complete(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o, crate::apply::Outcome::Done { .. }))
            && self.after.plan.is_empty()
    }

    /// A summary of what succeeded, failed and was skipped, and why.
    pub fn summary(&self) -> String {
        let mut out = outcome_summary(&self.report, &self.outcomes);
        if self.after.plan.is_empty() {
            let _ = writeln!(out, "Verified: a new plan finds nothing left to change.");
        } else {
            let _ = writeln!(
                out,
                "Not converged: a new plan still finds {}.",
                render::headline(&self.after.plan)
            );
        }
        out
    }
}

/// One op's line in the summary: `  failed  create addition …: reason` (the reason already escaped).
fn op_line(out: &mut String, label: &str, op: &crate::plan::Op, reason: &str) {
    let _ = writeln!(
        out,
        "  {label} {} {}: {reason}",
        op.action.verb(),
        shown(&op.key)
    );
}

/// A key for a line of text: its parts come from outside, so they are escaped.
fn shown(key: &crate::model::Key) -> String {
    crate::output::terminal::text(&key.to_string()).into_owned()
}

/// What succeeded, failed and was skipped, and why (the summary before its verification line).
/// Why the run stopped, when it did, is said once at the end, and each op it kept from starting
/// only points to it.
fn outcome_summary(report: &Report, outcomes: &[crate::apply::Outcome]) -> String {
    use crate::apply::Outcome;
    let mut out = String::new();
    let tally = crate::apply::tally(outcomes);
    let count = |k: &str| tally.get(k).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "Applied: {} done, {} failed, {} skipped (of {} ops)",
        count("done"),
        count("failed"),
        count("skipped"),
        outcomes.len()
    );
    for (op, outcome) in report.plan.ops.iter().zip(outcomes) {
        match outcome {
            Outcome::Done {
                already_existed: true,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "  adopted {}: it already existed (made after the plan), so it was not created again",
                    shown(&op.key)
                );
            }
            Outcome::Done { .. } => {}
            Outcome::Failed { error } => {
                op_line(
                    &mut out,
                    "failed ",
                    op,
                    &crate::output::terminal::text(&error.to_string()),
                );
            }
            Outcome::Stopped { .. } => {
                op_line(&mut out, "skipped", op, "not started (see Stopped, below)");
            }
            Outcome::Skipped { because_of } => {
                let cause = report
                    .plan
                    .ops
                    .get(*because_of)
                    .map_or_else(String::new, |o| shown(&o.key));
                op_line(&mut out, "skipped", op, &format!("waits for {cause}"));
            }
        }
    }
    for reason in stop_reasons(outcomes) {
        let _ = writeln!(out, "Stopped: {}", crate::output::terminal::text(&reason));
    }
    out
}

/// Why the run stopped, each reason once: the halt that kept ops from starting (the apply lock
/// lost, or the first 401 or 403), then any other 401 or 403 whose fix is not said yet (one that was
/// already in flight, or the last op's, with no op left to stop).
fn stop_reasons(outcomes: &[crate::apply::Outcome]) -> Vec<String> {
    use crate::apply::Outcome;
    let mut reasons: Vec<String> = Vec::new();
    for outcome in outcomes {
        if let Outcome::Stopped { reason } = outcome
            && !reasons.contains(reason)
        {
            reasons.push(reason.clone());
        }
    }
    for outcome in outcomes {
        if let Outcome::Failed { error } = outcome
            && let (Some(remedy), Some(reason)) = (error.remedy(), error.stop_reason())
            && !reasons.iter().any(|r| r.contains(&remedy))
        {
            reasons.push(reason);
        }
    }
    reasons
}

/// Why `apply` did not run.
#[derive(Debug, thiserror::Error)]
pub enum ApplyRefused {
    /// The tenant has problems a plan cannot get past.
    #[error("apply: {0} problem(s) in ConnectWise must be fixed first")]
    Findings(usize),
    /// A safety rail blocks the plan.
    #[error("apply: blocked by safety rail(s): {0}")]
    Rails(String),
}

/// Plan, apply, and plan again to prove the result, holding the tenant's apply lock
/// ([`crate::lock`], default options: no waiting) from before the read until after the proof.
pub async fn apply<S: Source, T: crate::apply::Target>(
    config: &Config,
    source: &S,
    target: &T,
    today: Date,
    allow_destructive: bool,
    concurrency: usize,
) -> Result<Result<Applied, ApplyRefused>, Error> {
    under_lock!(
        target,
        &crate::lock::LockOptions::default(),
        |guarded| async {
            let snapshot = Box::pin(read_snapshot(source, config)).await?;
            // Projected once: the plan and the ids apply starts from come from the same projection.
            let live = crate::live::project(config, &snapshot);
            let report = crate::plan::assemble_projected(config, &live, today);
            let blocking = report.findings.iter().filter(|f| f.blocking).count();
            if blocking > 0 {
                return Ok(Err(ApplyRefused::Findings(blocking)));
            }
            if !report.breaches.is_empty() && !allow_destructive {
                let rails: Vec<String> =
                    report.breaches.iter().map(|b| b.message.clone()).collect();
                return Ok(Err(ApplyRefused::Rails(rails.join("; "))));
            }
            let refs = crate::apply::Refs::from_live(&live.state, &snapshot);
            let outcomes = crate::apply::execute(&report.plan, refs, guarded, concurrency).await;
            Ok(Ok(Box::pin(verified(
                config, source, today, report, outcomes,
            ))
            .await?))
        }
    )
}

/// Read the tenant again and plan, to prove what an apply did.
async fn verified<S: Source>(
    config: &Config,
    source: &S,
    today: Date,
    report: Report,
    outcomes: Vec<crate::apply::Outcome>,
) -> Result<Applied, Error> {
    let snapshot = Box::pin(read_snapshot(source, config)).await?;
    let after = assemble(config, &snapshot, today);
    Ok(Applied {
        report,
        outcomes,
        after,
    })
}

/// What `apply` was asked to do, resolved from the command line.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How a fresh plan is confirmed.
    pub confirmation: Confirmation,
    /// Apply past the safety rails.
    pub allow_destructive: bool,
    /// Writes in flight at once within a level.
    pub concurrency: usize,
    /// `text`: the plan and a summary; `json`: one JSON event per op on stdout.
    pub format: Format,
    /// Colour text output.
    pub color: bool,
    /// Show a progress bar on stderr (a terminal, text format).
    pub progress: bool,
    /// The journal file (JSON lines, one per op outcome).
    pub journal: PathBuf,
    /// The day the plan is made.
    pub today: Date,
    /// How the tenant's apply lock is taken (`--lock-timeout`).
    pub lock: crate::lock::LockOptions,
}

/// How `apply` gets the go-ahead for a plan it made itself (a saved plan was reviewed already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// `--auto-approve`: go ahead.
    Auto,
    /// Ask on the terminal.
    Ask,
    /// No terminal and no `--auto-approve`: refuse rather than hang.
    Impossible,
}

/// The default journal path: `.cwrecon/journal-<UTC time>.jsonl`.
pub fn default_journal() -> PathBuf {
    let now = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    PathBuf::from(".cwrecon").join(format!("journal-{stamp}.jsonl"))
}

/// One journal line: an op and what happened to it. Holds no credentials: ops carry none.
#[derive(serde::Serialize)]
struct Event<'a> {
    time: String,
    index: usize,
    key: String,
    action: crate::plan::Action,
    #[serde(flatten)]
    outcome: &'a crate::apply::Outcome,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Ask a person to confirm; anything but `yes` declines.
///
/// The answer is read on a blocking thread: the apply lock's heartbeat runs in this task, and a
/// person who takes longer than the lock's TTL to answer must not let the lock lapse to another
/// apply while the prompt waits.
async fn confirm(count: usize) -> bool {
    use std::io::BufRead as _;
    eprint!("Apply these {count} changes to ConnectWise? Only 'yes' is accepted: ");
    tokio::task::spawn_blocking(|| {
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == "yes"
    })
    .await
    .unwrap_or(false)
}

fn print(text: &str) -> Result<(), Error> {
    Ok(crate::output::write_stdout(text, "apply output")?)
}

/// Keep of each op only what the apply's summary reads (its key, action and dependencies): the
/// values it changed are journaled already, and a first apply's ops hold most of its memory.
fn forget_values(plan: &mut crate::plan::Plan) {
    for op in &mut plan.ops {
        op.changes = Vec::new();
        op.create_only = std::collections::BTreeMap::new();
        op.assumed = crate::plan::Assumed::default();
    }
}

/// `cwrecon apply`: from a configuration (plan, show, confirm) or from a saved plan (check it is
/// still current), then write in order, journal every op, and plan again to prove the result.
/// [`run`] holds the tenant's apply lock around all of it, released on every path (a declined
/// prompt, an error).
async fn apply_command<S: Source, T: crate::apply::Target>(
    config: &Config,
    source: &S,
    target: &T,
    saved: Option<render::JsonPlan>,
    options: &ApplyOptions,
    retries: &(dyn Fn() -> u64 + Sync),
) -> Result<Exit, Error> {
    let snapshot = Box::pin(read_snapshot(source, config)).await?;
    let live = crate::live::project(config, &snapshot);
    // Saved or not, the plan applied is the one made now from the configuration and the tenant,
    // with its own findings and rails; a saved plan only has to agree with it exactly. Projected
    // once: the plan and the ids apply starts from come from the same projection.
    let report = crate::plan::assemble_projected(config, &live, options.today);
    let reviewed = saved.is_some();
    if let Some(saved) = &saved {
        refuse_unless_saved_matches(saved, &report, &live.state)?;
        if options.format == Format::Text {
            print(&format!(
                "The saved plan matches a plan made now from the configuration and ConnectWise: {}.\n",
                render::headline(&report.plan)
            ))?;
        }
    } else if options.format == Format::Text {
        let shown = render::text(&report, options.color);
        if options.color {
            crate::output::write_stdout_styled(&shown, "apply output")?;
        } else {
            print(&shown)?;
        }
    }
    if report.is_blocked_by_findings() {
        return Err(Error::Preflight {
            count: report.findings.iter().filter(|f| f.blocking).count(),
        });
    }
    if !report.breaches.is_empty() && !options.allow_destructive {
        if reviewed {
            for breach in &report.breaches {
                print(&format!(
                    "BLOCKED by safety rail {}: {}\n",
                    breach.rail,
                    crate::output::terminal::text(&breach.message)
                ))?;
            }
        }
        print(
            "Blocked by a safety rail; nothing was applied. Review the plan, then pass --allow-destructive if it is intended.\n",
        )?;
        return Ok(Exit::BLOCKED);
    }
    if report.plan.is_empty() {
        return Ok(Exit::OK);
    }
    if !reviewed {
        match options.confirmation {
            Confirmation::Auto => {}
            Confirmation::Impossible => {
                return Err(Error::Usage {
                    message: "apply needs confirmation, and there is no terminal to ask on; pass --auto-approve (or apply a reviewed saved plan)".to_owned(),
                });
            }
            Confirmation::Ask => {
                if !confirm(report.plan.ops.len()).await {
                    print("Not applied: only 'yes' applies. Nothing was written.\n")?;
                    return Ok(Exit::DECLINED);
                }
            }
        }
    }
    let mut plan = report.plan;
    let (outcomes, journal) =
        run_journaled(&plan, &live.state, &snapshot, target, options, retries).await?;
    // The verification reads and plans the whole tenant again: what the apply read is freed
    // first rather than held through the second read.
    drop((snapshot, live));
    forget_values(&mut plan);
    let report = Report {
        plan,
        ..Report::default()
    };
    // Kept for when the verification cannot run (the command's deadline): what was done is still
    // reported.
    let unverified = outcome_summary(&report, &outcomes);
    let applied = match Box::pin(verified(config, source, options.today, report, outcomes)).await {
        Ok(applied) => applied,
        Err(err) => {
            if options.format == Format::Text {
                print(&unverified)?;
                print("Not verified: ConnectWise could not be read again after applying.\n")?;
            }
            journal.report(&options.journal);
            return Err(err);
        }
    };
    if options.format == Format::Text {
        print(&applied.summary())?;
        print(&format!(
            "Journal: {} (one line per op and its outcome)\n",
            crate::output::terminal::text(&options.journal.display().to_string())
        ))?;
    }
    // A journal that lost events fails the command, after the apply has run its course.
    if let Some(source) = journal.report(&options.journal) {
        return Err(Error::WriteFile {
            path: options.journal.clone(),
            source,
        });
    }
    Ok(if applied.is_complete() {
        Exit::OK
    } else {
        Exit::FAILURE
    })
}

/// Refuse a saved plan unless its ops are exactly the ones a plan made now gives: first naming what
/// changed in the tenant since it was made (stale), else what differs in the file (edited, or made
/// from other configuration or on another day). Prints the reasons; nothing has been written.
fn refuse_unless_saved_matches(
    saved: &render::JsonPlan,
    now: &Report,
    live: &crate::model::State,
) -> Result<(), Error> {
    const SHOWN: usize = 20;
    let stale = crate::plan::saved::stale_ops(&saved.ops, live);
    if !stale.is_empty() {
        let mut text = String::from(
            "The saved plan is stale; it was not applied. Changed since it was made:\n",
        );
        for s in stale.iter().take(SHOWN) {
            let _ = writeln!(
                text,
                "  {}: {}",
                crate::output::terminal::text(&s.key.to_string()),
                crate::output::terminal::text(&s.reason)
            );
        }
        if stale.len() > SHOWN {
            let _ = writeln!(text, "  … and {} more", stale.len() - SHOWN);
        }
        text.push_str("Plan again and review the new plan.\n");
        print(&text)?;
        return Err(Error::StalePlan { count: stale.len() });
    }
    let differences = crate::plan::saved::differences(&saved.ops, &now.plan.ops, SHOWN);
    if differences.is_empty() {
        return Ok(());
    }
    let mut text = String::from(
        "The saved plan does not match a plan made now from its configuration and ConnectWise; it was not applied.\n",
    );
    for line in &differences {
        let _ = writeln!(text, "  {}", crate::output::terminal::text(line));
    }
    text.push_str(
        "A saved plan is applied only as it was made. If the file was edited, or made on another day, plan again and review the new plan.\n",
    );
    print(&text)?;
    Err(Error::SavedPlanMismatch {
        count: differences.len(),
    })
}

/// Journal lines that could not be written, and the first reason.
#[derive(Debug, Default)]
struct JournalLoss {
    /// `#index action key` of each lost event, in the order they happened.
    lost: Vec<String>,
    first_error: Option<std::io::Error>,
}

impl JournalLoss {
    /// Say on stderr which events the journal at `path` is missing; the first error, if any.
    fn report(self, path: &std::path::Path) -> Option<std::io::Error> {
        let error = self.first_error?;
        crate::output::notice(&format!(
            "The journal {} is missing {} event(s) ({error}); the apply itself went on. Not journaled:",
            path.display(),
            self.lost.len()
        ));
        for event in &self.lost {
            crate::output::notice(&format!("  {event}"));
        }
        Some(error)
    }
}

async fn run_journaled<T: crate::apply::Target>(
    plan: &crate::plan::Plan,
    live: &crate::model::State,
    snapshot: &crate::live::Snapshot,
    target: &T,
    options: &ApplyOptions,
    retries: &(dyn Fn() -> u64 + Sync),
) -> Result<(Vec<crate::apply::Outcome>, JournalLoss), Error> {
    let write_err = |source| Error::WriteFile {
        path: options.journal.clone(),
        source,
    };
    if let Some(dir) = options
        .journal
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        // The journal's own folder is refused as a link too (a repository could commit
        // `.cwrecon` as one, pointing the journal anywhere the runner can write).
        crate::files::create_dir(dir).map_err(write_err)?;
    }
    let journal = std::sync::Mutex::new(crate::files::append(&options.journal).map_err(write_err)?);
    let loss = std::sync::Mutex::new(JournalLoss::default());
    let json_events = options.format == Format::Json;
    let bar = if options.progress {
        let bar = indicatif::ProgressBar::new(plan.ops.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} ops  {msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let record = |index: usize, outcome: &crate::apply::Outcome| {
        let op = &plan.ops[index];
        bar.inc(1);
        bar.set_message(format!(
            "{} {} ({} retries)",
            op.action.verb(),
            op.kind(),
            retries()
        ));
        let event = Event {
            time: now(),
            index,
            key: op.key.to_string(),
            action: op.action,
            outcome,
        };
        if let Ok(line) = serde_json::to_string(&event) {
            // A journal write failure must not stop the apply; it is reported when it ends.
            let written = journal
                .lock()
                .map_err(|_| std::io::Error::other("the journal's lock was poisoned"))
                .and_then(|mut file| writeln!(file, "{line}"));
            if let Err(err) = written {
                let mut loss = loss
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                loss.lost
                    .push(format!("#{index} {} {}", op.action.verb(), shown(&op.key)));
                loss.first_error.get_or_insert(err);
            }
            if json_events {
                let _ = print(&format!("{line}\n"));
            }
        }
    };
    let refs = crate::apply::Refs::from_live(live, snapshot);
    let outcomes =
        crate::apply::execute_with(plan, refs, target, options.concurrency, &record).await;
    bar.finish_and_clear();
    let loss = loss
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok((outcomes, loss))
}

#[cfg(test)]
mod tests {
    //! The apply summary's rendering of failures: each said once.
    use super::*;
    use crate::apply::{ApplyError, Outcome, Right};
    use crate::model::Kind;

    const YAML: &str = "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n  - { sku: A1R, unit_cost: 1, description: a }\ncompanies:\n  - account: '1'\n    identifier: One\n    contact: { first_name: A, last_name: B }\n    create: { name: One, address: { country: United States } }\n    agreement: { name: X, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }] }\n  - account: '2'\n    identifier: Two\n    contact: { first_name: C, last_name: D }\n    create: { name: Two, address: { country: United States } }\n    agreement: { name: Y, start_date: 2026-01-01, additions: [{ product: A1R_1, quantity: 1 }] }\n";

    fn report() -> Report {
        let config = crate::config::load_texts([("t.yaml", YAML)]).unwrap();
        assemble(
            &config,
            &crate::live::Snapshot::default(),
            Date::parse("2026-11-25").unwrap(),
        )
    }

    fn forbidden(path: &str) -> ApplyError {
        ApplyError::Forbidden {
            call: format!("create agreements (POST {path})"),
            right: Right::for_request(&reqwest::Method::POST, path),
            detail: format!("create agreements (POST {path}): 403 Forbidden"),
        }
    }

    /// The positions of the plan's agreement ops, in plan order.
    fn agreement_ops(report: &Report) -> Vec<usize> {
        (0..report.plan.ops.len())
            .filter(|&i| report.plan.ops[i].kind() == Kind::Agreement)
            .collect()
    }

    fn done(id: Option<i64>) -> Outcome {
        Outcome::Done {
            id,
            recovered: false,
            already_existed: false,
        }
    }

    /// The right to grant is named once in `summary`, however many ops it refused.
    fn assert_right_named_once(summary: &str) {
        assert_eq!(
            summary.matches("Finance › Agreements (Add: All)").count(),
            1,
            "{summary}"
        );
    }

    /// Every op done, but the first agreement refused 403 and every op after it not started.
    fn stopped_at_first_agreement(report: &Report) -> Vec<Outcome> {
        let error = forbidden("/finance/agreements");
        let reason = error.stop_reason().unwrap();
        let first = agreement_ops(report)[0];
        (0..report.plan.ops.len())
            .map(|i| match i.cmp(&first) {
                std::cmp::Ordering::Less => done(Some(1)),
                std::cmp::Ordering::Equal => Outcome::Failed {
                    error: error.clone(),
                },
                std::cmp::Ordering::Greater => Outcome::Stopped {
                    reason: reason.clone(),
                },
            })
            .collect()
    }

    #[test]
    fn a_stop_is_said_once_and_each_op_not_started_points_to_it() {
        let report = report();
        let outcomes = stopped_at_first_agreement(&report);
        let not_started = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Stopped { .. }))
            .count();
        assert!(not_started >= 2, "{outcomes:#?}");
        let summary = outcome_summary(&report, &outcomes);
        assert_right_named_once(&summary);
        assert_eq!(summary.matches("Stopped: ").count(), 1, "{summary}");
        assert_eq!(
            summary
                .matches(": not started (see Stopped, below)")
                .count(),
            not_started,
            "{summary}"
        );
        assert!(
            summary.ends_with("To fix: give the API member's security role Finance › Agreements (Add: All) (System › Security Roles), then apply again\n"),
            "{summary}"
        );
    }

    #[test]
    fn a_403_in_flight_beside_the_first_is_not_said_again_and_a_last_one_is_said() {
        let report = report();
        let mut outcomes = stopped_at_first_agreement(&report);
        // The other agreement was in flight and refused too: the same right, not named again.
        let second = *agreement_ops(&report).last().unwrap();
        outcomes[second] = Outcome::Failed {
            error: forbidden("/finance/agreements"),
        };
        assert_right_named_once(&outcome_summary(&report, &outcomes));
        // The refused op was the last: nothing was left to stop, and the right is still named.
        let only_failure: Vec<Outcome> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Stopped { .. } => done(None),
                other => other.clone(),
            })
            .collect();
        assert_right_named_once(&outcome_summary(&report, &only_failure));
    }

    #[test]
    fn a_refusal_with_field_errors_shows_each_once_escaped() {
        let report = report();
        let mut outcomes: Vec<Outcome> = report.plan.ops.iter().map(|_| done(None)).collect();
        outcomes[0] = Outcome::Failed {
            error: ApplyError::Refused {
                status: 400,
                field_errors: Vec::new(),
                detail: "create x (POST /x): 400 Bad Request InvalidObject: bad; name: ObjectExists \u{1b}[2JTaken.".into(),
            },
        };
        let summary = outcome_summary(&report, &outcomes);
        assert_eq!(summary.matches("ObjectExists").count(), 1, "{summary}");
        assert!(
            summary.contains("ObjectExists \\u{1b}[2JTaken."),
            "{summary}"
        );
        assert!(!summary.contains("Stopped"), "{summary}");
    }
}
