//! Measuring: the release binary under `/usr/bin/time` (wall, CPU, peak RSS), the simulator's
//! request log (requests by status, writes over time), and CPU time of this thread.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cwrecon::live::Snapshot;
use cwrecon::model::Date;
use cwrecon::sim::{RequestLogEntry, Store};
use serde_json::{Value as Json, json};

use super::Error;
use super::bounds::Minimum;

/// Runs the `cwrecon` binary against one simulator.
pub(crate) struct Runner {
    bin: PathBuf,
    env: Vec<(&'static str, String)>,
}

/// One finished child process.
#[derive(Debug, Clone)]
pub(crate) struct Proc {
    pub(crate) wall: Duration,
    pub(crate) user: f64,
    pub(crate) system: f64,
    pub(crate) max_rss_kb: u64,
    pub(crate) success: bool,
    pub(crate) code: Option<i32>,
    pub(crate) stdout: PathBuf,
}

impl Runner {
    pub(crate) fn new(bin: &str, api_url: &str, today: &str) -> Runner {
        let c = cwrecon::sim::Credentials::defaults();
        Runner {
            bin: PathBuf::from(bin),
            env: vec![
                ("CW_SITE", api_url.to_owned()),
                ("CW_COMPANY_ID", c.company_id.clone()),
                ("CW_PUBLIC_KEY", "sim-public-key".to_owned()),
                ("CW_PRIVATE_KEY", "sim-private-key".to_owned()),
                ("CW_CLIENT_ID", c.client_id.clone()),
                ("CWRECON_TODAY", today.to_owned()),
                ("NO_COLOR", "1".to_owned()),
            ],
        }
    }

    /// Run `cwrecon ARGS` under `/usr/bin/time`, stdout and stderr to `<dir>/<name>.out|.err`.
    pub(crate) fn run(&self, dir: &Path, name: &str, args: &[String]) -> Result<Proc, Error> {
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let times = dir.join(format!("{name}.time"));
        let started = Instant::now();
        let status = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%e %U %S %M")
            .arg("-o")
            .arg(&times)
            .arg(&self.bin)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env_remove("RUST_LOG")
            .stdout(File::create(&stdout)?)
            .stderr(File::create(&stderr)?)
            .status()?;
        let wall = started.elapsed();
        let text = std::fs::read_to_string(&times)?;
        let last = text
            .lines()
            .last()
            .ok_or_else(|| format!("{} is empty", times.display()))?;
        let fields: Vec<&str> = last.split_whitespace().collect();
        let [_, user, system, rss] = fields.as_slice() else {
            return Err(format!("unexpected /usr/bin/time output: {last}").into());
        };
        Ok(Proc {
            wall,
            user: user.parse()?,
            system: system.parse()?,
            max_rss_kb: rss.parse()?,
            success: status.success(),
            code: status.code(),
            stdout,
        })
    }
}

/// Requests in a log by outcome.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Statuses {
    pub(crate) total: usize,
    pub(crate) reads: usize,
    pub(crate) bundles: usize,
    pub(crate) writes: usize,
    pub(crate) throttled: usize,
    pub(crate) server_errors: usize,
    pub(crate) client_errors: usize,
}

/// A write as the rate limit sees it: not a GET and not a (read-only) bundle.
fn is_write(r: &RequestLogEntry) -> bool {
    r.method != "GET" && !r.path.ends_with("/system/bundles")
}

impl Statuses {
    pub(crate) fn of(log: &[RequestLogEntry]) -> Statuses {
        let mut s = Statuses {
            total: log.len(),
            ..Statuses::default()
        };
        for r in log {
            match r.status {
                429 => s.throttled += 1,
                500.. => s.server_errors += 1,
                400.. => s.client_errors += 1,
                _ => {}
            }
            if r.status == 429 {
                continue;
            }
            if r.path.ends_with("/system/bundles") {
                s.bundles += 1;
            } else if is_write(r) {
                s.writes += 1;
            } else {
                s.reads += 1;
            }
        }
        s
    }

    fn to_json(self) -> Json {
        json!({
            "requests": self.total, "reads": self.reads, "bundles": self.bundles,
            "writes": self.writes, "throttled429": self.throttled,
            "serverErrors": self.server_errors, "clientErrors": self.client_errors,
        })
    }
}

