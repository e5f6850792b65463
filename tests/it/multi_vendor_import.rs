//! `import` and `reconcile` in a configuration of several vendors (issue 14), run as the binary:
//! Intermedia on its own agreements (read by the built-in format) and Acronis on Acme's shared
//! agreement (read by a profile). Importing one vendor's export edits that vendor's block only,
//! byte for byte; each vendor's unmapped queue holds what *that* vendor's block lacks; reconcile
//! shows one vendor's lines only, never another vendor's nor the shared agreement's hand-made ones.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use std::path::{Path, PathBuf};

use crate::common::Output;
use crate::common::tenant::{Tenant, tenant};
use crate::multi_vendor::{files, shared_agreement};
use crate::profiles::{read, run};

/// Acme buys from both vendors (Intermedia on its own agreement, Acronis on the shared one);
/// Zeta from Intermedia only. Block style, so one vendor's line and the other's are apart, and
/// both Acme counts are 42 after the Acronis import: an edit by value would hit the wrong one.
const COMPANIES: &str = "companies:
  - identifier: AcmeCorp
    shared_agreement: Acme - Managed Services
    vendors:
      Intermedia:
        account: '1001'
        agreement:
          name: Intermedia - Acme
          start_date: 2026-01-01
          additions:
            - { product: INT1R_2, quantity: 42 }
      Acronis:
        account: acme-corp
        additions:
          - { product: ACR1R_2, quantity: 38 }
  - identifier: Zeta
    create: { name: Zeta Ltd, address: { country: United States } }
    contact: { first_name: Zoe, last_name: Zed }
    vendors:
      Intermedia:
        account: '2002'
        agreement: { name: Intermedia - Zeta, start_date: 2026-01-01, additions: [{ product: INT1R_2, quantity: 5 }] }
";

/// Acronis's billing report, in a layout of its own.
const PROFILE: &str = "profiles:
  - name: acronis-report
    separator: ';'
    columns: { account: Tenant, sku: Product, unit_cost: Cost, quantity: Seats, company: Customer Name }
";

/// Acme's backup seats up (38 → 42) and a new item for it; Zeta, whose Intermedia account is
/// 2002, under the same id here (an account Acronis's block does not have); a new customer.
const ACRONIS_CSV: &str = "Tenant;Product;Cost;Seats;Customer Name
acme-corp;ACR1R;2;42;Acme Corp
acme-corp;ACR2R;2;3;Acme Corp
2002;ACR1R;2;5;Zeta Ltd
nova-1;ACR1R;2;7;Nova Inc
";

/// Acme's mailboxes up (42 → 45), Zeta's as configured, and Acronis's account and item in
/// Intermedia's report, which Intermedia's block maps neither of.
const INTERMEDIA_CSV: &str = "Account,Company,SKU,Cost,Qty
1001,Acme Corp,INT1R,2,45
2002,Zeta Ltd,INT1R,2,5
acme-corp,Acme Corp,ACR1R,2,42
";

