//! `examples/multi-vendor` as the README walks a new user through it, on the real binary against
//! a simulator started from the example's `tenant.json` (what `cwrecon sim --seed` loads): plan,
//! apply, plan empty; each vendor's reconcile and import; export of the three-vendor tenant, which
//! plans empty; and the shared agreements' hand-made lines untouched throughout.
#![expect(
    clippy::unwrap_used,
    reason = "test steps: a failure here is a failed test"
)]

use crate::common::examples::copy_dir;
use crate::common::root;
use crate::common::tenant::{Tenant, tenant};

/// A simulator holding the example's tenant.
async fn seeded() -> Tenant {
    let t = tenant().await;
    t.store
        .load(&root().join("examples/multi-vendor/tenant.json"))
        .unwrap();
    t
}

fn run(t: &Tenant, args: &[&str]) -> crate::common::Output {
    let mut all = args.to_vec();
    // Its own simulator has no rate limit to respect (`import` never reads ConnectWise).
    if args[0] != "import" {
        all.extend(["--requests-per-minute", "0"]);
    }
    t.cli(&all).env("CWRECON_TODAY", "2026-11-25").run()
}

/// The lines a person added by hand to every shared agreement, as the simulator holds them.
async fn hand_made_lines(t: &Tenant) -> Vec<(String, f64)> {
    let mut lines = Vec::new();
    for agreement in t
        .list("/finance/agreements", "type/name = \"Managed Services\"")
        .await
    {
        let id = agreement["id"].as_i64().unwrap();
        for line in t
            .list(&format!("/finance/agreements/{id}/additions"), "")
            .await
        {
            let product = line["product"]["identifier"].as_str().unwrap().to_owned();
            if !product.starts_with("BST-") {
                lines.push((product, line["quantity"].as_f64().unwrap()));
            }
        }
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_multi_vendor_example_plans_applies_reconciles_imports_and_exports() {
    let t = seeded().await;
    let hand_made = hand_made_lines(&t).await;
    assert_eq!(
        hand_made.len(),
        6,
        "three shared agreements, two lines each"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("my-vendors");
    copy_dir(&root().join("examples/multi-vendor"), &config);
    let config = config.to_str().unwrap();

    let plan = run(&t, &["plan", config, "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("  Bastion: 0.00 → 405.00 (+405.00)"),
        "{}",
        plan.stdout
    );
    let apply = run(&t, &["apply", config, "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(
        apply
            .stdout
            .contains("Verified: a new plan finds nothing left to change.")
    );
    let again = run(&t, &["plan", config, "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(
        hand_made_lines(&t).await,
        hand_made,
        "hand-made lines untouched"
    );

    reconcile_and_import_each_vendor(&t, config);
    export_plans_empty(&t, dir.path(), config);
    assert_eq!(hand_made_lines(&t).await, hand_made);
}

/// Each vendor's monthly export, in its own layout: reconcile and import see only its lines.
fn reconcile_and_import_each_vendor(t: &Tenant, config: &str) {
    // Each vendor's monthly export, in its own layout: only that vendor's lines.
    let export = |vendor: &str| {
        format!(
            "{}/examples/multi-vendor/exports/{vendor}.csv",
            root().display()
        )
    };
    let reconcile = run(t, &["reconcile", "bastion", &export("bastion"), config]);
    assert_eq!(reconcile.code, 0, "{}", reconcile.transcript());
    assert!(
        reconcile.stdout.contains("4 line(s), 1 differ.") && !reconcile.stdout.contains("HELPDESK"),
        "{}",
        reconcile.stdout
    );
    let reconcile = run(t, &["reconcile", "northwind", &export("northwind"), config]);
    assert!(
        reconcile
            .stdout
            .contains("CFQ7TTC0LH18_5.4       41      40    40"),
        "the renamed SKU is read as the configured one: {}",
        reconcile.stdout
    );
    assert!(
        !reconcile.stdout.contains("MXS10C01SUNR"),
        "{}",
        reconcile.stdout
    );
    let unmapped = run(
        t,
        &[
            "import",
            "intermedia",
            &export("intermedia"),
            config,
            "--fail-on-unmapped",
        ],
    );
    assert_eq!(unmapped.code, 6, "{}", unmapped.transcript());
    assert!(
        unmapped
            .stderr
            .contains("account 1002999 (Fjord Analytics): line 5"),
        "{}",
        unmapped.stderr
    );
    let acme = std::fs::read_to_string(format!("{config}/companies/acme.yaml")).unwrap();
    assert!(
        acme.contains("{ product: MXS10C01SUNR_7.25, quantity: 44 }"),
        "{acme}"
    );
    assert!(
        acme.contains("{ product: BST-WS-R_3.1, quantity: 38 }"),
        "another vendor's line is as it was: {acme}"
    );
}

/// Export of the three-vendor tenant: the layout of the example, and it plans empty.
fn export_plans_empty(t: &Tenant, dir: &std::path::Path, config: &str) {
    // Export of the three-vendor tenant: the layout of the example, and it plans empty.
    let exported = dir.join("exported");
    let exported = exported.to_str().unwrap();
    let integrations = format!("{config}/integrations.yaml");
    let profiles = format!("{config}/profiles.yaml");
    let out = run(
        t,
        &[
            "export",
            "--out",
            exported,
            "--integration",
            &integrations,
            "--integration",
            &profiles,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.starts_with("wrote 8 files"), "{}", out.stdout);
    assert!(!out.stdout.contains("not exported"), "{}", out.stdout);
    let cedar = std::fs::read_to_string(format!("{exported}/companies/CedarLaw.yaml")).unwrap();
    assert!(
        cedar.contains("shared_agreement: Cedar - Managed Services"),
        "of Cedar's two managed-services agreements, the one holding Bastion's lines: {cedar}"
    );
    let plan = run(t, &["plan", exported, "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("  Bastion: 405.00 → 405.00 (+0.00)"),
        "{}",
        plan.stdout
    );
}
