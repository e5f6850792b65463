//! Chaos: apply the examples to a simulator that fails 10% of requests with 500/503, throttles 5%
//! with 429 and drops 3% of writes after committing them. Every seeded run converges within three
//! applies, with no duplicate object of any kind and the final state equal to the desired one.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::sim::client_config;
use crate::common::tenant::{Tenant, tenant};
use cwrecon::apply::ClientTarget;
use cwrecon::connectwise::Client;
use cwrecon::connectwise::retry::RetryPolicy;
use cwrecon::live::ClientSource;
use cwrecon::model::Date;
use cwrecon::sim::Faults;
use serde_json::{Value, json};

const RUNS: u64 = 50;

/// A client that retries quickly: the faults are many and the waits are not what is tested.
fn fast_client(t: &Tenant) -> Client {
    let config = client_config(&t.running.api_url()).with_retry(RetryPolicy {
        max_attempts: 8,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_millis(10),
    });
    Client::new(config).expect("client")
}

/// Rows of a simulator table, as `fields` plus the parent id.
fn rows(state: &Value, table: &str) -> Vec<(Option<i64>, Value)> {
    state["tables"][table]["rows"]
        .as_object()
        .map(|rows| {
            rows.values()
                .map(|r| (r["parent"].as_i64(), r["fields"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A table's natural key of a row (`None`: the row has no key that must be unique, e.g. a
/// cancelled addition).
type KeyOf = fn(Option<i64>, &Value) -> Option<String>;

/// Every table's natural keys are unique.
fn assert_no_duplicates(state: &Value, seed: u64) {
    let key_of: [(&str, KeyOf); 9] = [
        ("companies", |_, f| {
            (f["deletedFlag"] != json!(true))
                .then(|| f["identifier"].as_str().unwrap_or("").to_lowercase())
        }),
        ("catalog", |_, f| {
            f["identifier"].as_str().map(str::to_lowercase)
        }),
        ("productTypes", |_, f| {
            f["name"].as_str().map(str::to_lowercase)
        }),
        ("agreementTypes", |_, f| {
            f["name"].as_str().map(str::to_lowercase)
        }),
        ("categories", |_, f| {
            f["name"].as_str().map(str::to_lowercase)
        }),
        ("contacts", |_, f| {
            Some(format!(
                "{}/{}/{}",
                f["company"]["id"], f["firstName"], f["lastName"]
            ))
        }),
        ("agreements", |_, f| {
            Some(format!("{}/{}", f["company"]["id"], f["name"]))
        }),
        ("additions", |p, f| {
            f["cancelledDate"]
                .is_null()
                .then(|| format!("{p:?}/{}", f["product"]["id"]))
        }),
        ("managementSummaryReports", |p, f| {
            Some(format!("{p:?}/{}", f["groupIdentifier"]))
        }),
    ];
    for (table, key) in key_of {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (parent, fields) in rows(state, table) {
            if let Some(k) = key(parent, &fields) {
                *counts.entry(k).or_default() += 1;
            }
        }
        let dupes: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            dupes.is_empty(),
            "seed {seed}: duplicate {table}: {dupes:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_seeded_runs_converge_without_duplicates() {
    let config = cwrecon::config::load(&["examples/intermedia".into()]).expect("examples load");
    let today = Date::parse("2026-11-25").expect("date");
    let mut applies_needed = BTreeMap::new();
    for seed in 0..RUNS {
        let t = tenant().await;
        t.with_example_companies().await;
        t.store.set_faults(Faults {
            error_rate: 0.10,
            throttle_rate: 0.05,
            throttle_retry_after: 0,
            drop_rate: 0.03,
            seed,
            ..Faults::default()
        });
        let client = fast_client(&t);
        let source = ClientSource::new(client.clone(), 4);
        let target = ClientTarget::new(client.clone());
        let mut converged = None;
        for attempt in 1..=3 {
            match Box::pin(cwrecon::commands::workflow::apply(
                &config, &source, &target, today, false, 4,
            ))
            .await
            {
                Ok(Ok(applied)) if applied.is_complete() => {
                    converged = Some(attempt);
                    break;
                }
                // A failed op or a failed read: apply again, as a pipeline would.
                Ok(Ok(_) | Err(_)) | Err(_) => {}
            }
        }
        let attempt =
            converged.unwrap_or_else(|| panic!("seed {seed}: not converged within 3 applies"));
        *applies_needed.entry(attempt).or_insert(0) += 1;

        // Without faults: nothing left to do, nothing duplicated.
        t.store.set_faults(Faults::default());
        let snapshot = Box::pin(cwrecon::live::read_snapshot(&source, &config))
            .await
            .expect("read");
        let report = cwrecon::plan::assemble(&config, &snapshot, today);
        assert!(
            report.plan.is_empty(),
            "seed {seed}: {}",
            cwrecon::plan::render::text(&report, false)
        );
        assert_no_duplicates(&t.store.state(), seed);
    }
    println!("applies needed to converge: {applies_needed:?}");
}
