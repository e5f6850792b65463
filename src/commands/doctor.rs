//! `cwrecon doctor`: what a first apply needs, checked read-only, each miss with its fix.
//!
//! Owns the checklist: the site answers and says its version; the credentials and `clientId` are
//! accepted; the API member can read every kind cwrecon manages; the MSP endpoints (Management IT,
//! Managed Devices) exist; and, given a configuration, the setup rows it references but does not
//! create are in the tenant. Refuses to write anything: whether the member may *write* each kind
//! cannot be probed without changing data, so doctor says so instead of guessing.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::cli::ReadLimits;
use crate::config;
use crate::config::Config;
use crate::connectwise::{Client, Error as CwError, ListParams};
use crate::error::Error;
use crate::exit::Exit;

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// How it came out.
    pub status: Status,
}

/// How a check came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It passed.
    Ok,
    /// It failed: what is wrong and how to fix it.
    Failed(String),
    /// It was not checked (it cannot be, read-only): never reported as passed.
    NotChecked,
}

impl Status {
    /// Passed when there is no problem.
    fn from_problem(problem: Option<String>) -> Status {
        problem.map_or(Status::Ok, Status::Failed)
    }
}

fn fix_for(kind: &str, err: &CwError) -> String {
    match err.status().map(|s| s.as_u16()) {
        Some(401) => format!(
            "{err}; check CW_COMPANY_ID, CW_PUBLIC_KEY and CW_PRIVATE_KEY (an API member's keys)"
        ),
        Some(403) => format!(
            "{err}; check CW_CLIENT_ID, and that the API member's security role can read {kind}"
        ),
        Some(404) if kind.starts_with("manage") => {
            format!(
                "{err}; this tenant lacks ConnectWise's MSP features (Management IT / Managed Devices), without which companies have no Manage ID tab"
            )
        }
        _ => err.to_string(),
    }
}

/// Run every check.
pub async fn checks(
    client: &Client,
    config: Option<&Config>,
    today: crate::model::Date,
) -> Vec<Check> {
    let mut checks = Vec::new();
    match client.system_info().await {
        Ok(info) => checks.push(Check {
            name: format!(
                "site answers ({})",
                info.version.as_deref().unwrap_or("version not reported")
            ),
            status: Status::Ok,
        }),
        Err(err) => {
            checks.push(Check {
                name: "site answers".to_owned(),
                status: Status::Failed(format!("{err}; {}", crate::connectwise::WRONG_SITE_HINT)),
            });
            return checks;
        }
    }
    // Every top-level kind cwrecon reads, from the tables the reader uses.
    for table in crate::live::records::READ_TABLES {
        let kind = table.kind;
        let params = ListParams::new().fields(["id"]).page_size(1);
        let result = table
            .endpoint::<serde_json::Value>(client)
            .list_page(&params, 1)
            .await;
        let refused = result
            .as_ref()
            .err()
            .is_some_and(|e| matches!(e.status().map(|s| s.as_u16()), Some(401)));
        checks.push(Check {
            name: format!("read {kind}"),
            status: Status::from_problem(result.err().map(|e| fix_for(kind, &e))),
        });
        if refused {
            // Bad credentials fail every read the same way: one report is enough.
            return checks;
        }
    }
    checks.push(apply_lock(client).await);
    if let Some(config) = config {
        checks.extend(setup_references(client, config, today).await);
    }
    checks.push(Check {
        name: "write access: not checked (probing it would change data); the first apply stops at the first refused write (401/403) and names the right to grant".to_owned(),
        status: Status::NotChecked,
    });
    checks
}

/// Whether an apply holds the tenant's lock: information, not a failure (an apply may be running).
async fn apply_lock(client: &Client) -> Check {
    let target = crate::apply::ClientTarget::new(client.clone());
    let now = time::OffsetDateTime::now_utc();
    match crate::lock::current(&target).await {
        Ok(records) if records.is_empty() => Check {
            name: "apply lock: free".to_owned(),
            status: Status::Ok,
        },
        Ok(records) => Check {
            name: records
                .iter()
                .map(|r| {
                    if r.is_expired(now) {
                        format!("apply lock: lapsed ({r}); the next apply takes it over")
                    } else {
                        format!("apply lock: {r}; an apply is running, or break a dead one: cwrecon unlock {}", r.lock_id)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n      "),
            status: Status::Ok,
        },
        Err(err) => Check {
            name: "apply lock".to_owned(),
            status: Status::Failed(err.to_string()),
        },
    }
}

/// The setup rows the configuration references but does not declare must exist in the tenant.
async fn setup_references(
    client: &Client,
    config: &Config,
    today: crate::model::Date,
) -> Vec<Check> {
    let source = crate::live::ClientSource::new(client.clone(), 4);
    match Box::pin(crate::live::read_snapshot(&source, config)).await {
        Ok(snapshot) => {
            let report = crate::plan::assemble(config, &snapshot, today);
            let missing: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.blocking)
                .map(|f| {
                    // Findings quote the tenant: each stays on its own line of the checklist.
                    format!(
                        "{} (fix: {})",
                        crate::output::terminal::text(&f.message),
                        crate::output::terminal::text(&f.fix)
                    )
                })
                .collect();
            vec![Check {
                name: "setup rows and companies the configuration relies on".to_owned(),
                status: Status::from_problem((!missing.is_empty()).then(|| missing.join("\n    "))),
            }]
        }
        Err(err) => vec![Check {
            name: "read the tenant for the configuration".to_owned(),
            status: Status::Failed(err.to_string()),
        }],
    }
}

/// Print the checklist; exit 0 when everything passed.
pub fn report(checks: &[Check]) -> Result<Exit, Error> {
    let mut out = String::new();
    for check in checks {
        match &check.status {
            Status::Ok => {
                let _ = writeln!(out, "ok    {}", check.name);
            }
            Status::NotChecked => {
                let _ = writeln!(out, "--    {}", check.name);
            }
            Status::Failed(problem) => {
                let _ = writeln!(out, "FAIL  {}\n    {problem}", check.name);
            }
        }
    }
    let count = |f: fn(&Status) -> bool| checks.iter().filter(|c| f(&c.status)).count();
    let failed = count(|s| matches!(s, Status::Failed(_)));
    let not_checked = count(|s| matches!(s, Status::NotChecked));
    let _ = writeln!(
        out,
        "{} checks, {failed} failed, {not_checked} not checked",
        checks.len()
    );
    crate::output::write_stdout(&out, "the checklist")?;
    Ok(if failed == 0 { Exit::OK } else { Exit::FAILURE })
}

/// The command, from its parsed arguments.
pub(super) async fn run(paths: Vec<PathBuf>, limits: &ReadLimits) -> Result<Exit, Error> {
    let config = if paths.is_empty() {
        config::load_texts([("(defaults)", "")])?
    } else {
        config::load(&paths)?
    };
    let client = super::connect(&config, super::Pace::gentle(4, limits)).await?;
    let given = (!paths.is_empty()).then_some(&config);
    let checks = Box::pin(checks(&client, given, super::today()?)).await;
    report(&checks)
}
