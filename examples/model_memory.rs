//! Memory of the canonical model at scale (issue 13): the configuration, the desired and a live
//! `State` of N companies × M additions, and the peak while diffing and pricing them.
//!
//! Measured, never asserted: `cargo run --release --example model_memory -- 5000 10`. The live
//! state mirrors the desired one (ids, versions, ownership, every 20th quantity drifted) rather
//! than being read from a simulator, so the figures are the model's alone; the snapshot and the
//! process as a whole are measured by `cargo bench --bench scale` (BENCHMARKS.md).
//!
//! Figures are the process's resident set (`VmRSS`, `VmHWM` in `/proc/self/status`), so they
//! include the allocator's overhead, which is what a peak RSS target pays for, and the CPU time
//! each step took on this thread (`/proc/thread-self/schedstat`, as the scale bench measures it).

use cwrecon::model::{Date, Key, Object, Quantity, State, Value};
use cwrecon::plan::render::{self, Report};
use cwrecon::plan::{DiffContext, desired, diff, revenue, safety_breaches};

/// The configuration the scale benchmark uses, taken from the benchmark itself so that the two
/// measure the same text.
#[path = "../benches/scale/tenant.rs"]
#[allow(
    dead_code,
    reason = "the benchmark's helpers this example does not call"
)]
mod tenant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let companies: usize = args.next().map_or(Ok(5_000), |a| a.parse())?;
    let additions: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let mut memory = Memory::new();

    let shape = tenant::Shape {
        companies,
        catalog: 300,
        additions,
    };
    let text = tenant::yaml(shape, 0);
    memory.step("configuration text");
    let config = cwrecon::config::load_texts([("scale.yaml", text.as_str())])?;
    drop(text);
    memory.step("configuration loaded (text dropped)");

    let today = Date::parse("2026-11-25")?;
    let wanted = desired(&config, today);
    memory.step("desired state");
    let live = live_mirror(&wanted.state)?;
    memory.step("live state");

    let context = DiffContext {
        today,
        cancelled_date: config.policy.item.cancelled_date,
    };
    let mut plan = diff(&wanted, &live, context);
    memory.step(&format!("diff ({} ops)", plan.ops.len()));
    plan.revenue = revenue(&wanted, &live, &plan);
    let breaches = safety_breaches(&plan, &live, &config.policy.item.safety, &wanted.vendors);
    memory.step(&format!(
        "revenue and rails ({} accounts, {} breaches)",
        plan.revenue.len(),
        breaches.len()
    ));
    let (desired_objects, live_objects) = (wanted.state.len(), live.len());
    drop((wanted, live));
    memory.step("states dropped");
    let report = Report {
        plan,
        breaches,
        requests: std::collections::BTreeMap::new(),
        findings: Vec::new(),
        config: None,
    };
    let text = render::text(&report, false);
    memory.step(&format!("render text ({} KiB)", text.len() / 1024));
    drop(text);
    let json = render::json(&report);
    memory.step(&format!("render JSON ({} KiB)", json.len() / 1024));
    drop(json);
    println!(
        "objects: desired {desired_objects}, live {live_objects}; peak RSS {:.1} MiB",
        mib(Memory::peak())
    );
    Ok(())
}

/// A live state like the projection of a tenant the configuration was applied to: the desired
/// objects with ids, versions and ownership, and every 20th addition's quantity one more.
fn live_mirror(wanted: &State) -> Result<State, Box<dyn std::error::Error>> {
    let mut live = State::default();
    for (i, object) in wanted.objects().enumerate() {
        // A key of its own, as the projection builds from what it reads.
        let parts: Vec<&str> = object.key.parts().collect();
        let key = Key::from_parts(object.key.kind(), &parts).ok_or("a key of the wrong shape")?;
        let mut o = Object::new(key);
        for (field, value) in object.fields() {
            let value = match value {
                Value::Quantity(q) if i % 20 == 0 => {
                    Value::Quantity(Quantity::new(q.value() + rust_decimal::Decimal::ONE))
                }
                other => other.clone(),
            };
            o = o.with(field, value);
        }
        o.id = Some(i64::try_from(i).unwrap_or(i64::MAX));
        o.last_updated = Some("2026-11-01T10:00:00Z".to_owned());
        o.owned = true;
        live.insert(o);
    }
    Ok(live)
}

/// Resident-set and CPU readings, printed as they are taken.
struct Memory {
    last: u64,
    cpu: u64,
}

impl Memory {
    fn new() -> Memory {
        let (rss, _) = status();
        println!(
            "{:48} {:>9} {:>9} {:>7}",
            "step", "RSS MiB", "+MiB", "CPU s"
        );
        println!("{:48} {:>9.1}", "start", mib(rss));
        Memory {
            last: rss,
            cpu: thread_cpu_ns(),
        }
    }

    fn step(&mut self, what: &str) {
        let (rss, _) = status();
        let cpu = thread_cpu_ns();
        let delta = i128::from(rss) - i128::from(self.last);
        #[expect(clippy::cast_precision_loss, reason = "printed figures")]
        let (delta, seconds) = (
            delta as f64 / 1024.0,
            cpu.saturating_sub(self.cpu) as f64 / 1e9,
        );
        println!("{what:48} {:>9.1} {delta:>+9.1} {seconds:>7.3}", mib(rss));
        self.last = rss;
        self.cpu = cpu;
    }

    fn peak() -> u64 {
        status().1
    }
}

/// `VmRSS` and `VmHWM` in KiB.
fn status() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Nanoseconds this thread has been on a CPU (0 when the kernel does not say).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[expect(clippy::cast_precision_loss, reason = "a printed figure")]
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
