//! How many requests a plan makes for a tenant with 1,000 managed companies (run on demand:
//! `cargo nextest run --run-ignored only --test plan_scale --no-capture`). Prints the counts by
//! kind; asserts only that the plan is empty after apply and that the cost does not grow per
//! company beyond the bundled child lists.

use std::fmt::Write as _;

use crate::common::tenant::tenant;
use cwrecon::apply::ClientTarget;
use cwrecon::live::ClientSource;
use cwrecon::model::Date;

fn config(companies: usize) -> String {
    let mut yaml = String::from(
        "setup:\n  product_types: [{ name: Intermedia_Services }]\n  agreement_types: [{ name: Intermedia }]\n  units_of_measure: [{ name: Unit }]\n  categories: [{ name: Intermedia }]\n  subcategories: [{ name: Intermedia Services, category: Intermedia }]\n  management_it_solutions: [{ name: Intermedia }]\nproducts:\n  - { sku: MXS10C01SUNR, unit_cost: 7.25, retail_price: 12, description: Exchange mailbox }\n  - { sku: ARC10C01SUNR, unit_cost: 2.5, retail_price: 4, description: Archiving }\ncompanies:\n",
    );
    for i in 0..companies {
        let _ = write!(
            yaml,
            "  - account: \"{}\"\n    identifier: Co{i:05}\n    contact: {{ first_name: Ann, last_name: Lee }}\n    create: {{ name: Company {i}, address: {{ country: United States }} }}\n    agreement: {{ name: Intermedia, start_date: 2026-01-01, additions: [{{ product: MXS10C01SUNR_7.25, quantity: {q} }}, {{ product: ARC10C01SUNR_2.5, quantity: {q} }}] }}\n",
            1_000_000 + i,
            q = i % 50 + 1
        );
    }
    yaml
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: applies 1,000 companies to a simulator first"]
async fn requests_of_a_plan_for_1000_managed_companies() {
    let t = tenant().await;
    let text = config(1_000);
    let config = cwrecon::config::load_texts([("scale.yaml", text.as_str())]).unwrap();
    let today = Date::parse("2026-11-25").unwrap();
    let source = ClientSource::new(t.client.clone(), 8);
    let target = ClientTarget::new(t.client.clone());
    let applied = Box::pin(cwrecon::commands::workflow::apply(
        &config, &source, &target, today, false, 8,
    ))
    .await
    .unwrap()
    .unwrap();
    assert!(applied.is_complete(), "{}", applied.summary());

    let client = t.client.clone();
    let before = client.request_counts();
    let source = ClientSource::new(client.clone(), 8);
    let snapshot = Box::pin(cwrecon::live::read_snapshot(&source, &config))
        .await
        .unwrap();
    let report = cwrecon::plan::assemble(&config, &snapshot, today);
    assert!(
        report.plan.is_empty(),
        "{}",
        cwrecon::plan::render::text(&report, false)
    );
    let after = client.request_counts();
    let mut total = 0;
    for (kind, count) in &after {
        let n = count - before.get(kind).copied().unwrap_or(0);
        if n > 0 {
            println!("{kind:28} {n}");
            total += n;
        }
    }
    println!("{:28} {total}", "total");
    assert!(
        total < 100,
        "a plan of 1,000 companies costs {total} requests"
    );
}
