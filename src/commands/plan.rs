//! `cwrecon plan`: load, read, plan, show, save, decide the exit.
//!
//! Owns the sequence and the exit code of `plan`; each step belongs to its module (`config`,
//! `live`, `plan`). Refuses to write a saved plan that could not be applied (blocking findings or a
//! tripped safety rail), so `apply plan.json` only ever sees a plan someone could approve.

use std::io::IsTerminal as _;
use std::path::PathBuf;

pub use crate::cli::Format;
use crate::cli::{ColorChoice, PlanArgs};
use crate::config;
use crate::config::Config;
use crate::error::Error;
use crate::exit::Exit;
use crate::live::{Source, read_snapshot};
use crate::model::{Date, Kind, fold_name};
use crate::plan::keep_kinds;
use crate::plan::render::{self, Report};

/// The command, from its parsed arguments.
pub(super) async fn run(args: PlanArgs, color: ColorChoice) -> Result<Exit, Error> {
    let mut config = config::load(&args.paths)?;
    config.release_source_texts();
    narrow_companies(&mut config, &args.companies)?;
    narrow_vendors(&mut config, &args.vendors)?;
    let (client, source) = super::connect_reader(&config, (&args).into()).await?;
    // A saved plan records its configuration, so `apply plan.json` can refuse changed files.
    // A narrowed plan records none: applying it would skip what was narrowed away unseen.
    let config_source = if args.out.is_some()
        && args.companies.is_empty()
        && args.vendors.is_empty()
        && args.kinds.is_empty()
    {
        Some(crate::plan::render::ConfigSource {
            paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
            digest: config::digest(&args.paths)?,
        })
    } else {
        None
    };
    let options = PlanOptions {
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
    Box::pin(plan(&config, &source, || client.request_counts(), &options)).await
}

/// What `plan` was asked to do, resolved from the command line.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Output format.
    pub format: Format,
    /// Colour text output.
    pub color: bool,
    /// Save the plan (JSON) here.
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes.
    pub detailed_exitcode: bool,
    /// Only these kinds (and what they depend on).
    pub kinds: Vec<Kind>,
    /// Plan past the safety rails.
    pub allow_destructive: bool,
    /// The day the plan is made.
    pub today: Date,
    /// Recorded in a saved plan: the configuration it was made from.
    pub config_source: Option<render::ConfigSource>,
}

/// Keep only the companies named by account or identifier; an unknown name is an error.
pub fn narrow_companies(config: &mut Config, names: &[String]) -> Result<(), Error> {
    if names.is_empty() {
        return Ok(());
    }
    let matches = |c: &crate::config::model::Company, name: &str| {
        config
            .vendors_of(c)
            .iter()
            .any(|v| crate::model::AccountId::new(v.account).is(name))
            || fold_name(&c.identifier) == fold_name(name)
    };
    for name in names {
        if !config.companies.iter().any(|c| matches(&c.item, name)) {
            return Err(Error::Usage {
                message: format!(
                    "--company {name} names no company in the configuration (give an account or an identifier)"
                ),
            });
        }
    }
    let keep: Vec<bool> = config
        .companies
        .iter()
        .map(|c| names.iter().any(|n| matches(&c.item, n)))
        .collect();
    let mut keep = keep.into_iter();
    config.companies.retain(|_| keep.next().unwrap_or(false));
    Ok(())
}

/// Keep only what the named vendors (integrations) need: their products, the companies that buy
/// from them (with only their entries), and the setup rows that are not another vendor's alone.
/// Every integration stays declared, so ownership and keys are as in the whole plan. An unknown
/// name is an error listing the known ones.
pub fn narrow_vendors(config: &mut Config, names: &[String]) -> Result<(), Error> {
    if names.is_empty() {
        return Ok(());
    }
    let mut keep = Vec::new();
    for name in names {
        let Some(id) = config.integration_named(name) else {
            let known: Vec<String> = config
                .integrations
                .iter()
                .map(|i| i.item.name.value.clone())
                .collect();
            return Err(Error::Usage {
                message: format!(
                    "--vendor {name} names no integration; the configuration's are: {}",
                    known.join(", ")
                ),
            });
        };
        keep.push(id);
    }
    if !config.is_multi_vendor() {
        return Ok(());
    }
    let kept = |id: Option<crate::model::IntegrationId>| id.is_some_and(|id| keep.contains(&id));
    let products = std::mem::take(&mut config.products);
    config.products = products
        .into_iter()
        .filter(|p| kept(config.product_integration(&p.item)))
        .collect();
    let companies = std::mem::take(&mut config.companies);
    config.companies = companies
        .into_iter()
        .filter_map(|mut c| {
            let vendors = std::mem::take(&mut c.item.value.vendors);
            c.item.value.vendors = vendors
                .into_iter()
                .filter(|(name, _)| kept(config.integration_named(name)))
                .collect();
            (!c.item.vendors.is_empty()).then_some(c)
        })
        .collect();
    drop_other_vendors_setup(config, &keep);
    Ok(())
}

