//! Vendor export profiles (issue 14, points 4, 5 and 8), run as the binary: a billing export in a
//! layout of its own (other headers, `;` between columns, a header alias, a renamed SKU) described
//! by a profile in YAML, through `import --dry-run`, `import` and `reconcile` against a simulated
//! tenant; hostile cells escaped in every output; bad profiles refused at their place; and the
//! unmapped queue with `--fail-on-unmapped` (exit 6).
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use std::path::Path;

use crate::common::examples::examples;
use crate::common::sinks::{assert_no_raw_controls, ci_commands, records_without_formulas};
use crate::common::tenant::{examples_tenant, tenant};
use crate::common::{Cli, Output, copy_of_examples};

/// `examples/profile`: the distributor's layout (German headers, `;` between columns, so a comma
/// in a name needs no quotes; `Kunden-Nr` as the account's other spelling; a SKU the vendor
/// renamed) and its export: Acme's mailboxes under the renamed SKU (42 → 44), Delta's mailboxes
/// down (31 → 29), and an item and a customer the configuration does not have (lines 7 and 8).
fn example(name: &str) -> String {
    std::fs::read_to_string(crate::common::root().join("examples/profile").join(name)).unwrap()
}

/// A copy of `examples/intermedia` with `examples/profile`'s files over it, as the README says,
/// and the export copied beside it (outside the configuration).
fn profile_config() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let dir = copy_of_examples();
    for file in ["integration.yaml", "profiles.yaml"] {
        std::fs::write(dir.path().join(file), example(file)).unwrap();
    }
    let outside = tempfile::tempdir().unwrap();
    let csv = outside.path().join("distributor.csv");
    std::fs::write(&csv, example("distributor-export.csv")).unwrap();
    (dir, outside, csv.display().to_string())
}

