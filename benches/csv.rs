//! `cargo bench --bench csv`: how long `import` and `reconcile` take to read a vendor export
//! (issue 11, point 9), at 100,000 and 1,000,000 rows by default.
//!
//! Measured, never asserted. For each size it generates an Intermedia export in memory (1,000
//! accounts × 100 SKUs per 100,000 rows; CRLF line breaks and a blank line every 1,000 rows, as
//! Excel writes them) and times, on this thread:
//!
//! - the reader both commands share (`billing_report::intermedia::parse`, which `cwrecon import` and
//!   `cwrecon reconcile` call through the same `read_export`);
//! - `import::import`: matching the rows against a configuration of 100 companies × 100 additions
//!   (the other accounts are reported as unknown, as a real run would);
//! - `reconcile::reconcile`: the same configuration against an empty tenant snapshot.
//!
//! Each is run `--repeats` times (default 3); the median is reported with rows per second.
//! `--rows 100000,1000000` chooses the sizes.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cwrecon::config::ConfigText;
use cwrecon::live::Snapshot;
use cwrecon::model::Date;

const SKUS: usize = 100;
const CONFIG_COMPANIES: usize = 100;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut sizes = vec![100_000_usize, 1_000_000];
    let mut repeats = 3_usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rows" => {
                sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?;
            }
            "--repeats" => repeats = args.next().unwrap_or_default().parse()?,
            "--bench" => {}
            other => {
                return Err(format!("unknown option {other}; use --rows N,M --repeats N").into());
            }
        }
    }
    let dir = tempfile::tempdir()?;
    let (config, texts) = configuration(dir.path())?;
    let today = Date::parse("2026-11-25")?;
    println!("machine: {}", machine());
    println!("| rows | bytes | step | median (s) | rows/s |");
    println!("|---:|---:|---|---:|---:|");
    for rows in sizes {
        let text = export(rows);
        let parse = median(repeats, || {
            let (parsed, problems) = cwrecon::billing_report::intermedia::parse(&text);
            assert!(problems.is_empty(), "{:?}", problems.first());
            assert_eq!(parsed.len(), rows);
        });
        report(rows, text.len(), "read (import and reconcile)", parse);
        let (parsed, _) = cwrecon::billing_report::intermedia::parse(&text);
        let options = cwrecon::commands::import::Options {
            add_unknown: false,
            companies_dir: None,
            export_name: "export.csv".to_owned(),
            today,
            config_paths: vec![dir.path().to_path_buf()],
        };
        let import = median(repeats, || {
            let _ = cwrecon::commands::import::import(&config, &texts, &parsed, &options);
        });
        report(
            rows,
            text.len(),
            "import: match rows to the configuration",
            import,
        );
        let snapshot = Snapshot::default();
        let reconcile = median(repeats, || {
            let _ = cwrecon::commands::reconcile::reconcile(&config, &parsed, &snapshot, today);
        });
        report(
            rows,
            text.len(),
            "reconcile: compare rows, configuration, tenant",
            reconcile,
        );
    }
    Ok(())
}

fn report(rows: usize, bytes: usize, step: &str, time: Duration) {
    #[expect(clippy::cast_precision_loss, reason = "a row count shown as a rate")]
    let rate = rows as f64 / time.as_secs_f64().max(1e-9);
    println!(
        "| {rows} | {bytes} | {step} | {:.3} | {rate:.0} |",
        time.as_secs_f64()
    );
}

fn median(repeats: usize, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..repeats.max(1))
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn sku(i: usize) -> String {
    format!("S{i:03}C01SUNR")
}

/// An export of `rows` rows: accounts 1000000.., each with every SKU.
fn export(rows: usize) -> String {
    let mut text = String::with_capacity(rows * 80);
    text.push_str("Account ID,Account Name,Product Code,Product Name,Unit Cost,Retail Price,Quantity,Country\r\n");
    for i in 0..rows {
        let account = 1_000_000 + i / SKUS;
        let sku = sku(i % SKUS);
        let quantity = i % 50 + 1;
        let _ = write!(
            text,
            "{account},Company {account},{sku},Item {sku},2.50,4.00,{quantity},United States\r\n"
        );
        if i % 1_000 == 999 {
            text.push_str("\r\n");
        }
    }
    text
}

/// A configuration of every product and the first companies, written to `dir`.
fn configuration(
    dir: &std::path::Path,
) -> Result<(cwrecon::config::Config, Vec<ConfigText>), Box<dyn std::error::Error>> {
    let mut products = String::from("products:\n");
    for i in 0..SKUS {
        let _ = writeln!(
            products,
            "  - {{ sku: {}, unit_cost: 2.50, retail_price: 4.00, description: Item {i} }}",
            sku(i)
        );
    }
    std::fs::write(dir.join("products.yaml"), products)?;
    let mut companies = String::from("companies:\n");
    for c in 0..CONFIG_COMPANIES {
        let account = 1_000_000 + c;
        let _ = write!(
            companies,
            "  - account: \"{account}\"\n    identifier: C{account}\n    agreement:\n      name: Intermedia - {account}\n      start_date: 2026-01-01\n      additions:\n"
        );
        for i in 0..SKUS {
            let _ = writeln!(
                companies,
                "        - {{ product: {}_2.5, quantity: 1 }}",
                sku(i)
            );
        }
    }
    std::fs::write(dir.join("companies.yaml"), companies)?;
    Ok(cwrecon::config::load_for_edit(&[dir.to_path_buf()])?)
}

/// The CPU model and core count, from `/proc/cpuinfo` where there is one.
fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |m| m.trim_start_matches([' ', '\t', ':']));
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{model}, {cores} cores available")
}