/// A measured apply.
pub(crate) struct Apply {
    proc: Proc,
    statuses: Statuses,
    ops: Outcomes,
    /// Seconds from the first write seen to the last, and the writes and requests in between.
    write_phase: Option<(f64, usize, usize)>,
    rpm: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct Outcomes {
    done: usize,
    failed: usize,
    skipped: usize,
}

fn outcomes(journal: &Path) -> Result<Outcomes, Error> {
    let mut o = Outcomes::default();
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    for line in text.lines() {
        let event: Json = serde_json::from_str(line)?;
        match event["outcome"].as_str() {
            Some("done") => o.done += 1,
            Some("failed") => o.failed += 1,
            Some("skipped") => o.skipped += 1,
            _ => {}
        }
    }
    Ok(o)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "request counts are far below 2^52"
)]
fn per_minute(count: usize, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        return 0.0;
    }
    count as f64 * 60.0 / seconds
}

impl Apply {
    pub(crate) fn to_json(&self, measured: bool) -> Json {
        let mut out = json!({
            "measured": measured,
            "clientRpm": self.rpm,
            "wallSeconds": self.proc.wall.as_secs_f64(),
            "cpuSeconds": self.proc.user + self.proc.system,
            "maxRssMb": mb(self.proc.max_rss_kb),
            "exitCode": self.proc.code,
            "log": self.statuses.to_json(),
            "ops": { "done": self.ops.done, "failed": self.ops.failed, "skipped": self.ops.skipped },
            "writesPerMinuteOverall": per_minute(self.statuses.writes, self.proc.wall.as_secs_f64()),
        });
        if let Some((seconds, writes, requests)) = self.write_phase {
            out["writePhase"] = json!({
                "seconds": seconds,
                "writes": writes,
                "writesPerMinute": per_minute(writes, seconds),
                "requestsPerMinute": per_minute(requests, seconds),
            });
        }
        out
    }
}

#[expect(clippy::cast_precision_loss, reason = "sizes in kB are far below 2^52")]
fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Apply `config` with the binary, sampling the simulator's log every 100 ms for the write phase.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument named"
)]
pub(crate) fn apply(
    runtime: &tokio::runtime::Runtime,
    store: &Store,
    run: &Runner,
    dir: &Path,
    name: &str,
    config: &Path,
    rpm: u32,
    concurrency: usize,
) -> Result<Apply, Error> {
    store.clear_requests();
    let stop = Arc::new(AtomicBool::new(false));
    let samples: Arc<Mutex<Vec<(Instant, usize, usize)>>> = Arc::default();
    let watcher = {
        let (stop, samples, store) = (stop.clone(), samples.clone(), store.clone());
        runtime.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let log = store.requests();
                let writes = log.iter().filter(|r| is_write(r)).count();
                let served = log.iter().filter(|r| r.status != 429).count();
                if let Ok(mut s) = samples.lock() {
                    s.push((Instant::now(), writes, served));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let journal = dir.join(format!("{name}.journal"));
    let _ = std::fs::remove_file(&journal);
    let proc = run.run(
        dir,
        name,
        &[
            "apply".to_owned(),
            config.display().to_string(),
            "--auto-approve".to_owned(),
            "--journal".to_owned(),
            journal.display().to_string(),
            "--requests-per-minute".to_owned(),
            rpm.to_string(),
            "--concurrency".to_owned(),
            concurrency.to_string(),
        ],
    )?;
    stop.store(true, Ordering::Relaxed);
    runtime.block_on(watcher)?;
    let statuses = Statuses::of(&store.requests());
    let samples = samples.lock().map_err(|_| "sampler poisoned")?.clone();
    Ok(Apply {
        proc,
        statuses,
        ops: outcomes(&journal)?,
        write_phase: write_phase(&samples),
        rpm,
    })
}

/// From samples of (time, writes so far, requests so far): the span from the last sample with
/// no write to the first with every write, and the writes and requests in that span.
fn write_phase(samples: &[(Instant, usize, usize)]) -> Option<(f64, usize, usize)> {
    let &(_, final_writes, _) = samples.last()?;
    if final_writes == 0 {
        return None;
    }
    let start = samples
        .iter()
        .rev()
        .find(|s| s.1 == 0)
        .or(samples.first())?;
    let end = samples.iter().find(|s| s.1 == final_writes)?;
    let seconds = end.0.duration_since(start.0).as_secs_f64();
    Some((seconds, end.1 - start.1, end.2 - start.2))
}

/// A measured plan.
pub(crate) struct Plan {
    proc: Proc,
    statuses: Statuses,
    ops: usize,
    requests: Json,
    requests_total: u64,
}

/// Plan `config` with the binary (JSON output).
pub(crate) fn plan(
    store: &Store,
    run: &Runner,
    dir: &Path,
    config: &Path,
    rpm: u32,
    concurrency: usize,
) -> Result<Plan, Error> {
    store.clear_requests();
    let proc = run.run(
        dir,
        "plan",
        &[
            "plan".to_owned(),
            config.display().to_string(),
            "--format".to_owned(),
            "json".to_owned(),
            "--requests-per-minute".to_owned(),
            rpm.to_string(),
            "--concurrency".to_owned(),
            concurrency.to_string(),
        ],
    )?;
    if !proc.success {
        return Err(format!("plan failed: see {}", proc.stdout.display()).into());
    }
    let doc: Json = serde_json::from_str(&std::fs::read_to_string(&proc.stdout)?)?;
    Ok(Plan {
        statuses: Statuses::of(&store.requests()),
        ops: doc["ops"].as_array().map_or(0, Vec::len),
        requests: doc["requests"].clone(),
        requests_total: doc["summary"]["requestsTotal"]
            .as_u64()
            .or_else(|| doc["summary"]["requests_total"].as_u64())
            .unwrap_or(0),
        proc,
    })
}

impl Plan {
    /// Wall seconds of the plan process.
    pub(crate) fn wall(&self) -> f64 {
        self.proc.wall.as_secs_f64()
    }

    pub(crate) fn to_json(&self, minimum: &Minimum, args: &super::Args, rpm: u32) -> Json {
        let wall = self.proc.wall.as_secs_f64();
        let lower = minimum.lower_bound(args.concurrency, args.latency_ms, rpm);
        #[expect(
            clippy::cast_precision_loss,
            reason = "request counts are far below 2^52"
        )]
        let ratio = self.requests_total as f64 / minimum.total().max(1) as f64;
        json!({
            "wallSeconds": wall,
            "cpuSeconds": self.proc.user + self.proc.system,
            "maxRssMb": mb(self.proc.max_rss_kb),
            "ops": self.ops,
            "requestsTotal": self.requests_total,
            "requestsByKind": self.requests,
            "log": self.statuses.to_json(),
            "minimum": minimum.total(),
            "minimumStages": minimum.stages,
            "requestsOverMinimum": ratio,
            "chainSeconds": minimum.chain_seconds(args.concurrency, args.latency_ms),
            "rateSeconds": minimum.rate_seconds(rpm),
            "lowerBoundSeconds": lower,
            "wallOverLowerBound": if lower > 0.0 { wall / lower } else { 0.0 },
        })
    }
}

