//! The `GitOps` steps in `examples/gitops/steps`, run as the workflows run them (bash, `cwrecon` on
//! PATH) against the simulator: plan on a pull request, apply the reviewed plan on merge, nightly
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]
//! drift check. The workflows call exactly these scripts, so they cannot rot unnoticed.

use crate::common;

use std::path::Path;
use std::process::Command;

use crate::common::tenant::{Tenant, tenant};
use serde_json::json;

fn step(t: &Tenant, script: &str, dir: &Path, vars: &[(&str, String)]) -> (i32, String, String) {
    let binary = Path::new(env!("CARGO_BIN_EXE_cwrecon"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg(common::root().join("examples/gitops/steps").join(script))
        .current_dir(dir)
        .env("PATH", path)
        .env("CWRECON_CONFIG", common::root().join("examples/intermedia"));
    for (key, value) in t.env() {
        command.env(key, value);
    }
    for (key, value) in vars {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_request_plan_merge_apply_and_nightly_drift() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = tempfile::tempdir().unwrap();

    // Pull request: a markdown plan for the comment (with its marker) and a saved plan.
    let merged = "0123456789abcdef0123456789abcdef01234567".to_owned();
    let (code, _, err) = step(
        &t,
        "plan.sh",
        dir.path(),
        &[("CWRECON_COMMIT", merged.clone())],
    );
    assert_eq!(code, 0, "{err}");
    let comment = std::fs::read_to_string(dir.path().join("plan.md")).unwrap();
    assert!(comment.starts_with("### cwrecon plan:"), "{comment}");
    assert!(
        comment.contains("<!-- cwrecon-plan -->"),
        "the marker that updates the comment in place"
    );
    assert!(dir.path().join("plan.json").exists());

    // Merge: the reviewed plan applies.
    let plan = dir.path().join("plan.json").display().to_string();
    let journal = dir.path().join("journal.jsonl").display().to_string();
    let (code, out, err) = step(
        &t,
        "apply.sh",
        dir.path(),
        &[
            ("CWRECON_PLAN", plan.clone()),
            ("CWRECON_JOURNAL", journal),
            ("CWRECON_COMMIT", merged.clone()),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Verified: a new plan finds nothing left to change."),
        "{out}"
    );

    // Nightly: no drift, then drift after a hand edit.
    let (code, out, _) = step(&t, "drift.sh", dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    let acme = t
        .list("/company/companies", "identifier = \"AcmeCorp\"")
        .await;
    let agreements = t
        .list(
            "/finance/agreements",
            &format!("company/id = {}", acme[0]["id"]),
        )
        .await;
    let agreement = agreements[0]["id"].as_i64().unwrap();
    let lines = t
        .list(
            &format!("/finance/agreements/{agreement}/additions"),
            "product/identifier = \"MXS10C01SUNR_7.25\"",
        )
        .await;
    let line = lines[0]["id"].as_i64().unwrap();
    t.patch(
        &format!("/finance/agreements/{agreement}/additions/{line}"),
        "quantity",
        json!(41),
    )
    .await;
    let (code, out, _) = step(&t, "drift.sh", dir.path(), &[]);
    assert_eq!(code, 2, "drift fails the nightly job: {out}");
    assert!(out.contains("quantity: 41 → 42"), "{out}");

    // The saved plan from before is now stale: a merge would refuse it.
    let (code, out, _) = step(
        &t,
        "apply.sh",
        dir.path(),
        &[("CWRECON_PLAN", plan), ("CWRECON_COMMIT", merged)],
    );
    assert_ne!(code, 0, "{out}");
}

// See: issue #11
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apply_step_applies_only_the_plan_of_the_commit_being_applied() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = step(
        &t,
        "plan.sh",
        dir.path(),
        &[("CWRECON_COMMIT", "aaaaaaa".to_owned())],
    );
    assert_eq!(code, 0, "{err}");
    let plan = dir.path().join("plan.json").display().to_string();
    let before = t.writes();
    // A plan of another commit (an earlier merge, the pull request's head) is refused.
    let (code, _, err) = step(
        &t,
        "apply.sh",
        dir.path(),
        &[
            ("CWRECON_PLAN", plan.clone()),
            ("CWRECON_COMMIT", "bbbbbbb".to_owned()),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("made from commit aaaaaaa, not from bbbbbbb"),
        "{err}"
    );
    // As is a plan that does not say which commit it was made from, or no commit given.
    std::fs::remove_file(dir.path().join("plan.sha")).unwrap();
    let (code, _, err) = step(
        &t,
        "apply.sh",
        dir.path(),
        &[
            ("CWRECON_PLAN", plan.clone()),
            ("CWRECON_COMMIT", "aaaaaaa".to_owned()),
        ],
    );
    assert_eq!(code, 1, "{err}");
    let (code, _, _) = step(&t, "apply.sh", dir.path(), &[("CWRECON_PLAN", plan)]);
    assert_ne!(code, 0);
    assert_eq!(t.writes(), before, "nothing was applied");
}

// See: issue #11
#[test]
fn the_workflows_allow_one_apply_at_a_time_and_apply_the_merged_commits_plan() {
    let github =
        std::fs::read_to_string(common::root().join("examples/gitops/github/cwrecon.yml")).unwrap();
    let gitlab =
        std::fs::read_to_string(common::root().join("examples/gitops/gitlab-ci.yml")).unwrap();
    let github: serde_json::Value = serde_saphyr::from_str(&github).unwrap();
    let gitlab: serde_json::Value = serde_saphyr::from_str(&gitlab).unwrap();
    // GitHub: one group for every push run, never cancelled in progress.
    let group = github["concurrency"]["group"].as_str().unwrap();
    assert!(group.contains("'cwrecon-connectwise'"), "{group}");
    let cancel = github["concurrency"]["cancel-in-progress"]
        .as_str()
        .unwrap();
    assert_eq!(cancel, "${{ github.event_name == 'pull_request' }}");
    let apply = &github["jobs"]["apply"];
    assert_eq!(apply["needs"], "plan-merged");
    let steps = apply["steps"].as_array().unwrap();
    let fetch = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("download-artifact"))
        })
        .unwrap();
    assert_eq!(fetch["with"]["name"], "cwrecon-plan-${{ github.sha }}");
    let run = steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains("apply.sh")))
        .unwrap();
    assert_eq!(run["env"]["CWRECON_COMMIT"], "${{ github.sha }}");
    // GitLab: the plan of the merged commit and its apply share one resource group.
    for job in ["cwrecon-plan-merged", "cwrecon-apply"] {
        assert_eq!(gitlab[job]["resource_group"], "connectwise", "{job}");
        assert_eq!(
            gitlab[job]["variables"]["CWRECON_COMMIT"], "$CI_COMMIT_SHA",
            "{job}"
        );
    }
    assert_eq!(gitlab["cwrecon-apply"]["needs"][0], "cwrecon-plan-merged");
    let script = gitlab["cwrecon-apply"]["script"].to_string();
    assert!(
        !script.contains("--auto-approve"),
        "never an unreviewed apply: {script}"
    );
}

#[test]
fn the_workflows_run_these_steps() {
    let github =
        std::fs::read_to_string(common::root().join("examples/gitops/github/cwrecon.yml")).unwrap();
    let gitlab =
        std::fs::read_to_string(common::root().join("examples/gitops/gitlab-ci.yml")).unwrap();
    for workflow in [&github, &gitlab] {
        for script in ["plan.sh", "apply.sh", "drift.sh"] {
            assert!(
                workflow.contains(&format!("examples/gitops/steps/{script}")),
                "{script}"
            );
        }
    }
    assert!(
        github.contains("<!-- cwrecon-plan -->"),
        "the comment is found and updated in place"
    );
}