fn run(args: &[&str]) -> Output {
    Cli::new()
        .args(args.iter().copied())
        .env("CWRECON_TODAY", crate::common::examples::TODAY)
        .run()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_profile_export_imports_as_a_dry_run_then_for_real() {
    let (dir, _outside, csv) = profile_config();
    let config = dir.path().to_str().unwrap();
    let acme = dir.path().join("companies/acme.yaml");
    let delta = dir.path().join("companies/delta.yaml");
    let (acme_before, delta_before) = (read(&acme), read(&delta));

    let dry = run(&[
        "import",
        "intermedia",
        &csv,
        config,
        "--dry-run",
        "--detailed-exitcode",
    ]);
    assert_eq!(dry.code, 2, "{}", dry.transcript());
    assert_eq!(read(&acme), acme_before, "a dry run writes nothing");
    for expected in [
        "AcmeCorp MXS10C01SUNR_7.25: quantity 42 → 44",
        "DeltaLogistics MXS10C01SUNR_7.25: quantity 31 → 29",
        "distributor.csv:2  SKU MXS20C01SUNR is read as MXS10C01SUNR (the export profile's `sku_aliases`)",
        "distributor.csv:7  SKU FAX10C01SUNR at unit cost 0.5 (account 1002417): no product",
        "distributor.csv:8  account 1002452 (Echo Dental Group), 1 row(s): no company",
        "-        - { product: MXS10C01SUNR_7.25, quantity: 42 }\n+        - { product: MXS10C01SUNR_7.25, quantity: 44 }",
    ] {
        assert!(dry.stdout.contains(expected), "{expected}\n{}", dry.stdout);
    }

    // The integration's name works in any case; the import writes the counts where they are.
    let out = run(&["import", "INTERMEDIA", &csv, config]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        read(&acme),
        acme_before.replace(
            "{ product: MXS10C01SUNR_7.25, quantity: 42 }",
            "{ product: MXS10C01SUNR_7.25, quantity: 44 }"
        )
    );
    assert_eq!(
        read(&delta),
        delta_before.replace(
            "{ product: MXS10C01SUNR_7.25, quantity: 31 }",
            "{ product: MXS10C01SUNR_7.25, quantity: 29 }"
        )
    );
    let valid = run(&["validate", config]);
    assert_eq!(valid.code, 0, "{}", valid.transcript());

    // --add-unknown writes the new customer from the profile's optional columns.
    let added = run(&["import", "intermedia", &csv, config, "--add-unknown"]);
    assert_eq!(added.code, 0, "{}", added.transcript());
    let echo = read(&dir.path().join("companies/EchoDentalGroup.yaml"));
    for expected in [
        "account: \"1002452\"",
        "name: Echo Dental Group",
        "country: United States",
        "first_name: Eve",
        "- product: MXS10C01SUNR_7.25\n      quantity: 15\n",
    ] {
        assert!(echo.contains(expected), "{expected}\n{echo}");
    }
    assert!(
        read(&dir.path().join("products.yaml"))
            .contains("- sku: FAX10C01SUNR\n    unit_cost: 0.50\n    retail_price: 1.50\n"),
    );
}

#[test]
fn the_unmapped_queue_lists_every_line_and_fail_on_unmapped_exits_6() {
    let (dir, _outside, csv) = profile_config();
    let config = dir.path().to_str().unwrap();
    let json = run(&[
        "import",
        "intermedia",
        &csv,
        config,
        "--dry-run",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        document["unmapped"],
        serde_json::json!({
            "vendor": "Intermedia",
            "accounts": [{ "account": "1002452", "company": "Echo Dental Group", "lines": [8] }],
            "skus": [{ "sku": "FAX10C01SUNR", "unit_cost": 0.5, "accounts": ["1002417"], "lines": [7] }],
        })
    );
    assert_eq!(
        document["changes"].as_array().unwrap().len(),
        2,
        "{document:#}"
    );

    let failing = run(&["import", "intermedia", &csv, config, "--fail-on-unmapped"]);
    assert_eq!(failing.code, 6, "{}", failing.transcript());
    assert!(
        failing.stderr.contains(&format!(
            "Unmapped (Intermedia): {csv} has 1 account(s) and 1 SKU(s) the configuration does not map:\n  account 1002452 (Echo Dental Group): line 8; add a company"
        )),
        "{}",
        failing.stderr
    );
    assert!(
        failing
            .stderr
            .contains("  SKU FAX10C01SUNR at unit cost 0.5: line 7 (account(s) 1002417)"),
        "{}",
        failing.stderr
    );
    // The rest of the import is done all the same: exit 6 says what is left, not that nothing was.
    assert!(read(&dir.path().join("companies/acme.yaml")).contains("quantity: 44"));

    // What --add-unknown adds is mapped: nothing is left, so the flag passes.
    let mapped = run(&[
        "import",
        "intermedia",
        &csv,
        config,
        "--add-unknown",
        "--fail-on-unmapped",
    ]);
    assert_eq!(mapped.code, 0, "{}", mapped.transcript());

    // The built-in format has the queue too; without the flag it is no failure.
    let builtin = copy_of_examples();
    let export = crate::common::root().join("examples/billing/intermedia-export.csv");
    let export = export.to_str().unwrap();
    let builtin_path = builtin.path().to_str().unwrap();
    let plain = run(&["import", "intermedia", export, builtin_path, "--dry-run"]);
    assert_eq!(plain.code, 0, "{}", plain.transcript());
    let flagged = run(&[
        "import",
        "intermedia",
        export,
        builtin_path,
        "--dry-run",
        "--fail-on-unmapped",
    ]);
    assert_eq!(flagged.code, 6, "{}", flagged.transcript());
    assert!(
        flagged
            .stderr
            .contains("  account 1002452 (Echo Dental Group): lines 17, 18;"),
        "{}",
        flagged.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_export_reconciles_before_and_after_import_and_apply() {
    let t = examples_tenant().await;
    let (dir, _outside, csv) = profile_config();
    let config = dir.path().to_str().unwrap().to_owned();
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let reconcile = |extra: &[&str]| {
        let mut args = vec!["reconcile", "intermedia", csv.as_str(), config.as_str()];
        args.extend_from_slice(extra);
        t.cli(&args).run()
    };
    let line = |out: &Output, account: &str, item: &str| -> Vec<String> {
        let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
        let record = reader
            .records()
            .map(Result::unwrap)
            .find(|r| &r[0] == account && &r[2] == item)
            .unwrap_or_else(|| panic!("no line for {account} {item}:\n{}", out.stdout));
        record.iter().map(str::to_owned).collect()
    };

    let before = reconcile(&["--format", "csv"]);
    assert_eq!(before.code, 0, "{}", before.transcript());
    // The renamed SKU is read as the one the configuration has.
    assert_eq!(
        line(&before, "1002345", "MXS10C01SUNR_7.25")[3..6],
        ["44", "42", "42"]
    );
    assert_eq!(
        line(&before, "1002417", "MXS10C01SUNR_7.25")[10..12],
        ["-24.00", "config_differs"]
    );
    // The unmapped queue goes beside the CSV, never into it.
    assert!(
        before
            .stderr
            .contains("  account 1002452 (Echo Dental Group): line 8;"),
        "{}",
        before.stderr
    );
    assert!(!before.stdout.contains("Unmapped"), "{}", before.stdout);

    let json = reconcile(&["--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        document["unmapped"]["skus"][0]["lines"],
        serde_json::json!([7])
    );
    assert_eq!(document["integration"], "Intermedia");
    let acme = document["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["account"] == "1002345" && l["item"] == "MXS10C01SUNR_7.25")
        .unwrap();
    assert_eq!(acme["vendor_quantity"], 44);
    assert_eq!(acme["difference_monthly"], 24);
    assert_eq!(acme["status"], "config_differs");

    let failing = reconcile(&["--fail-on-unmapped"]);
    assert_eq!(failing.code, 6, "{}", failing.transcript());

    // Import everything (the profile's optional columns describe the new customer), apply, and the
    // three sources agree for every line the export has.
    let imported = t
        .cli(&["import", "intermedia", &csv, &config, "--add-unknown"])
        .run();
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let after = reconcile(&["--format", "csv", "--fail-on-unmapped"]);
    assert_eq!(after.code, 0, "{}", after.transcript());
    for (account, item) in [
        ("1002345", "MXS10C01SUNR_7.25"),
        ("1002417", "MXS10C01SUNR_7.25"),
        ("1002417", "FAX10C01SUNR_0.5"),
        ("1002452", "MXS10C01SUNR_7.25"),
    ] {
        assert_eq!(line(&after, account, item)[11], "match", "{account} {item}");
    }
    assert!(after.stderr.is_empty(), "{}", after.stderr);
}

#[test]
fn hostile_cells_in_a_profile_export_are_refused_or_escaped_in_every_output() {
    let (dir, outside, _) = profile_config();
    let config = dir.path().to_str().unwrap();
    // Cells the reader refuses: a terminal escape and an overlong value, each by its line.
    let refused = outside.path().join("refused.csv");
    let long = "A".repeat(5_000);
    std::fs::write(
        &refused,
        format!("Kunden-Nr;Firma;Artikel;Einkauf;Menge\n1002345;Acme \u{1b}[2J\u{1b}]8\u{7}Corp;MXS10C01SUNR;7.25;44\n1002345;Acme;{long};7.25;1\n"),
    )
    .unwrap();
    let out = run(&["import", "intermedia", refused.to_str().unwrap(), config]);
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert_no_raw_controls("the refusal", &out.stderr);
    assert!(
        out.stderr
            .contains("refused.csv:2: the company `Acme <U+001B>[2J<U+001B>]8<U+0007>Corp` holds"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("refused.csv:3: the sku is 5000 characters long"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.len() < 2_000,
        "an overlong cell is quoted only in part"
    );

    // Cells the reader lets through must not act in any sink: formulas, markdown, CI commands.
    let hostile = hostile_export(outside.path());
    let hostile = hostile.as_str();
    for format in ["text", "json"] {
        let out = run(&[
            "import",
            "intermedia",
            hostile,
            config,
            "--dry-run",
            "--fail-on-unmapped",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 6, "{}", out.transcript());
        assert_no_raw_controls("the import", &out.stdout);
        assert_no_raw_controls("the import's stderr", &out.stderr);
        assert_eq!(ci_commands(&out.stdout), Vec::<&str>::new());
        assert_eq!(ci_commands(&out.stderr), Vec::<&str>::new());
        if format == "json" {
            let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            assert_eq!(
                document["unmapped"]["accounts"][0]["company"],
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "JSON carries the value as it is, escaped by JSON"
            );
        }
    }
}

/// An export in the profile's layout whose cells the reader lets through but a sink must not act on:
/// spreadsheet formulas, markdown and HTML syntax, a CI workflow command; written into `dir`.
fn hostile_export(dir: &Path) -> String {
    let path = dir.join("hostile.csv");
    std::fs::write(
        &path,
        "Kunden-Nr;Firma;Artikel;Einkauf;Menge\n9000001;=HYPERLINK(\"http://evil.example\",\"x\");MXS10C01SUNR;7.25;1\n9000002;Pipe | Co ``` <!-- x ::add-mask::y;A1|B;7.25;1\n9000003;@SUM(A1:A2);+1+1;1;1\n",
    )
    .unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_profile_cells_are_neutralised_in_every_reconcile_format() {
    let t = tenant().await;
    let (dir, outside, _) = profile_config();
    let hostile = hostile_export(outside.path());
    let config = dir.path().to_str().unwrap();
    let mut outputs = std::collections::BTreeMap::new();
    for format in ["text", "markdown", "csv", "json"] {
        let args = [
            "reconcile",
            "intermedia",
            &hostile,
            config,
            "--format",
            format,
        ];
        let out = t.cli(&args).run();
        assert_eq!(out.code, 0, "{format}: {}", out.transcript());
        assert_no_raw_controls(format, &out.stdout);
        assert_no_raw_controls(format, &out.stderr);
        assert_eq!(ci_commands(&out.stdout), Vec::<&str>::new(), "{format}");
        assert_eq!(ci_commands(&out.stderr), Vec::<&str>::new(), "{format}");
        outputs.insert(format, out.stdout);
    }
    let records = records_without_formulas(&outputs["csv"]);
    let formula = records.iter().find(|r| &r[0] == "9000001").unwrap();
    assert_eq!(&formula[1], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    let markdown = &outputs["markdown"];
    assert!(!markdown.contains("<!--"), "{markdown}");
    assert!(!markdown.contains("```"), "{markdown}");
    assert!(markdown.contains("A1\\|B"), "{markdown}");
}

#[test]
fn bad_profiles_are_refused_at_their_place_with_the_fix() {
    let (dir, _outside, csv) = profile_config();
    let config = dir.path().to_str().unwrap();
    let profiles = dir.path().join("profiles.yaml");
    let profile = example("profiles.yaml");
    // `profiles.yaml` with `from` replaced by `to` is refused, and the diagnostics say each of
    // `expected`: what is wrong, where (file:line:column), and the fix.
    let refused = |from: &str, to: &str, expected: &[&str]| {
        std::fs::write(&profiles, profile.replace(from, to)).unwrap();
        let out = run(&["validate", config]);
        assert_eq!(out.code, 78, "{}", out.transcript());
        for expected in expected {
            assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
        }
    };
    // An unknown column key: a typo would leave the field unread.
    refused(
        "company: Firma",
        "firm: Firma",
        &[
            "unknown variant `firm`, expected one of account, sku,",
            "profiles.yaml:15:7]",
            "help: write the value in the form the message asks for",
        ],
    );
    // A column named twice: one header, one field. Both places are shown.
    refused(
        "company: Firma",
        "company: ARTIKEL",
        &[
            "duplicate column header `ARTIKEL`",
            "profiles.yaml:11:12]",
            "first defined here as `Artikel`",
            "company: ARTIKEL",
            "defined again here",
            "help: a header is read as one field only",
        ],
    );
    // A required column left out.
    refused(
        "      sku: Artikel\n",
        "",
        &[
            "profile `distributor` names no column for sku",
            "profiles.yaml:10:7]",
            "help: add `sku: <the export's header>` under `columns`",
        ],
    );
    // An integration naming a profile nobody declares.
    refused(
        "name: distributor",
        "name: distributer",
        &[
            "export profile `distributor` is not declared",
            "did you mean `distributer`?",
        ],
    );

    // A required column the export's header lacks: refused by the export's line, naming the
    // profile's place and the fix.
    std::fs::write(&profiles, &profile).unwrap();
    std::fs::write(
        &csv,
        example("distributor-export.csv").replace("Artikel", "Produkt"),
    )
    .unwrap();
    let out = run(&["import", "intermedia", &csv, config]);
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(
        out.stderr.contains(&format!(
            "distributor.csv:1: the header has no column for sku (one of: Artikel, as `columns.sku` of profile `distributor` at {}:11:12); header names are matched case-insensitively; rename the column in profile `distributor`, or add the export's header to its `header_aliases`",
            profiles.display()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn an_integration_name_the_configuration_lacks_lists_the_ones_it_has() {
    let out = run(&[
        "import",
        "pax8",
        "examples/billing/intermedia-export.csv",
        examples().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 64, "{}", out.transcript());
    assert!(
        out.stderr.contains("the configuration has no integration named `pax8`; it has `Intermedia` (export: Intermedia's built-in format)"),
        "{}",
        out.stderr
    );
}
