//! Issue 11, points 3 and 4, run as the binary: strings that hide characters, look-alike accounts
//! and amounts too large to bill are refused by place (configuration `file:line:column`, export
//! `file:line`) or reported as a finding, and never make cwrecon panic (exit 101).
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;

use std::path::Path;

use crate::common::tenant::tenant;
use crate::common::{Cli, copy_of_examples, examples_with, import};
use serde_json::json;

const BASE: [&str; 3] = ["integration.yaml", "setup.yaml", "products.yaml"];

fn validate(dir: &Path) -> common::Output {
    Cli::new().args(["validate", dir.to_str().unwrap()]).run()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_no_panic(out: &common::Output) {
    assert_ne!(out.code, 101, "cwrecon panicked:\n{}", out.transcript());
    assert!(!out.stderr.contains("panicked"), "{}", out.transcript());
}

// ----- point 4: bounds and checked arithmetic --------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_live_quantity_is_a_finding_naming_the_addition_not_a_panic() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = copy_of_examples();
    let config = dir.path().to_str().unwrap().to_owned();
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    // Someone (or something) sets a count no customer has: 7 × 10^28 mailboxes.
    let agreements = t
        .list("/finance/agreements", "name = \"Intermedia - Acme\"")
        .await;
    let agreement = agreements[0]["id"].as_i64().unwrap();
    let additions = t
        .list(&format!("/finance/agreements/{agreement}/additions"), "")
        .await;
    let mailbox = additions
        .iter()
        .find(|a| a["product"]["identifier"] == "MXS10C01SUNR_7.25")
        .unwrap();
    t.patch(
        &format!(
            "/finance/agreements/{agreement}/additions/{}",
            mailbox["id"].as_i64().unwrap()
        ),
        "quantity",
        json!(7e28),
    )
    .await;

    let plan = t.cli(&["plan", &config]).run();
    assert_no_panic(&plan);
    // A blocking finding: the documented exit for problems in ConnectWise (1), as for any other.
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains("must be fixed first"),
        "{}",
        plan.transcript()
    );
    let shown = plan.transcript();
    assert!(shown.contains("MXS10C01SUNR_7.25"), "{shown}");
    assert!(shown.contains("Intermedia - Acme"), "{shown}");
    assert!(shown.contains("at most 1000000"), "{shown}");

    let export = write(
        dir.path(),
        "export.csv",
        "Account ID,SKU,Unit Cost,Retail Price,Quantity\n1002345,MXS10C01SUNR,7.25,12.00,44\n",
    );
    let reconcile = t
        .cli(&["reconcile", "intermedia", export.to_str().unwrap(), &config])
        .run();
    assert_no_panic(&reconcile);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_quantity_in_the_export_is_refused_by_line_not_a_panic() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = copy_of_examples();
    let config = dir.path().to_str().unwrap().to_owned();
    let export = write(
        dir.path(),
        "export.csv",
        "Account ID,SKU,Unit Cost,Retail Price,Quantity\n1002345,MXS10C01SUNR,7.25,12.00,44\n1002345,ARC10C01SUNR,2.50,4.00,70000000000000000000000000000\n",
    );
    let reconcile = t
        .cli(&["reconcile", "intermedia", export.to_str().unwrap(), &config])
        .run();
    assert_no_panic(&reconcile);
    assert_eq!(reconcile.code, 78, "{}", reconcile.transcript());
    assert!(
        reconcile.stderr.contains("line 3") || reconcile.stderr.contains("export.csv:3"),
        "{}",
        reconcile.stderr
    );
    assert!(
        reconcile.stderr.contains("at most 1000000"),
        "{}",
        reconcile.stderr
    );
    let imported = import(&export, dir.path(), &[]);
    assert_eq!(imported.code, 78, "{}", imported.transcript());
}

#[test]
fn configuration_amounts_beyond_the_bounds_are_refused_by_place() {
    let dir = examples_with(&BASE);
    write(
        dir.path(),
        "big.yaml",
        "companies:\n  - account: \"9\"\n    identifier: Big\n    agreement:\n      name: Intermedia - Big\n      start_date: 2026-01-01\n      additions:\n        - { product: MXS10C01SUNR_7.25, quantity: 1000001, unit_price: 99999999999 }\n",
    );
    let out = validate(dir.path());
    assert_no_panic(&out);
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(out.stderr.contains("big.yaml:8:"), "{}", out.stderr);
    assert!(out.stderr.contains("at most 1000000"), "{}", out.stderr);
}

// ----- point 3: character rules and accounts ---------------------------------------------------

