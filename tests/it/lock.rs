//! One writer per tenant (issue #11, point 1): the apply lock kept in ConnectWise, over the real
//! binary and the simulator over HTTP.
// See: issue #11
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;

use std::collections::BTreeMap;

use crate::common::tenant::{Tenant, examples_tenant, tenant};
use serde_json::{Value, json};

const SOLUTIONS: &str = "/company/managementItSolutions";

/// A lock row as another apply (or a person) would have left it.
async fn plant(t: &Tenant, url: &str) -> i64 {
    t.post(
        SOLUTIONS,
        json!({
            "name": "cwrecon-lock",
            "managementItSolutionType": "Custom",
            "managementSolutionName": "cwrecon-lock",
            "managementServerUrl": url,
            "noDisplayFlag": true,
        }),
    )
    .await
}

async fn lock_rows(t: &Tenant) -> Vec<Value> {
    t.list(SOLUTIONS, "name = \"cwrecon-lock\"").await
}

fn apply(t: &Tenant, extra: &[&str]) -> common::Output {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl").display().to_string();
    t.apply_cli(&journal).args(extra.iter().copied()).run()
}

/// How many records share each natural key, for the kinds without a unique key in ConnectWise.
async fn copies(t: &Tenant) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut count = |key: String| *counts.entry(key).or_insert(0) += 1;
    for agreement in t.list("/finance/agreements", "").await {
        let company = agreement["company"]["id"].as_i64().unwrap();
        let id = agreement["id"].as_i64().unwrap();
        count(format!("agreement {company} {}", agreement["name"]));
        for addition in t
            .list(&format!("/finance/agreements/{id}/additions"), "")
            .await
        {
            count(format!(
                "addition {company} {} {}",
                agreement["name"], addition["product"]["id"]
            ));
        }
    }
    for company in t.list("/company/companies", "").await {
        let id = company["id"].as_i64().unwrap();
        for link in t
            .list(
                &format!("/company/companies/{id}/managementSummaryReports"),
                "",
            )
            .await
        {
            count(format!("link {id} {}", link["groupIdentifier"]));
        }
    }
    for mdi in t.list("/company/managedDevicesIntegrations", "").await {
        let id = mdi["id"].as_i64().unwrap();
        for x in t
            .list(
                &format!("/company/managedDevicesIntegrations/{id}/crossReferences"),
                "",
            )
            .await
        {
            count(format!("cross-reference {id} {}", x["vendorType"]));
        }
    }
    counts
}