/// CPU time this thread has used, from `/proc/thread-self/schedstat` (nanoseconds on CPU).
fn thread_cpu() -> Result<Duration, Error> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let ns: u64 = text
        .split_whitespace()
        .next()
        .ok_or("empty schedstat")?
        .parse()?;
    Ok(Duration::from_nanos(ns))
}

/// CPU seconds of loading the configuration, of `plan::assemble` (desired, projection, diff,
/// revenue, rails) and of rendering the report as text and as JSON; the minimum of `repeats`.
pub(crate) fn diff_render_cpu(
    yaml: &str,
    snapshot: &Snapshot,
    today: Date,
    repeats: usize,
) -> Result<Json, Error> {
    let mut best = [f64::MAX; 4];
    let mut ops = 0;
    let mut sizes = (0, 0);
    for _ in 0..repeats.max(1) {
        let t0 = thread_cpu()?;
        let config = cwrecon::config::load_texts([("config.yaml", yaml)])?;
        let t1 = thread_cpu()?;
        let report = cwrecon::plan::assemble(&config, snapshot, today);
        let t2 = thread_cpu()?;
        let text = cwrecon::plan::render::text(&report, false);
        let t3 = thread_cpu()?;
        let json = cwrecon::plan::render::json(&report);
        let t4 = thread_cpu()?;
        ops = report.plan.ops.len();
        sizes = (text.len(), json.len());
        for (slot, d) in best.iter_mut().zip([
            t1.saturating_sub(t0),
            t2.saturating_sub(t1),
            t3.saturating_sub(t2),
            t4.saturating_sub(t3),
        ]) {
            *slot = slot.min(d.as_secs_f64());
        }
    }
    let [load, assemble, text, json_render] = best;
    Ok(json!({
        "ops": ops,
        "loadSeconds": load,
        "assembleSeconds": assemble,
        "renderTextSeconds": text,
        "renderJsonSeconds": json_render,
        "diffRenderTextSeconds": assemble + text,
        "diffRenderJsonSeconds": assemble + json_render,
        "textBytes": sizes.0,
        "jsonBytes": sizes.1,
    }))
}

/// The machine, as BENCHMARKS.md reports it.
pub(crate) fn machine() -> Json {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map(str::trim);
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|l| l.trim_matches('"').to_owned());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%dT%H:%M:%SZ")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    json!({ "cpu": model, "cores": cores, "memory": mem, "os": os, "rustc": rustc, "date": date })
}