/// The configuration in a folder of its own, and the two exports in another.
struct Setup {
    config: tempfile::TempDir,
    exports: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let config = tempfile::tempdir().unwrap();
        let mut all = files(&[("Intermedia", true), ("Acronis", false)], COMPANIES);
        all.push(("profiles.yaml".to_owned(), PROFILE.to_owned()));
        for (name, text) in &all {
            // Acronis's export reads by its profile; Intermedia's by the built-in format.
            let text = text.replace(
                "name: Acronis,",
                "name: Acronis, export: { profile: acronis-report },",
            );
            std::fs::write(config.path().join(name), text).unwrap();
        }
        let exports = tempfile::tempdir().unwrap();
        std::fs::write(exports.path().join("acronis.csv"), ACRONIS_CSV).unwrap();
        std::fs::write(exports.path().join("intermedia.csv"), INTERMEDIA_CSV).unwrap();
        Setup { config, exports }
    }

    fn dir(&self) -> &str {
        self.config.path().to_str().unwrap()
    }

    fn csv(&self, vendor: &str) -> String {
        self.exports
            .path()
            .join(format!("{}.csv", vendor.to_lowercase()))
            .display()
            .to_string()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.config.path().join(name)
    }

    fn import(&self, vendor: &str, extra: &[&str]) -> Output {
        let csv = self.csv(vendor);
        let mut args = vec!["import", vendor, csv.as_str(), self.dir()];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// Each file of the configuration and its text.
    fn texts(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(self.config.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (name(&p), read(&p)))
            .collect();
        out.sort();
        out
    }
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The unmapped queue of an import as JSON (a dry run).
fn unmapped(setup: &Setup, vendor: &str) -> serde_json::Value {
    let out = setup.import(vendor, &["--dry-run", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    document["unmapped"].clone()
}

#[test]
fn importing_one_vendors_export_edits_that_vendors_block_only() {
    let setup = Setup::new();
    let before = setup.texts();
    let companies = setup.file("companies.yaml");

    let acronis = setup.import("Acronis", &[]);
    assert_eq!(acronis.code, 0, "{}", acronis.transcript());
    let after_acronis = COMPANIES.replace(
        "- { product: ACR1R_2, quantity: 38 }",
        "- { product: ACR1R_2, quantity: 42 }",
    );
    assert_eq!(read(&companies), after_acronis, "{}", acronis.stdout);
    // Nothing else in any file moved: Acme's Intermedia block, Zeta, products, integrations.
    let others = |texts: Vec<(String, String)>| -> Vec<(String, String)> {
        texts
            .into_iter()
            .filter(|(n, _)| n != "companies.yaml")
            .collect()
    };
    assert_eq!(others(setup.texts()), others(before.clone()));
    for expected in [
        "AcmeCorp ACR1R_2: quantity 38 → 42",
        "acronis.csv:3  SKU ACR2R at unit cost 2 (account acme-corp): no product",
        // Zeta's Intermedia account is 2002; at Acronis nobody has it.
        "acronis.csv:4  account 2002 (Zeta Ltd), 1 row(s): no company in the configuration has this account at Acronis;",
    ] {
        assert!(
            acronis.stdout.contains(expected),
            "{expected}\n{}",
            acronis.stdout
        );
    }
    // The Intermedia additions of the same companies are not "not in the export": this export is
    // not theirs.
    assert!(!acronis.stdout.contains("INT1R"), "{}", acronis.stdout);

    let intermedia = setup.import("intermedia", &[]);
    assert_eq!(intermedia.code, 0, "{}", intermedia.transcript());
    assert_eq!(
        read(&companies),
        after_acronis.replace(
            "- { product: INT1R_2, quantity: 42 }",
            "- { product: INT1R_2, quantity: 45 }"
        )
    );
    assert!(
        intermedia
            .stdout
            .contains("AcmeCorp INT1R_2: quantity 42 → 45"),
        "{}",
        intermedia.stdout
    );
    // Acronis's account and item in Intermedia's report are Intermedia's unmapped lines, never
    // edits of Acronis's block.
    assert!(
        intermedia
            .stdout
            .contains("intermedia.csv:4  SKU ACR1R at unit cost 2 (account acme-corp): no product"),
        "{}",
        intermedia.stdout
    );
    assert!(
        !intermedia.stdout.contains("ACR1R_2"),
        "{}",
        intermedia.stdout
    );
    let valid = run(&["validate", setup.dir()]);
    assert_eq!(valid.code, 0, "{}", valid.transcript());
}

#[test]
fn each_vendors_unmapped_queue_holds_what_its_block_lacks_and_fail_on_unmapped_exits_6() {
    let setup = Setup::new();
    // 2002 is Zeta's Intermedia account: for Acronis it is unmapped. ACR1R is mapped (Acronis's).
    assert_eq!(
        unmapped(&setup, "Acronis"),
        serde_json::json!({
            "vendor": "Acronis",
            "accounts": [
                { "account": "2002", "company": "Zeta Ltd", "lines": [4] },
                { "account": "nova-1", "company": "Nova Inc", "lines": [5] },
            ],
            "skus": [{ "sku": "ACR2R", "unit_cost": 2, "accounts": ["acme-corp"], "lines": [3] }],
        })
    );
    // acme-corp is Acme's Acronis account and ACR1R Acronis's item: for Intermedia both are
    // unmapped, though the configuration has them under the other vendor.
    assert_eq!(
        unmapped(&setup, "Intermedia"),
        serde_json::json!({
            "vendor": "Intermedia",
            "accounts": [{ "account": "acme-corp", "company": "Acme Corp", "lines": [4] }],
            "skus": [{ "sku": "ACR1R", "unit_cost": 2, "accounts": ["acme-corp"], "lines": [4] }],
        })
    );
    let before = setup.texts();
    for vendor in ["Acronis", "Intermedia"] {
        let failing = setup.import(vendor, &["--dry-run", "--fail-on-unmapped"]);
        assert_eq!(failing.code, 6, "{}", failing.transcript());
        assert!(
            failing.stderr.contains(&format!("Unmapped ({vendor}):")),
            "{}",
            failing.stderr
        );
    }
    assert_eq!(setup.texts(), before, "a dry run writes nothing");
}

#[test]
fn add_unknown_adds_a_new_customer_under_the_vendor_and_never_merges_a_look_alike() {
    let setup = Setup::new();
    let acronis_products = read(&setup.file("Acronis.yaml"));
    let out = setup.import("Acronis", &["--add-unknown"]);
    assert_eq!(out.code, 0, "{}", out.transcript());

    // The new item goes with Acronis's products, whose file names their integration once.
    let products = read(&setup.file("Acronis.yaml"));
    assert!(
        products.starts_with(&acronis_products)
            && products[acronis_products.len()..]
                == *"  - sku: ACR2R\n    unit_cost: 2.00\n    description: ACR2R\n",
        "{products}"
    );
    // Acme's new item lands in its Acronis block, after the last Acronis line.
    assert_eq!(
        read(&setup.file("companies.yaml")),
        COMPANIES.replace(
            "          - { product: ACR1R_2, quantity: 38 }\n",
            "          - { product: ACR1R_2, quantity: 42 }\n          - { product: ACR2R_2, quantity: 3 }\n"
        )
    );
    // The new customer is a file of its own with a `vendors:` block for Acronis only, its
    // additions bare (they go on the shared agreement, which cwrecon never creates).
    let nova = read(&setup.file("NovaInc.yaml"));
    for expected in [
        "shared agreement, which cwrecon never creates",
        "identifier: NovaInc\n",
        "  vendors:\n    Acronis:\n      account: nova-1\n      additions:\n      - product: ACR1R_2\n        quantity: 7\n",
    ] {
        assert!(nova.contains(expected), "{expected}\n{nova}");
    }
    assert!(
        !nova
            .lines()
            .any(|l| l.trim_start().starts_with("agreement:"))
            && !nova.contains("Intermedia"),
        "{nova}"
    );
    // Zeta Ltd is Zeta, a customer of Intermedia's: said, never added twice nor merged into.
    assert!(
        out.stdout.contains("acronis.csv:4  account 2002 (Zeta Ltd), 1 row(s): not added as a new company, because it looks like company Zeta of the configuration, which has no Acronis account; if it is that customer, add `Acronis: { account: \"2002\" }` under its `vendors` by hand"),
        "{}",
        out.stdout
    );
    assert!(!setup.file("ZetaLtd.yaml").exists(), "{:?}", setup.texts());
    let valid = run(&["validate", setup.dir()]);
    assert_eq!(valid.code, 0, "{}", valid.transcript());
    // What was added left the queue; the look-alike stays in it for a person.
    assert_eq!(
        unmapped(&setup, "Acronis")["accounts"],
        serde_json::json!([{ "account": "2002", "company": "Zeta Ltd", "lines": [4] }])
    );
}

/// `(account, item, vendor, config, live, status)` of each line of a CSV reconciliation.
fn lines(out: &Output) -> Vec<[String; 6]> {
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    reader
        .records()
        .map(Result::unwrap)
        .map(|r| [0, 2, 3, 4, 5, 11].map(|i| r[i].to_owned()))
        .collect()
}

fn reconcile(t: &Tenant, setup: &Setup, vendor: &str, extra: &[&str]) -> Output {
    let csv = setup.csv(vendor);
    let mut args = vec!["reconcile", vendor, csv.as_str(), setup.dir()];
    args.extend_from_slice(extra);
    t.cli(&args).run()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_compares_one_vendor_and_never_shows_another_vendors_lines() {
    let t = tenant().await;
    // Acme's shared agreement, with two lines a person added by hand.
    shared_agreement(&t, "Acme - Managed Services").await;
    let setup = Setup::new();
    let applied = t
        .cli(&[
            "apply",
            setup.dir(),
            "--auto-approve",
            "--journal",
            "/dev/null",
        ])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());

    let row = |account: &str, item: &str, counts: [&str; 3], status: &str| -> [String; 6] {
        [account, item, counts[0], counts[1], counts[2], status].map(str::to_owned)
    };
    let acronis = reconcile(&t, &setup, "Acronis", &["--format", "csv"]);
    assert_eq!(acronis.code, 0, "{}", acronis.transcript());
    assert_eq!(
        lines(&acronis),
        [
            row("2002", "ACR1R_2", ["5", "", ""], "not_in_config"),
            row("acme-corp", "ACR1R_2", ["42", "38", "38"], "config_differs"),
            row("acme-corp", "ACR2R_2", ["3", "", ""], "not_in_config"),
            row("nova-1", "ACR1R_2", ["7", "", ""], "not_in_config"),
        ],
        "{}",
        acronis.stdout
    );
    assert!(
        acronis.stderr.contains("Unmapped (Acronis):"),
        "{}",
        acronis.stderr
    );

    let intermedia = reconcile(&t, &setup, "Intermedia", &["--format", "csv"]);
    assert_eq!(intermedia.code, 0, "{}", intermedia.transcript());
    assert_eq!(
        lines(&intermedia),
        [
            row("1001", "INT1R_2", ["45", "42", "42"], "config_differs"),
            row("2002", "INT1R_2", ["5", "5", "5"], "match"),
            row("acme-corp", "ACR1R_2", ["42", "", ""], "not_in_config"),
        ],
        "{}",
        intermedia.stdout
    );
    // The shared agreement's hand-made lines are no vendor's, in either reconciliation.
    for out in [&acronis, &intermedia] {
        assert!(
            !out.stdout.contains("HELPDESK") && !out.stdout.contains("ONSITE"),
            "{}",
            out.stdout
        );
    }
    let failing = reconcile(&t, &setup, "Acronis", &["--fail-on-unmapped"]);
    assert_eq!(failing.code, 6, "{}", failing.transcript());
}