/// Setup rows that mark only integrations not kept (their product type, agreement type,
/// category, sub-category, solution and its Managed Devices Integrations) are left out.
fn drop_other_vendors_setup(config: &mut Config, keep: &[crate::model::IntegrationId]) {
    let mut ours: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut theirs: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (id, i) in config.integration_ids() {
        let marks = [
            format!("type:{}", fold_name(&i.product_type)),
            format!("agreement:{}", fold_name(&i.agreement_type)),
            format!("category:{}", fold_name(&i.category)),
            format!(
                "sub:{}/{}",
                fold_name(&i.category),
                fold_name(&i.subcategory)
            ),
            format!("solution:{}", fold_name(&i.name)),
        ];
        let set = if keep.contains(&id) {
            &mut ours
        } else {
            &mut theirs
        };
        set.extend(marks);
    }
    let other = |mark: String| theirs.contains(&mark) && !ours.contains(&mark);
    let setup = &mut config.setup;
    // Each list keeps the rows whose mark (`kind:name`) is not another vendor's alone.
    macro_rules! keep {
        ($($list:ident: $kind:literal => |$r:ident| $name:expr;)*) => {$(
            setup.$list.retain(|$r| !other(format!("{}:{}", $kind, $name)));
        )*};
    }
    keep! {
        product_types: "type" => |r| fold_name(&r.item.name);
        agreement_types: "agreement" => |r| fold_name(&r.item.name);
        categories: "category" => |r| fold_name(&r.item.name);
        subcategories: "sub" => |r| format!("{}/{}", fold_name(&r.item.category), fold_name(&r.item.name));
        management_it_solutions: "solution" => |r| fold_name(&r.item.name);
        managed_devices_integrations: "solution" => |r| fold_name(&r.item.solution);
    }
}

/// Read the tenant through `source`, plan, show and save; say how to exit.
pub async fn plan<S: Source>(
    config: &Config,
    source: &S,
    requests: impl Fn() -> std::collections::BTreeMap<String, u64>,
    options: &PlanOptions,
) -> Result<Exit, Error> {
    // The snapshot is dropped once projected: the diff works on the projection alone, and the
    // plan's peak memory is the larger of the two, not their sum (issue 13).
    let live = {
        let snapshot = Box::pin(read_snapshot(source, config)).await?;
        crate::live::project(config, &snapshot)
    };
    let mut report = crate::plan::assemble_projected(config, &live, options.today);
    drop(live);
    keep_kinds(&mut report.plan, &options.kinds);
    report.requests = requests();
    report.config.clone_from(&options.config_source);
    tracing::info!(
        requests = report.requests.values().sum::<u64>(),
        "read the live tenant"
    );
    for (kind, count) in &report.requests {
        tracing::info!("  {kind}: {count} request(s)");
    }
    show(&report, options)?;
    let exit = decide(&report, options);
    if (exit == Exit::OK || exit == Exit::CHANGES)
        && let Some(path) = &options.out
    {
        crate::files::replace(path, render::json(&report).as_bytes()).map_err(|source| {
            Error::WriteFile {
                path: path.clone(),
                source,
            }
        })?;
    }
    if report.is_blocked_by_findings() {
        return Err(Error::Preflight {
            count: report.findings.iter().filter(|f| f.blocking).count(),
        });
    }
    Ok(exit)
}

fn show(report: &Report, options: &PlanOptions) -> Result<(), Error> {
    let text = match options.format {
        Format::Text if options.color => {
            return Ok(crate::output::write_stdout_styled(
                &render::text(report, true),
                "the plan",
            )?);
        }
        Format::Text => render::text(report, false),
        Format::Markdown => render::markdown(report),
        Format::Json => render::json(report),
    };
    Ok(crate::output::write_stdout(&text, "the plan")?)
}

fn decide(report: &Report, options: &PlanOptions) -> Exit {
    if report.is_blocked_by_findings() {
        Exit::FAILURE
    } else if !report.breaches.is_empty() && !options.allow_destructive {
        Exit::BLOCKED
    } else if options.detailed_exitcode && !report.plan.is_empty() {
        Exit::CHANGES
    } else {
        Exit::OK
    }
}
