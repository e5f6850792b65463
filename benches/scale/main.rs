//! `cargo bench --bench scale`: plan and apply at the scale of a large MSP against the simulator
//! with ConnectWise's latency and throttling point (issue 7; method in `BENCHMARKS.md`).
//!
//! For each size it starts an in-process simulator, writes the configuration, and runs the
//! release `cwrecon` binary under `/usr/bin/time` for the first apply, the plan and a 5% drift
//! apply, reading requests and statuses from the simulator's log. Diff + render CPU is measured
//! in-process on this thread (`/proc/thread-self/schedstat`), and the naive per-object baseline
//! runs with the same client and simulator settings. Results go to `<out>/results.json` and
//! `<out>/results.md` after every size. Timings are measured, never asserted.

mod bounds;
mod measure;
mod naive;
mod report;
mod tenant;

use std::path::PathBuf;

use clap::Parser;
use cwrecon::connectwise::{BaseUrl, Client, ClientConfig};
use cwrecon::live::ClientSource;
use cwrecon::model::Date;
use cwrecon::sim::{self, Credentials, Faults, Store};
use serde_json::{Value as Json, json};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Plan and apply benchmarks at 100, 1,000 and 5,000 managed companies.
#[derive(Debug, Parser)]
#[command(name = "scale")]
struct Args {
    /// Managed companies per run, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [100, 1_000, 5_000])]
    sizes: Vec<usize>,
    /// Simulated latency per request, in milliseconds.
    #[arg(long, default_value_t = 40)]
    latency_ms: u64,
    /// The simulator's rate limit (ConnectWise's throttling point), requests per minute.
    #[arg(long, default_value_t = 1_000)]
    rate_limit: u32,
    /// cwrecon's `--requests-per-minute` (default: the simulator's rate limit).
    #[arg(long)]
    client_rpm: Option<u32>,
    /// cwrecon's `--concurrency`.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Catalog items.
    #[arg(long, default_value_t = 300)]
    catalog: usize,
    /// Additions per company.
    #[arg(long, default_value_t = 10)]
    additions: usize,
    /// Largest size whose first apply is measured at the rate limit; larger tenants are built by
    /// an unthrottled first apply (no latency, no limit), reported as such.
    #[arg(long, default_value_t = 1_000)]
    first_apply_max: usize,
    /// The drift changes every N-th addition's quantity (20 = 5%).
    #[arg(long, default_value_t = 20)]
    drift_every: usize,
    /// Skip the naive per-object baseline.
    #[arg(long)]
    no_naive: bool,
    /// Largest size the naive baseline runs at.
    #[arg(long, default_value_t = usize::MAX)]
    naive_max: usize,
    /// Skip the measured applies (the tenant is still built, unthrottled).
    #[arg(long)]
    no_apply: bool,
    /// Plans per size (the median is reported, with every wall time and the minimum).
    #[arg(long, default_value_t = 3)]
    plan_repeats: usize,
    /// Repetitions of the in-process diff + render measurement (the minimum is kept).
    #[arg(long, default_value_t = 3)]
    cpu_repeats: usize,
    /// Where configurations, logs and results go.
    #[arg(long, default_value = "target/bench-scale")]
    out: PathBuf,
    /// Print one table of the sizes in these `results.json` files (comma-separated) and exit.
    #[arg(long, value_delimiter = ',', value_name = "JSON")]
    merge: Vec<PathBuf>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

impl Args {
    fn client_rpm(&self) -> u32 {
        self.client_rpm.unwrap_or(self.rate_limit)
    }