/// Setup tables and products applied already (the companies' objects not yet): the state in which
/// two applies racing each other would each create every agreement, addition and link.
async fn set_up() -> Tenant {
    let t = examples_tenant().await;
    let output = t
        .cli(&[
            "apply",
            "examples/intermedia/integration.yaml",
            "examples/intermedia/setup.yaml",
            "examples/intermedia/products.yaml",
            "--auto-approve",
            "--journal",
            "/dev/null",
        ])
        .run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_applies_at_once_leave_exactly_one_copy_of_everything() {
    let t = set_up().await;
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| apply(&t, &[]));
        let b = s.spawn(|| apply(&t, &[]));
        (a.join().unwrap(), b.join().unwrap())
    });
    let copies = copies(&t).await;
    assert!(copies.len() > 5, "{copies:#?}");
    let doubled: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "billed twice: {doubled:#?}");
    for output in [&a, &b] {
        match output.code {
            0 => {}
            4 => {
                assert!(
                    output.stderr.contains("locked by another apply")
                        && output.stderr.contains("held by ")
                        && output.stderr.contains("cwrecon unlock "),
                    "{}",
                    output.transcript()
                );
            }
            _ => panic!("{}", output.transcript()),
        }
    }
    assert!(a.code == 0 || b.code == 0, "one of them applied");
    assert!(lock_rows(&t).await.is_empty(), "both released the lock");
    // The loser, run again, finds nothing to change.
    let again = apply(&t, &[]);
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_apply_runs_after_the_holder_and_finds_nothing_left() {
    let t = set_up().await;
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| apply(&t, &["--lock-timeout", "5m"]));
        let b = s.spawn(|| apply(&t, &["--lock-timeout", "5m"]));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a.code, 0, "{}", a.transcript());
    assert_eq!(b.code, 0, "{}", b.transcript());
    let doubled: Vec<_> = copies(&t)
        .await
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .collect();
    assert!(doubled.is_empty(), "billed twice: {doubled:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_stops_apply_with_exit_4_naming_the_holder_and_unlock_breaks_it() {
    let t = examples_tenant().await;
    let planted = plant(
        &t,
        "cwrecon-lock://00c0ffee00c0ffee?holder=ci%40runner-7+pid+42&since=2026-12-02T07:00:00Z&expires=2999-01-01T00:00:00Z",
    )
    .await;
    let before = t.writes();
    let locked = apply(&t, &[]);
    assert_eq!(locked.code, 4, "{}", locked.transcript());
    for needle in [
        "held by ci@runner-7 pid 42",
        "since 2026-12-02T07:00:00Z",
        "expires 2999-01-01T00:00:00Z",
        "lock id 00c0ffee00c0ffee",
        "cwrecon unlock 00c0ffee00c0ffee",
    ] {
        assert!(
            locked.stderr.contains(needle),
            "{needle}: {}",
            locked.stderr
        );
    }
    assert_eq!(t.writes(), before, "a locked-out apply writes nothing");
    let doctor = t.cli(&["doctor"]).run();
    assert!(
        doctor
            .stdout
            .contains("apply lock: held by ci@runner-7 pid 42"),
        "{}",
        doctor.transcript()
    );

    let wrong = t.cli(&["unlock", "0123456789abcdef", "--force"]).run();
    assert_eq!(wrong.code, 1, "{}", wrong.transcript());
    assert!(
        wrong.stderr.contains("no lock with that id") && wrong.stderr.contains("00c0ffee00c0ffee"),
        "{}",
        wrong.stderr
    );
    assert_eq!(lock_rows(&t).await.len(), 1, "a wrong id deletes nothing");

    let unasked = t.cli(&["unlock", "00c0ffee00c0ffee"]).run();
    assert_eq!(unasked.code, 64, "{}", unasked.transcript());
    assert!(unasked.stderr.contains("--force"), "{}", unasked.stderr);
    assert_eq!(lock_rows(&t).await.len(), 1);

    let right = t.cli(&["unlock", "00c0ffee00c0ffee", "--force"]).run();
    assert_eq!(right.code, 0, "{}", right.transcript());
    assert!(right.stdout.contains("Unlocked"), "{}", right.stdout);
    assert!(
        !lock_rows(&t).await.iter().any(|r| r["id"] == planted),
        "the lock row is gone"
    );
    let applied = apply(&t, &[]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lock_of_a_crashed_apply_is_taken_over() {
    let t = examples_tenant().await;
    plant(
        &t,
        "cwrecon-lock://deadbeefdeadbeef?holder=crashed&since=2026-01-01T00:00:00Z&expires=2026-01-01T00:10:00Z",
    )
    .await;
    let output = apply(&t, &[]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(lock_rows(&t).await.is_empty(), "{:?}", lock_rows(&t).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_lock_is_held_by_unknown_never_free() {
    let t = examples_tenant().await;
    plant(&t, "not a lock record at all").await;
    let output = apply(&t, &[]);
    assert_eq!(output.code, 4, "{}", output.transcript());
    assert!(
        output.stderr.contains("held by unknown") && output.stderr.contains("cwrecon unlock row-"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_lock_record_is_reported_bounded_and_clean() {
    let t = examples_tenant().await;
    plant(
        &t,
        "cwrecon-lock://abcabc?holder=MARKER&expires=2999-01-01T00:00:00Z",
    )
    .await;
    // Longer than ConnectWise would store, with terminal escapes and a workflow command: planted
    // in the simulator's state directly.
    let hostile = format!(
        "{}\u{1b}]0;pwned\u{7}\n::error::owned\u{202e}{}",
        "\u{1b}[31m".repeat(10),
        "A".repeat(100_000)
    );
    let encoded: String = url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
    let state = serde_json::to_string(&t.store.state())
        .unwrap()
        .replace("MARKER", &encoded);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, state).unwrap();
    t.store.load(&path).unwrap();
    let output = apply(&t, &[]);
    assert_eq!(output.code, 4, "{}", output.transcript());
    assert!(
        output.stderr.len() < 2_000,
        "bounded: {} bytes",
        output.stderr.len()
    );
    assert!(
        !output
            .stderr
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{:?}",
        output.stderr
    );
    assert!(
        !output
            .stderr
            .lines()
            .any(|l| l.trim_start().starts_with("::")),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("lock id abcabc"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_row_is_never_a_configured_solution() {
    let t = examples_tenant().await;
    let applied = apply(&t, &[]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    plant(
        &t,
        "cwrecon-lock://00c0ffee00c0ffee?holder=x&expires=2999-01-01T00:00:00Z",
    )
    .await;
    let plan = t
        .cli(&["plan", "examples/intermedia", "--detailed-exitcode"])
        .run();
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(!plan.stdout.contains("cwrecon-lock"), "{}", plan.stdout);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let export = t.cli(&["export", "--out", &out]).run();
    assert_eq!(export.code, 0, "{}", export.transcript());
    let setup = std::fs::read_to_string(dir.path().join("setup.yaml")).unwrap();
    assert!(!setup.contains("cwrecon-lock"), "{setup}");
}

#[test]
fn unlock_help_has_an_example_and_apply_documents_exit_4() {
    let help = common::Cli::new().args(["unlock", "--help"]).run();
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("cwrecon unlock 3f9c2a7d41b0e865"),
        "{}",
        help.stdout
    );
    let help = common::Cli::new().args(["apply", "--help"]).run();
    assert!(help.stdout.contains("--lock-timeout"), "{}", help.stdout);
    assert!(
        help.stdout.contains("4 locked by another apply"),
        "{}",
        help.stdout
    );
}

/// Another writer creates each agreement after the plan, just before cwrecon's look-up and create.
struct RacedBy<'a> {
    inner: cwrecon::apply::ClientTarget,
    tenant: &'a Tenant,
}

impl RacedBy<'_> {
    /// Make the agreement `name = "X" and company/id = N` asks for, as a person would.
    async fn make_agreement(&self, conditions: &str) {
        let name = conditions
            .strip_prefix("name = \"")
            .and_then(|rest| rest.split("\" and company/id = ").next())
            .unwrap();
        let company: i64 = conditions.rsplit(' ').next().unwrap().parse().unwrap();
        let t = self.tenant;
        let kind = t
            .list("/finance/agreements/types", "name = \"Intermedia\"")
            .await[0]["id"]
            .clone();
        let contact = t
            .list("/company/contacts", &format!("company/id = {company}"))
            .await[0]["id"]
            .clone();
        t.post(
            "/finance/agreements",
            json!({"name": name, "type": {"id": kind}, "company": {"id": company}, "contact": {"id": contact}}),
        )
        .await;
    }
}

impl cwrecon::apply::Target for RacedBy<'_> {
    async fn write(
        &self,
        write: &cwrecon::apply::Write,
    ) -> Result<Value, cwrecon::apply::WriteFailure> {
        if let cwrecon::apply::Write::Post { path, body, .. } = write
            && path == "/finance/agreements"
            && self
                .tenant
                .list(path, &format!("name = {}", body["name"]))
                .await
                .is_empty()
        {
            // Without a look-up first: this is where the other writer's copy lands.
            let company = body["company"]["id"].clone();
            self.make_agreement(&format!(
                "name = {} and company/id = {company}",
                body["name"]
            ))
            .await;
        }
        self.inner.write(write).await
    }

    async fn find(
        &self,
        lookup: &cwrecon::apply::Lookup,
    ) -> Result<Vec<Value>, cwrecon::apply::WriteFailure> {
        if lookup.path == "/finance/agreements" {
            self.make_agreement(&lookup.conditions).await;
        }
        self.inner.find(lookup).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agreement_that_appeared_between_plan_and_write_is_adopted_not_duplicated() {
    let t = examples_tenant().await;
    let config = cwrecon::config::load(&["examples/intermedia".into()]).unwrap();
    let source = cwrecon::live::ClientSource::new(t.client.clone(), 4);
    let target = RacedBy {
        inner: cwrecon::apply::ClientTarget::new(t.client.clone()),
        tenant: &t,
    };
    let today = cwrecon::model::Date::parse("2026-11-25").unwrap();
    let applied = Box::pin(cwrecon::commands::apply::apply(
        &config, &source, &target, today, false, 4,
    ))
    .await
    .unwrap()
    .unwrap();
    let summary = applied.summary();
    let doubled: Vec<_> = copies(&t)
        .await
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .collect();
    assert!(doubled.is_empty(), "billed twice: {doubled:#?}\n{summary}");
    assert!(summary.contains("adopted agreement"), "{summary}");
    assert!(
        applied.is_complete(),
        "the adopted agreements were given the configured fields: {summary}\n{}",
        cwrecon::plan::render::text(&applied.after, false)
    );
}

/// Acme's monthly revenue as `plan --format json` reports it, with the plan's exit code.
fn acme_revenue(t: &Tenant) -> (i32, serde_json::Value) {
    let plan = t
        .cli(&["plan", "examples/intermedia", "--format", "json"])
        .run();
    let json: Value =
        serde_json::from_str(&plan.stdout).unwrap_or_else(|e| panic!("{e}: {}", plan.transcript()));
    let acme = json["revenue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["account"] == "1002345")
        .cloned()
        .unwrap();
    (
        plan.code,
        json!({"before": acme["before"], "findings": json["findings"]}),
    )
}

fn money(value: &Value) -> f64 {
    value
        .as_str()
        .map_or_else(|| value.as_f64().unwrap(), |s| s.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_owned_agreements_of_one_name_block_the_plan_and_both_count_in_revenue() {
    let t = examples_tenant().await;
    let applied = apply(&t, &[]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let (code, before) = acme_revenue(&t);
    assert_eq!(code, 0, "{before}");

    // A second apply (before the lock) left Acme's agreement twice, with one line of 10 mailboxes.
    let first = t
        .list("/finance/agreements", "name = \"Intermedia - Acme\"")
        .await
        .remove(0);
    let first_id = first["id"].as_i64().unwrap();
    let second_id = t
        .post(
            "/finance/agreements",
            json!({"name": "Intermedia - Acme", "type": {"id": first["type"]["id"]},
                   "company": {"id": first["company"]["id"]}, "contact": {"id": first["contact"]["id"]}}),
        )
        .await;
    let mailbox = t
        .list("/procurement/catalog", "identifier = \"MXS10C01SUNR_7.25\"")
        .await
        .remove(0);
    t.post(
        &format!("/finance/agreements/{second_id}/additions"),
        json!({"product": {"id": mailbox["id"]}, "quantity": 10, "unitPrice": 12, "billCustomer": "Billable"}),
    )
    .await;

    let (code, after) = acme_revenue(&t);
    assert_eq!(code, 1, "a blocking finding: {after}");
    let finding = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["blocking"] == true)
        .unwrap_or_else(|| panic!("{after}"));
    let message = finding["message"].as_str().unwrap();
    for needle in [
        "AcmeCorp".to_owned(),
        "Intermedia - Acme".to_owned(),
        first_id.to_string(),
        second_id.to_string(),
    ] {
        assert!(message.contains(&needle), "{needle}: {message}");
    }
    assert!(
        finding["fix"]
            .as_str()
            .unwrap()
            .contains(&second_id.to_string()),
        "{finding}"
    );
    assert!(
        (money(&after["before"]) - money(&before["before"]) - 120.0).abs() < 0.001,
        "the second agreement's 10 × 12.00 is billed too: {before} → {after}"
    );

    let reconcile = t
        .cli(&[
            "reconcile",
            "intermedia",
            "examples/billing/intermedia-export.csv",
            "examples/intermedia",
            "--format",
            "csv",
        ])
        .run();
    assert_eq!(reconcile.code, 0, "{}", reconcile.transcript());
    let mut reader = csv::Reader::from_reader(reconcile.stdout.as_bytes());
    let mailboxes = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "1002345" && &r[2] == "MXS10C01SUNR_7.25")
        .unwrap();
    assert_eq!(&mailboxes[5], "52", "42 + 10 live: {mailboxes:?}");
    let applied = apply(&t, &[]);
    assert_eq!(
        applied.code,
        1,
        "apply refuses too: {}",
        applied.transcript()
    );
}

// The heartbeat finds the lock gone (broken by `cwrecon unlock`): no new write starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_broken_under_a_running_apply_stops_its_writes() {
    use cwrecon::apply::Target as _;
    let t = tenant().await;
    let target = cwrecon::apply::ClientTarget::new(t.client.clone());
    let options = cwrecon::lock::LockOptions {
        ttl: std::time::Duration::from_secs(3),
        ..cwrecon::lock::LockOptions::default()
    };
    let held = cwrecon::lock::acquire(&target, &options).await.unwrap();
    let guarded = held.guard(&target);
    let lock_id = held.record().lock_id.clone();
    let stopped = held
        .hold(&target, async {
            let unlock = t.cli(&["unlock", &lock_id, "--force"]);
            let broken = tokio::task::spawn_blocking(move || unlock.run())
                .await
                .unwrap();
            assert_eq!(broken.code, 0, "{}", broken.transcript());
            // Wait for the heartbeat (every second here) to notice; no bound on how long it takes.
            loop {
                if let Some(reason) = guarded.halted() {
                    break reason;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
        .await;
    assert!(stopped.starts_with("lock lost"), "{stopped}");
    let write = cwrecon::apply::Write::Post {
        kind: "agreements",
        path: "/finance/agreements".to_owned(),
        body: json!({"name": "x"}),
    };
    let refused = guarded.write(&write).await.unwrap_err();
    assert!(refused.to_string().contains("lock lost"), "{refused}");
    held.release(&target).await.unwrap();
}
