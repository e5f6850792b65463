//! Nothing lost silently (issue 11, point 8), run as the binary against the simulator: a journal
//! that cannot be written fails the apply once it has run its course; no file cwrecon writes
//! follows a symbolic link planted at its path; and `export` keeps two companies whose
//! identifiers map to one file name, and an agreement without a billing cycle, such that planning
//! the export shows no changes.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;

use std::path::Path;

use crate::common::copy_dir;
use crate::common::tenant::{HandMadeCompany, Tenant, examples_tenant, tenant};

/// A YAML comment: harmless when a configuration folder reads it through the link.
const VICTIM: &str = "# precious: do not overwrite\n";

/// A victim file and a symbolic link to it at `link`.
#[cfg(unix)]
fn plant(dir: &Path, link: &Path) -> std::path::PathBuf {
    let victim = dir.join(format!(
        "victim-{}",
        link.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&victim, VICTIM).unwrap();
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::os::unix::fs::symlink(&victim, link).unwrap();
    victim
}

fn assert_untouched(victim: &Path, output: &common::Output) {
    assert_eq!(
        std::fs::read_to_string(victim).unwrap(),
        VICTIM,
        "the link was followed: {}",
        output.transcript()
    );
    assert_ne!(output.code, 0, "{}", output.transcript());
    assert!(
        output
            .stderr
            .contains("is a symbolic link, and cwrecon never writes through one"),
        "{}",
        output.transcript()
    );
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_that_cannot_be_written_fails_the_apply_after_it_has_run() {
    let t = examples_tenant().await;
    let output = t.apply_cli("/dev/full").run();
    assert_eq!(output.code, 1, "{}", output.transcript());
    // The apply itself went on to the end and converged.
    assert!(
        output.stdout.contains("0 failed, 0 skipped")
            && output
                .stdout
                .contains("Verified: a new plan finds nothing left to change."),
        "{}",
        output.transcript()
    );
    let ops = output
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Applied: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap();
    assert!(
        output
            .stderr
            .contains(&format!("The journal /dev/full is missing {ops} event(s)")),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("#0 "), "{}", output.stderr);
    assert!(
        output.stderr.contains("failed to write /dev/full"),
        "{}",
        output.stderr
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_output_file_follows_a_link_planted_at_its_path() {
    let t = examples_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // apply --journal: refused before anything is written to ConnectWise.
    let journal = d.join("journal.jsonl");
    let victim = plant(d, &journal);
    let writes = t.writes();
    let output = t.apply_cli(journal.to_str().unwrap()).run();
    assert_untouched(&victim, &output);
    assert_eq!(t.writes(), writes, "nothing was applied");

    // plan --out.
    let plan = d.join("plan.json");
    let victim = plant(d, &plan);
    let output = t
        .cli(&[
            "plan",
            "examples/intermedia",
            "--out",
            plan.to_str().unwrap(),
        ])
        .run();
    assert_untouched(&victim, &output);

    // reconcile --out.
    let report = d.join("recon.csv");
    let victim = plant(d, &report);
    let output = t
        .cli(&[
            "reconcile",
            "intermedia",
            "examples/billing/intermedia-export.csv",
            "examples/intermedia",
            "--format",
            "csv",
            "--out",
            report.to_str().unwrap(),
        ])
        .run();
    assert_untouched(&victim, &output);

    // export: a link at one company's file; the other files are still written, the link listed.
    let out = d.join("export");
    let victim = plant(d, &out.join("integration.yaml"));
    let output = t.cli(&["export", "--out", out.to_str().unwrap()]).run();
    assert_untouched(&victim, &output);
    assert!(
        output.stdout.contains("not written: ") && output.stdout.contains("integration.yaml"),
        "{}",
        output.transcript()
    );
    assert!(out.join("setup.yaml").is_file(), "{}", output.transcript());

    // import: a configuration file that is a link (here, to a copy of itself elsewhere).
    let config = d.join("config");
    copy_dir(&common::root().join("examples/intermedia"), &config);
    let acme = config.join("companies/acme.yaml");
    let victim = d.join("victim-acme.yaml");
    std::fs::rename(&acme, &victim).unwrap();
    let before = std::fs::read_to_string(&victim).unwrap();
    std::os::unix::fs::symlink(&victim, &acme).unwrap();
    let output = common::Cli::new()
        .args([
            "import",
            "intermedia",
            "examples/billing/intermedia-export.csv",
            config.to_str().unwrap(),
        ])
        .env("CWRECON_TODAY", "2026-11-25")
        .run();
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), before);
    assert!(
        output
            .stderr
            .contains("is a symbolic link, and cwrecon never writes through one"),
        "{}",
        output.transcript()
    );
}

/// A tenant set up by hand: the integration's setup rows, one catalog item, and `companies`
/// (identifier, account, billing cycle) each with a contact, a link and an agreement.
async fn hand_made(companies: &[(&str, &str, Option<&str>)]) -> Tenant {
    let t = tenant().await;
    let setup = t.hand_made_setup().await;
    for (identifier, account, cycle) in companies {
        let made = HandMadeCompany {
            identifier,
            name: &format!("{identifier} Inc"),
            account,
            agreement: &format!("Intermedia - {identifier}"),
            billing_cycle: *cycle,
            unit_price: 12.0,
        };
        t.hand_made_company(&setup, &made).await;
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_keeps_colliding_file_names_and_an_agreement_without_a_billing_cycle() {
    let t = hand_made(&[
        ("Acme.1", "101", Some("Monthly")),
        ("Acme_1", "102", Some("Monthly")),
        ("Beta+1", "103", Some("Quarterly")),
        ("beta_1", "104", None),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let output = t.cli(&["export", "--out", out.to_str().unwrap()]).run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    let mut names: Vec<String> = std::fs::read_dir(out.join("companies"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Acme_1-2.yaml",
            "Acme_1.yaml",
            "Beta_1.yaml",
            "beta_1-2.yaml"
        ],
        "{}",
        output.transcript()
    );
    let plan = t
        .cli(&["plan", out.to_str().unwrap(), "--detailed-exitcode"])
        .run();
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("no changes"), "{}", plan.transcript());
}