#[test]
fn invisible_and_control_characters_in_configuration_text_are_refused_by_place() {
    for (written, code) in [
        ("\"Acme\\u200B Corp\"", "U+200B"),
        ("\"Acme\\u202E Corp\"", "U+202E"),
        ("\"Acme\\x07 Corp\"", "U+0007"),
        ("\"Acme\\u2028Corp\"", "U+2028"),
        ("\"Acme\\u00ADCorp\"", "U+00AD"),
        ("\"Acme\\uFEFFCorp\"", "U+FEFF"),
    ] {
        let dir = examples_with(&BASE);
        write(
            dir.path(),
            "hidden.yaml",
            &format!(
                "companies:\n  - account: \"9\"\n    identifier: Hidden\n    contact: {{ first_name: A, last_name: B }}\n    create:\n      name: {written}\n      address: {{ country: United States }}\n"
            ),
        );
        let out = validate(dir.path());
        assert_eq!(out.code, 78, "{written}: {}", out.transcript());
        assert!(
            out.stderr.contains("hidden.yaml:6:"),
            "{written}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(code), "{written}: {}", out.stderr);
    }
}

#[test]
fn two_accounts_equal_after_normalisation_are_one_account_named_at_both_places() {
    let dir = examples_with(&BASE);
    write(
        dir.path(),
        "one.yaml",
        "companies:\n  - account: \"1002345\"\n    identifier: AcmeCorp\n",
    );
    // Full-width digits: NFKC reads them as 1002345.
    write(
        dir.path(),
        "two.yaml",
        "companies:\n  - account: \"\u{ff11}\u{ff10}\u{ff10}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\"\n    identifier: AcmeTwo\n",
    );
    let out = validate(dir.path());
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(out.stderr.contains("one.yaml:2:"), "{}", out.stderr);
    assert!(out.stderr.contains("two.yaml:2:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("duplicate vendor account"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_account_outside_the_character_set_is_refused() {
    for account in ["\"1002345\\u200B\"", "\"acme corp\"", "\"a/b\""] {
        let dir = examples_with(&BASE);
        write(
            dir.path(),
            "odd.yaml",
            &format!("companies:\n  - account: {account}\n    identifier: Odd\n"),
        );
        let out = validate(dir.path());
        assert_eq!(out.code, 78, "{account}: {}", out.transcript());
        assert!(
            out.stderr.contains("odd.yaml:2:"),
            "{account}: {}",
            out.stderr
        );
    }
}

#[test]
fn import_never_adds_a_company_for_a_look_alike_account() {
    // Full-width digits: the same customer as 1002345, counted, never a second company.
    let dir = copy_of_examples();
    let export = write(
        dir.path(),
        "export.csv",
        "Account ID,Company Name,SKU,Unit Cost,Retail Price,Quantity,Country\n\u{ff11}\u{ff10}\u{ff10}\u{ff12}\u{ff13}\u{ff14}\u{ff15},Acme Corp,MXS10C01SUNR,7.25,12.00,44,United States\n",
    );
    let before = std::fs::read_dir(dir.path().join("companies"))
        .unwrap()
        .count();
    let out = import(&export, dir.path(), &["--add-unknown"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        std::fs::read_dir(dir.path().join("companies"))
            .unwrap()
            .count(),
        before,
        "no new company file: {}",
        out.transcript()
    );
    let acme = std::fs::read_to_string(dir.path().join("companies/acme.yaml")).unwrap();
    assert!(
        acme.contains("{ product: MXS10C01SUNR_7.25, quantity: 44 }"),
        "{acme}"
    );

    // A zero-width space: refused by line, nothing written.
    let dir = copy_of_examples();
    let export = write(
        dir.path(),
        "export.csv",
        "Account ID,Company Name,SKU,Unit Cost,Retail Price,Quantity,Country\n1002345,Acme Corp,MXS10C01SUNR,7.25,12.00,44,United States\n1002345\u{200b},Acme Corp,ARC10C01SUNR,2.50,4.00,42,United States\n",
    );
    let out = import(&export, dir.path(), &["--add-unknown"]);
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(out.stderr.contains("U+200B"), "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3") || out.stderr.contains("export.csv:3"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("companies"))
            .unwrap()
            .count(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_width_link_in_connectwise_matches_its_account() {
    let t = tenant().await;
    // The setup first, so the Intermedia solution exists.
    let dir = examples_with(&BASE);
    let config = dir.path().to_str().unwrap().to_owned();
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let solution = t
        .list("/company/managementItSolutions", "name = \"Intermedia\"")
        .await[0]["id"]
        .as_i64()
        .unwrap();
    // Cedar's company exists under another identifier, linked by a Manage ID typed in full-width
    // digits.
    let company = t
        .post(
            "/company/companies",
            json!({"identifier": "CedarPine", "name": "Cedar & Pine Law LLP", "city": "Austin"}),
        )
        .await;
    t.post(
        &format!("/company/companies/{company}/managementSummaryReports"),
        json!({"groupIdentifier": "\u{ff11}\u{ff10}\u{ff10}\u{ff12}\u{ff14}\u{ff10}\u{ff11}", "managementSolution": {"id": solution}}),
    )
    .await;
    std::fs::create_dir_all(dir.path().join("companies")).unwrap();
    std::fs::copy(
        common::root().join("examples/intermedia/companies/cedar.yaml"),
        dir.path().join("companies/cedar.yaml"),
    )
    .unwrap();
    let plan = t.cli(&["plan", &config]).run();
    assert_no_panic(&plan);
    assert!(
        !plan.stdout.contains("create company"),
        "a second company for one customer: {}",
        plan.transcript()
    );
    assert!(
        plan.stdout.contains("create agreement"),
        "{}",
        plan.transcript()
    );
}