    fn measured_faults(&self) -> Faults {
        Faults {
            latency_ms: self.latency_ms,
            rate_limit_per_minute: self.rate_limit,
            ..Faults::default()
        }
    }
}

const TODAY: &str = "2026-11-25";

fn main() -> Result<(), Error> {
    let args = Args::parse();
    if !args.merge.is_empty() {
        let mut sizes = Vec::new();
        let mut settings = Json::Null;
        for path in &args.merge {
            let doc: Json = serde_json::from_str(&std::fs::read_to_string(path)?)?;
            settings = doc["settings"].clone();
            sizes.extend(doc["sizes"].as_array().cloned().unwrap_or_default());
        }
        println!(
            "{}",
            report::markdown(&json!({ "settings": settings, "sizes": sizes }))
        );
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    std::fs::create_dir_all(&args.out)?;
    let mut results: Vec<Json> = Vec::new();
    let machine = measure::machine();
    for &size in &args.sizes {
        eprintln!("== {size} companies");
        let result = run_size(&runtime, &args, size)?;
        results.push(result);
        let doc = json!({
            "machine": machine,
            "settings": {
                "latencyMs": args.latency_ms, "rateLimit": args.rate_limit,
                "clientRpm": args.client_rpm(), "concurrency": args.concurrency,
                "catalog": args.catalog, "additions": args.additions,
                "driftEvery": args.drift_every, "firstApplyMax": args.first_apply_max,
            },
            "command": std::env::args().collect::<Vec<_>>().join(" "),
            "sizes": results,
        });
        std::fs::write(
            args.out.join("results.json"),
            serde_json::to_string_pretty(&doc)?,
        )?;
        let table = report::markdown(&doc);
        std::fs::write(args.out.join("results.md"), &table)?;
        println!("{table}");
    }
    Ok(())
}

/// Everything measured at one size.
fn run_size(runtime: &tokio::runtime::Runtime, args: &Args, size: usize) -> Result<Json, Error> {
    let dir = args.out.join(size.to_string());
    std::fs::create_dir_all(&dir)?;
    let shape = tenant::Shape {
        companies: size,
        catalog: args.catalog,
        additions: args.additions,
    };
    let config_path = dir.join("config.yaml");
    let drift_path = dir.join("drift.yaml");
    let config_text = tenant::yaml(shape, 0);
    let drift_text = tenant::yaml(shape, args.drift_every);
    std::fs::write(&config_path, &config_text)?;
    std::fs::write(&drift_path, &drift_text)?;

    let store = Store::with_credentials(Credentials::defaults());
    let running = runtime.block_on(sim::start(store.clone(), "127.0.0.1:0".parse()?))?;
    let run = measure::Runner::new(env!("CARGO_BIN_EXE_cwrecon"), &running.api_url(), TODAY);
    let rpm = args.client_rpm();
    let mut out = json!({ "companies": size, "additions": size * args.additions });

    // 1. The first apply: measured at the rate limit, or an unthrottled build of the tenant.
    let measured = !args.no_apply && size <= args.first_apply_max;
    let (faults, first_rpm) = if measured {
        (args.measured_faults(), rpm)
    } else {
        (Faults::default(), 0)
    };
    store.set_faults(faults);
    eprintln!(
        "   first apply ({})",
        if measured {
            "measured"
        } else {
            "unthrottled build"
        }
    );
    let first = measure::apply(
        runtime,
        &store,
        &run,
        &dir,
        "first-apply",
        &config_path,
        first_rpm,
        args.concurrency,
    )?;
    out["firstApply"] = first.to_json(measured);

    // 2. The plan right after it: no changes expected.
    let (plan, walls) = plan_phase(args, &store, &run, &dir, &config_path)?;

    // 3. In-process: the snapshot (unthrottled), then diff + render CPU of both configurations.
    eprintln!("   diff + render CPU");
    store.set_faults(Faults::default());
    let client = sim_client(&running.api_url(), 0, args.concurrency)?;
    let source = ClientSource::new(client, args.concurrency);
    let today = Date::parse(TODAY)?;
    let config = cwrecon::config::load_texts([("config.yaml", config_text.as_str())])?;
    let snapshot = runtime.block_on(Box::pin(cwrecon::live::read_snapshot(&source, &config)))?;
    let cpu_steady = measure::diff_render_cpu(&config_text, &snapshot, today, args.cpu_repeats)?;
    let cpu_drift = measure::diff_render_cpu(&drift_text, &snapshot, today, args.cpu_repeats)?;
    let minimum = bounds::minimum(&bounds::Inputs {
        setup_lists: 8,
        catalog: snapshot.catalog.len(),
        agreements: snapshot.agreements.len(),
        identifiers: config
            .companies
            .iter()
            .map(|c| c.item.identifier.value.clone())
            .collect(),
        company_ids: snapshot.companies.iter().filter_map(|c| c.id).collect(),
        integrations: snapshot.managed_devices_integrations.len(),
    });
    out["plan"] = plan.to_json(&minimum, args, rpm);
    out["plan"]["wallSecondsAll"] = json!(walls);
    if let Some(best) = walls.first() {
        out["plan"]["wallSecondsMin"] = json!(best);
        out["plan"]["minOverLowerBound"] =
            json!(best / minimum.lower_bound(args.concurrency, args.latency_ms, rpm));
    }
    out["diffRender"] = json!({ "steady": cpu_steady, "drift": cpu_drift });

    if !args.no_naive && size <= args.naive_max {
        out["naive"] = naive_phase(runtime, args, &store, &running.api_url(), &out)?;
    }
    if !args.no_apply {
        out["driftApply"] = drift_phase(runtime, args, &store, &run, &dir, &drift_text, &source)?;
    }
    drop(running);
    Ok(out)
}

/// The real client against the simulator.
fn sim_client(api_url: &str, rpm: u32, concurrency: usize) -> Result<Client, Error> {
    let c = Credentials::defaults();
    let config = ClientConfig::new(
        BaseUrl::from_site(api_url)?,
        c.company_id.clone(),
        c.public_key.clone(),
        c.private_key.clone(),
        c.client_id.clone(),
    )
    .with_requests_per_minute(rpm)
    .with_concurrency(concurrency);
    Ok(Client::new(config)?)
}

/// The naive baseline: sequential per-object GETs at the same settings.
fn naive_phase(
    runtime: &tokio::runtime::Runtime,
    args: &Args,
    store: &Store,
    api_url: &str,
    out: &Json,
) -> Result<Json, Error> {
    eprintln!("   naive baseline");
    store.set_faults(args.measured_faults());
    store.clear_requests();
    let client = sim_client(api_url, args.client_rpm(), 1)?;
    let size = out["companies"].as_u64().unwrap_or(0);
    let identifiers: Vec<String> = (0..usize::try_from(size)?)
        .map(tenant::company_identifier)
        .collect();
    let naive = runtime.block_on(naive::run(&client, &identifiers))?;
    let statuses = measure::Statuses::of(&store.requests());
    let mut naive_json = naive.to_json();
    naive_json["throttled429"] = json!(statuses.throttled);
    if let Some(plan_wall) = out["plan"]["wallSeconds"].as_f64() {
        naive_json["planSpeedup"] = json!(naive.wall.as_secs_f64() / plan_wall);
    }
    Ok(naive_json)
}

/// The drift: 5% of the additions' quantities change; then a re-plan (unthrottled) must be empty.
fn drift_phase(
    runtime: &tokio::runtime::Runtime,
    args: &Args,
    store: &Store,
    run: &measure::Runner,
    dir: &std::path::Path,
    drift_text: &str,
    source: &ClientSource,
) -> Result<Json, Error> {
    eprintln!("   drift apply");
    store.set_faults(args.measured_faults());
    let drift = measure::apply(
        runtime,
        store,
        run,
        dir,
        "drift-apply",
        &dir.join("drift.yaml"),
        args.client_rpm(),
        args.concurrency,
    )?;
    let mut out = drift.to_json(true);
    store.set_faults(Faults::default());
    let config = cwrecon::config::load_texts([("drift.yaml", drift_text)])?;
    let after = runtime.block_on(Box::pin(cwrecon::live::read_snapshot(source, &config)))?;
    let report = cwrecon::plan::assemble(&config, &after, Date::parse(TODAY)?);
    out["replanOps"] = json!(report.plan.ops.len());
    Ok(out)
}

/// `--plan-repeats` plans, each in a fresh rate-limit window: the median one, and every wall time
/// in ascending order.
fn plan_phase(
    args: &Args,
    store: &Store,
    run: &measure::Runner,
    dir: &std::path::Path,
    config_path: &std::path::Path,
) -> Result<(measure::Plan, Vec<f64>), Error> {
    eprintln!("   plan ×{}", args.plan_repeats.max(1));
    let mut plans = Vec::new();
    for _ in 0..args.plan_repeats.max(1) {
        store.set_faults(args.measured_faults());
        plans.push(measure::plan(
            store,
            run,
            dir,
            config_path,
            args.client_rpm(),
            args.concurrency,
        )?);
    }
    plans.sort_by(|a, b| a.wall().total_cmp(&b.wall()));
    let walls: Vec<f64> = plans.iter().map(measure::Plan::wall).collect();
    let plan = plans.swap_remove(plans.len() / 2);
    Ok((plan, walls))
}
