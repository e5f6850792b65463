//! `cwrecon apply` as a pipeline runs it: the real binary against the simulator over HTTP.

use crate::common;

use crate::common::tenant::{examples_tenant, tenant};
use serde_json::json;

/// N from the plan's first line, `Plan: N to create`.
fn planned_creates(stdout: &str) -> usize {
    let first = stdout.lines().next().unwrap_or_default();
    first
        .strip_prefix("Plan: ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no plan headline in {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_or_auto_approve_apply_refuses_and_writes_nothing() {
    let t = examples_tenant().await;
    let before = t.writes();
    let output = t.cli(&["apply", "examples/intermedia"]).run();
    assert_eq!(output.code, 64, "{}", output.transcript());
    assert!(
        output.stderr.contains("--auto-approve"),
        "{}",
        output.stderr
    );
    assert_eq!(t.writes(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_approved_apply_converges_journals_every_op_and_a_second_apply_writes_nothing() {
    let t = examples_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let journal_arg = journal.display().to_string();
    let output = t.apply_cli(&journal_arg).run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    let ops = planned_creates(&output.stdout);
    assert!(
        output.stdout.contains(&format!(
            "Applied: {ops} done, 0 failed, 0 skipped (of {ops} ops)"
        )),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("Verified: a new plan finds nothing left to change."),
        "{}",
        output.stdout
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), ops, "one journal line per op");
    assert!(lines.iter().all(|l| l["outcome"] == "done"), "{lines:#?}");
    let everything = format!(
        "{}{}",
        output.transcript(),
        std::fs::read_to_string(&journal).unwrap()
    );
    assert!(
        !everything.contains("sim-private-key") && !everything.contains("sim-public-key"),
        "keys leaked"
    );

    let writes = t.writes();
    let again = t.apply_cli(&journal_arg).run();
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(
        again.stdout.contains("Plan: no changes"),
        "{}",
        again.stdout
    );
    assert_eq!(t.writes(), writes, "a second apply makes no write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_current_saved_plan_applies_and_a_stale_one_is_refused() {
    let t = examples_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json").display().to_string();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let saved = t
        .cli(&["plan", "examples/intermedia", "--out", &plan])
        .run();
    assert_eq!(saved.code, 0, "{}", saved.transcript());
    let plan_file = std::fs::read_to_string(&plan).unwrap();
    assert!(
        !plan_file.contains("sim-private-key") && !plan_file.contains("sim-public-key"),
        "keys in the saved plan"
    );
    // Someone creates the Management IT solution by hand after the plan was reviewed.
    t.post("/company/managementItSolutions", json!({"name": "Intermedia", "managementItSolutionType": "Custom", "managementSolutionName": "Intermedia"})).await;
    let before = t.writes();
    let stale = t.cli(&["apply", &plan, "--journal", &journal]).run();
    assert_eq!(stale.code, 1, "{}", stale.transcript());
    assert!(
        stale
            .stdout
            .contains("Management IT solution Intermedia: it now exists in ConnectWise"),
        "{}",
        stale.stdout
    );
    assert_eq!(t.writes(), before, "a stale plan writes nothing");

    let fresh = t
        .cli(&["plan", "examples/intermedia", "--out", &plan])
        .run();
    assert_eq!(fresh.code, 0, "{}", fresh.transcript());
    let ops = planned_creates(&fresh.stdout);
    let applied = t
        .cli(&["apply", &plan, "--journal", &journal, "--format", "json"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let events: Vec<serde_json::Value> = applied
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), ops, "one event per op: {}", applied.stdout);
    assert!(
        events
            .iter()
            .all(|e| e["outcome"] == "done" && e["key"].is_string())
    );
}

/// A declared `bill_customer` is read back from ConnectWise, so applying it converges (it used to
/// be left out of the fields read, and every plan proposed it again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_bill_customer_converges() {
    let t = tenant().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    for file in ["integration.yaml", "setup.yaml", "products.yaml"] {
        std::fs::copy(
            common::root().join("examples/intermedia").join(file),
            dir.path().join(file),
        )
        .expect("copy an example file");
    }
    let cedar =
        std::fs::read_to_string(common::root().join("examples/intermedia/companies/cedar.yaml"))
            .expect("read cedar.yaml");
    std::fs::write(
        dir.path().join("cedar.yaml"),
        cedar.replace(
            "{ product: SEC10C01SUNR_2, quantity: 120 }",
            "{ product: SEC10C01SUNR_2, quantity: 120, bill_customer: NoCharge }",
        ),
    )
    .expect("write cedar.yaml");
    let config = dir.path().to_str().expect("a UTF-8 path");
    let applied = t
        .cli(&["apply", config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(
        applied
            .stdout
            .contains("Verified: a new plan finds nothing left to change."),
        "{}",
        applied.stdout
    );
    let plan = t.cli(&["plan", config, "--detailed-exitcode"]).run();
    assert_eq!(plan.code, 0, "{}", plan.transcript());
}

/// Answering anything but `yes` at apply's prompt (on a terminal: `script` gives it one) writes
/// nothing and exits 5, its own code, so a wrapper can tell "declined" from "failed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_prompt_writes_nothing_and_exits_5() {
    let t = examples_tenant().await;
    let before = t.writes();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let command = format!(
        "{} apply examples/intermedia --journal {journal} --color never",
        env!("CARGO_BIN_EXE_cwrecon")
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(common::root())
        .envs(t.env())
        .env("CWRECON_TODAY", "2026-11-25")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs the command on a terminal");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"no\n").unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{shown}");
    assert!(shown.contains("Only 'yes' is accepted"), "{shown}");
    assert!(shown.contains("Not applied"), "{shown}");
    assert_eq!(t.writes(), before, "a declined apply writes nothing");
}

/// `apply --company` applies one company (and the setup and catalog it needs), leaving the others
/// for a later apply; it prints where its journal went.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_narrowed_to_one_company_leaves_the_others_and_names_its_journal() {
    let t = examples_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl").display().to_string();
    let one = t
        .cli(&[
            "apply",
            "examples/intermedia",
            "--company",
            "1002417",
            "--auto-approve",
            "--journal",
            &journal,
        ])
        .run();
    assert_eq!(one.code, 0, "{}", one.transcript());
    assert!(
        one.stdout.contains(&format!("Journal: {journal}")),
        "{}",
        one.stdout
    );
    assert!(!one.stdout.contains("Company 1002345"), "{}", one.stdout);
    let delta = t
        .cli(&[
            "plan",
            "examples/intermedia",
            "--company",
            "1002417",
            "--detailed-exitcode",
        ])
        .run();
    assert_eq!(delta.code, 0, "Delta is done: {}", delta.transcript());
    let rest = t
        .cli(&["plan", "examples/intermedia", "--detailed-exitcode"])
        .run();
    assert_eq!(
        rest.code,
        2,
        "the other companies are left: {}",
        rest.transcript()
    );
    assert!(!rest.stdout.contains("Company 1002417"), "{}", rest.stdout);

    let saved = dir.path().join("plan.json").display().to_string();
    let made = t
        .cli(&["plan", "examples/intermedia", "--out", &saved])
        .run();
    assert_eq!(made.code, 0, "{}", made.transcript());
    let refused = t.cli(&["apply", &saved, "--company", "1002417"]).run();
    assert_eq!(refused.code, 64, "{}", refused.transcript());
}
