//! `cwrecon import intermedia` and `cwrecon reconcile intermedia`, run as the binary: the vendor's
//! billing export written into a copy of `examples/intermedia`, hand-written parts kept byte for
//! byte; unknown items reported (and added on request); a bad export refused by line; and the
//! reconciliation against a simulated tenant before and after import + apply.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::tenant::tenant;
use crate::common::{Cli, copy_of_examples};

const EXPORT: &str = "examples/billing/intermedia-export.csv";

/// Every file under `dir`, relative path → text.
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), text);
            }
        }
    }
    out
}

fn import(dir: &Path, extra: &[&str]) -> common::Output {
    common::import(Path::new(EXPORT), dir, extra)
}

/// Write `export` as `dir/name` and import it into `config` with `extra` flags.
fn run_import(
    dir: &Path,
    name: &str,
    export: impl AsRef<[u8]>,
    config: &Path,
    extra: &[&str],
) -> common::Output {
    let csv = dir.join(name);
    std::fs::write(&csv, export).unwrap();
    common::import(&csv, config, extra)
}

/// Snapshots name the temporary folder `[config]`.
fn in_config(dir: &Path) -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(&dir.display().to_string()), "[config]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "[sim]");
    settings.bind_to_scope()
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// The lines of `after` that are not in `before`, and the lines of `before` gone from `after`.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added.push(change.value().trim_end().to_owned()),
            similar::ChangeTag::Delete => removed.push(change.value().trim_end().to_owned()),
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

#[test]
fn a_dry_run_shows_the_edits_as_a_diff_and_writes_nothing() {
    let dir = copy_of_examples();
    let before = files(dir.path());
    let out = import(dir.path(), &["--dry-run", "--detailed-exitcode"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert_eq!(files(dir.path()), before, "a dry run must not write");
    let _guard = in_config(dir.path());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn import_changes_only_the_counts_and_keeps_every_hand_written_line() {
    let dir = copy_of_examples();
    let before = files(dir.path());
    let out = import(dir.path(), &[]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let after = files(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file is added without --add-unknown"
    );
    let acme = Path::new("companies/acme.yaml");
    let (added, removed) = changed_lines(&before[acme], &after[acme]);
    assert_eq!(
        removed,
        ["        - { product: MXS10C01SUNR_7.25, quantity: 42 }"]
    );
    assert_eq!(
        added,
        [
            "        - { product: MXS10C01SUNR_7.25, quantity: 44 }",
            "        - { product: VOI10C01SUNR_14, quantity: 3 }",
        ]
    );
    // The comments and the hand-set price on the encryption line are untouched.
    assert!(after[acme].contains("# Already linked: ConnectWise has a company whose Manage ID"));
    assert!(after[acme].contains("{ product: ENC10C01SUNR_1.5, quantity: 12, unit_price: 2.75 }"));
    for untouched in [
        "products.yaml",
        "setup.yaml",
        "integration.yaml",
        "companies/cedar.yaml",
    ] {
        assert_eq!(
            before[Path::new(untouched)],
            after[Path::new(untouched)],
            "{untouched} has nothing to import and must be byte for byte the same"
        );
    }
    // What is not imported is said, with the export's line.
    assert!(
        out.stdout.contains(&format!(
            "{EXPORT}:16  SKU FAX10C01SUNR at unit cost 0.5 (account 1002417): no product"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "{EXPORT}:17  account 1002452 (Echo Dental Group), 2 row(s): no company"
        )),
        "{}",
        out.stdout
    );
    // The result is a valid configuration, and importing again changes nothing.
    let valid = Cli::new()
        .args(["validate", dir.path().to_str().unwrap()])
        .run();
    assert_eq!(valid.code, 0, "{}", valid.transcript());
    // Importing again has nothing to write; the exit code still says the export has items the
    // configuration lacks.
    let again = import(dir.path(), &["--dry-run", "--detailed-exitcode"]);
    assert_eq!(again.code, 2, "{}", again.transcript());
    assert!(
        again.stdout.contains("  nothing to write\n"),
        "{}",
        again.stdout
    );
    assert_eq!(files(dir.path()), after);
}

#[test]
fn add_unknown_writes_the_new_product_and_company_and_the_result_validates() {
    let dir = copy_of_examples();
    let out = import(dir.path(), &["--add-unknown"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let after = files(dir.path());
    let products = &after[Path::new("products.yaml")];
    assert!(
        products.ends_with(
            "    description: Email encryption\n  - sku: FAX10C01SUNR\n    unit_cost: 0.50\n    retail_price: 1.50\n    description: eFax line\n"
        ),
        "{products}"
    );
    let echo = &after[Path::new("companies/EchoDentalGroup.yaml")];
    let _guard = in_config(dir.path());
    insta::assert_snapshot!("new_company_file", echo);
    let valid = Cli::new()
        .args(["validate", dir.path().to_str().unwrap()])
        .run();
    assert_eq!(valid.code, 0, "{}", valid.transcript());
    assert!(
        valid.stdout.contains("10 products, 5 companies"),
        "{}",
        valid.stdout
    );
}

#[test]
fn a_pricing_rule_break_is_refused_with_both_lines_and_nothing_is_written() {
    let dir = copy_of_examples();
    let before = files(dir.path());
    let out = run_import(
        dir.path(),
        "export.csv",
        "Account ID,SKU,Unit Cost,Retail Price,Quantity\n1002345,MXS10C01SUNR,7.25,12.00,44\n1002388,MXS10C01SUNR,7.25,12.50,9\n1002388,VOI10C01SUNR,fourteen,22.00,7\n",
        dir.path(),
        &[],
    );
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert_eq!(files(dir.path()).len(), before.len() + 1);
    for (path, text) in &before {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(path)).unwrap(),
            text
        );
    }
    let _guard = in_config(dir.path());
    insta::assert_snapshot!(out.transcript());
}

#[test]
fn a_new_retail_price_keeps_the_decimals_it_was_written_with() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        "products:\n  # tier 1\n  - { sku: A1R, unit_cost: 7.25, retail_price: 12.00, description: Mailbox }  # keep me\ncompanies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - product: A1R_7.25\n          quantity: 3.50   # hours\n",
    )
    .unwrap();
    let out = run_import(
        dir.path(),
        "export.csv",
        "Account,SKU,Cost,Price,Qty\n1,A1R,7.25,12.5,4\n",
        &config,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "products:\n  # tier 1\n  - { sku: A1R, unit_cost: 7.25, retail_price: 12.50, description: Mailbox }  # keep me\ncompanies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - product: A1R_7.25\n          quantity: 4.00   # hours\n",
    );
}

#[test]
fn a_count_written_through_an_alias_is_reported_for_a_hand_edit_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    let text = "products:\n  - { sku: A1R, unit_cost: 1, description: Mailbox }\ncompanies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: &seats 5 }\n  - account: \"2\"\n    identifier: Two\n    agreement:\n      name: Intermedia - Two\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: *seats }\n";
    std::fs::write(&config, text).unwrap();
    let out = run_import(
        dir.path(),
        "export.csv",
        "Account,SKU,Cost,Qty\n1,A1R,1,5\n2,A1R,1,6\n",
        &config,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    assert!(
        out.stdout
            .contains("export.csv:3  Two A1R_1: set quantity to 6 by hand: the value is not written where cwrecon can edit it safely"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_before_and_after_import_and_apply() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = copy_of_examples();
    let config = dir.path().to_str().unwrap().to_owned();
    let reconcile = |extra: &[&str]| {
        let mut args = vec!["reconcile", "intermedia", EXPORT, config.as_str()];
        args.extend_from_slice(extra);
        t.cli(&args).run()
    };
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());

    // Before: the vendor counts drifted from the configuration, which ConnectWise follows.
    let before = reconcile(&["--detailed-exitcode"]);
    assert_eq!(before.code, 2, "{}", before.transcript());
    let writes = t.writes();
    {
        let _guard = in_config(dir.path());
        insta::assert_snapshot!("reconcile_before", before.stdout);
    }
    let csv = reconcile(&["--format", "csv", "--only-differences"]);
    assert_eq!(csv.code, 0, "{}", csv.transcript());
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let delta_mailbox = rows
        .iter()
        .find(|r| &r[0] == "1002417" && &r[2] == "MXS10C01SUNR_7.25")
        .unwrap();
    assert_eq!(&delta_mailbox[3], "29", "vendor");
    assert_eq!(&delta_mailbox[4], "31", "config");
    assert_eq!(&delta_mailbox[5], "31", "live");
    assert_eq!(
        &delta_mailbox[10], "-24.00",
        "2 mailboxes at 12.00 over-billed"
    );
    assert!(rows.iter().all(|r| &r[11] != "match"), "--only-differences");
    let markdown = reconcile(&["--format", "markdown"]);
    assert!(
        markdown.stdout.contains("| 1002417 | DeltaLogistics | MXS10C01SUNR_7.25 | 29 | 31 | 31 | 12.00 | 372.00 | 348.00 | -24.00 | config differs: import |"),
        "{}",
        markdown.stdout
    );
    assert_eq!(t.writes(), writes, "reconcile never writes");
    let verbose = t
        .cli(&["-vvv", "reconcile", "intermedia", EXPORT, &config])
        .run();
    assert_eq!(verbose.code, 0, "{}", verbose.transcript());
    for key in ["sim-private-key", "sim-public-key"] {
        assert!(
            !verbose.transcript().contains(key),
            "a key leaked into reconcile's output"
        );
    }

    // Import everything, apply it, and the three sources agree.
    let imported = import(dir.path(), &["--add-unknown"]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let applied = t
        .cli(&["apply", &config, "--auto-approve", "--journal", "/dev/null"])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let after = reconcile(&["--detailed-exitcode"]);
    assert_eq!(after.code, 0, "{}", after.transcript());
    assert!(
        after.stdout.contains("18 line(s), 0 differ."),
        "{}",
        after.stdout
    );
}

#[test]
fn an_excel_export_with_a_byte_order_mark_and_crlf_lines_imports() {
    let dir = copy_of_examples();
    let out = run_import(
        dir.path(),
        "export.csv",
        "\u{feff}\"Account ID\",\"SKU\",\"Unit Cost\",\"Quantity\",\"Notes\"\r\n1002388,VOI10C01SUNR,14.00,8,\"seats, incl. reception\"\r\n\r\n",
        dir.path(),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    let bluebird = std::fs::read_to_string(dir.path().join("companies/bluebird.yaml")).unwrap();
    assert!(
        bluebird.contains("{ product: VOI10C01SUNR_14, quantity: 8 }"),
        "{bluebird}"
    );
}

#[test]
fn an_export_that_is_not_utf8_or_not_there_is_refused_by_name() {
    let dir = copy_of_examples();
    let out = run_import(
        dir.path(),
        "latin1.csv",
        b"Account,SKU,Cost,Qty\n1,Caf\xe9R,1,1\n",
        dir.path(),
        &[],
    );
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(
        out.stderr.contains(
            "latin1.csv:2: the file is not UTF-8 text (invalid byte at offset 26); save it as UTF-8"
        ),
        "{}",
        out.stderr
    );
    let missing = dir.path().join("missing.csv");
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            missing.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .run();
    assert_eq!(out.code, 78, "{}", out.transcript());
    assert!(
        out.stderr
            .contains("missing.csv: cannot read the file: No such file"),
        "{}",
        out.stderr
    );
}

/// A configuration folder of `files` and an export, imported by the binary with `extra` flags:
/// the output and the files after.
fn import_into(
    given: &[(&str, &str)],
    export: &str,
    extra: &[&str],
) -> (
    common::Output,
    std::collections::BTreeMap<PathBuf, String>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    for (name, text) in given {
        let path = config.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, export).unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            config.to_str().unwrap(),
        ])
        .args(extra.iter().copied())
        .env("CWRECON_TODAY", "2026-11-25")
        .run();
    let after = files(&config);
    (out, after, dir)
}

const PRODUCTS: &str = "products:\n  - sku: A1R\n    unit_cost: 1.00\n    retail_price: 2.00\n    description: Mailbox\n    taxable: false\n";

#[test]
fn an_item_ends_at_its_last_indented_line_even_a_field_without_a_recorded_place() {
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - product: A1R_1\n          quantity: 3\n          bill_customer: DoNotBill\n          # the customer's own line\n\n# end of file";
    let (out, after, _dir) = import_into(
        &[("products.yaml", PRODUCTS), ("one.yaml", company)],
        "Account,SKU,Cost,Price,Qty,Description\n1,A1R,1,2,3,Mailbox\n1,B1R,1,2,4,Archive\n",
        &["--add-unknown"],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        after[Path::new("products.yaml")],
        format!(
            "{PRODUCTS}  - sku: B1R\n    unit_cost: 1.00\n    retail_price: 2.00\n    description: Archive\n"
        ),
        "the new product goes after `taxable`, which stays with A1R"
    );
    assert_eq!(
        after[Path::new("one.yaml")],
        company.replace(
            "          # the customer's own line\n",
            "          # the customer's own line\n        - { product: B1R_1, quantity: 4 }\n"
        )
    );
}

#[test]
fn a_file_without_a_final_line_break_and_a_crlf_file_get_whole_lines() {
    let lf = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 3 }";
    let crlf = "companies:\r\n  - account: \"2\"\r\n    identifier: Two\r\n    agreement:\r\n      name: Intermedia - Two\r\n      start_date: 2026-01-01\r\n      additions:\r\n        - { product: A1R_1, quantity: \"3\" }\r\n";
    let (out, after, _dir) = import_into(
        &[
            ("products.yaml", PRODUCTS),
            ("one.yaml", lf),
            ("two.yaml", crlf),
        ],
        "Account,SKU,Cost,Qty\n1,A1R,1,3\n1,B1R,1,4\n2,A1R,1,5\n2,B1R,1,6\n",
        &["--add-unknown"],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        after[Path::new("one.yaml")],
        format!("{lf}\n        - {{ product: B1R_1, quantity: 4 }}\n")
    );
    assert_eq!(
        after[Path::new("two.yaml")],
        crlf.replace(
            "quantity: \"3\" }\r\n",
            "quantity: \"5\" }\r\n        - { product: B1R_1, quantity: 6 }\r\n"
        ),
        "quotes and CRLF line endings are kept"
    );
}

#[test]
fn an_anchored_count_is_left_for_a_person_and_detailed_exitcode_says_so() {
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: &seats 31 }\n        - { product: B1R_1, quantity: *seats }\n";
    let products = "products:\n  - { sku: A1R, unit_cost: 1, description: Mailbox }\n  - { sku: b1r, unit_cost: 1, description: Archive }\n";
    let (out, after, _dir) = import_into(
        &[("products.yaml", products), ("one.yaml", company)],
        "Account,SKU,Cost,Qty\n1,A1R,1,29\n1,B1R,1,31\n",
        &["--detailed-exitcode"],
    );
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert_eq!(after[Path::new("one.yaml")], company, "nothing written");
    assert!(
        out.stdout.contains("One A1R_1: set quantity to 29 by hand"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_configurations_spelling_of_an_item_is_kept() {
    let products = "products:\n  - { sku: VOI10C01SUNR, unit_cost: 14, description: Voice }\n";
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 1 }\n";
    let (out, after, _dir) = import_into(
        &[
            (
                "products.yaml",
                &format!("{products}  - {{ sku: A1R, unit_cost: 1, description: Mailbox }}\n"),
            ),
            ("one.yaml", company),
        ],
        "Account,SKU,Cost,Qty\n1,voi10c01sunr,14.00,2\n1,A1R,1,1\n",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(
        after[Path::new("one.yaml")]
            .ends_with("        - { product: VOI10C01SUNR_14, quantity: 2 }\n"),
        "{}",
        after[Path::new("one.yaml")]
    );
}

#[test]
fn flow_style_products_cannot_take_a_new_one_but_every_other_edit_is_made() {
    let products = "products: [ { sku: A1R, unit_cost: 1, description: Mailbox } ]\n";
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 1 }\n";
    let (out, after, _dir) = import_into(
        &[("products.yaml", products), ("one.yaml", company)],
        "Account,SKU,Cost,Qty\n1,A1R,1,5\n1,B1R,1,4\n",
        &["--add-unknown", "--detailed-exitcode"],
    );
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert_eq!(after[Path::new("products.yaml")], products);
    assert_eq!(
        after[Path::new("one.yaml")],
        company.replace("quantity: 1", "quantity: 5")
    );
    assert!(
        out.stdout
            .contains("add product B1R_1 to `products` by hand"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_new_company_file_outside_the_configuration_folders_is_not_written() {
    let elsewhere = tempfile::tempdir().unwrap();
    let (out, after, _dir) = import_into(
        &[("products.yaml", PRODUCTS)],
        "Account,Company,SKU,Cost,Qty\n9,Echo,A1R,1,5\n",
        &[
            "--add-unknown",
            "--companies-dir",
            elsewhere.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    assert!(
        out.stdout
            .contains("is not inside a configuration folder given on the command line"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_write_that_fails_changes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("config");
    std::fs::create_dir_all(&root).unwrap();
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 1 }\n";
    std::fs::write(root.join("products.yaml"), PRODUCTS).unwrap();
    std::fs::write(root.join("one.yaml"), company).unwrap();
    // `blocked` is a file, so no folder can be made under it for the new company.
    std::fs::write(root.join("blocked"), "").unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "Account,Company,SKU,Cost,Qty\n1,One,A1R,1,5\n9,Echo,A1R,1,5\n",
    )
    .unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            root.to_str().unwrap(),
            "--add-unknown",
            "--companies-dir",
            root.join("blocked/companies").to_str().unwrap(),
        ])
        .env("CWRECON_TODAY", "2026-11-25")
        .run();
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(
        out.stderr
            .contains("The import stopped part way. Written: none."),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(root.join("one.yaml")).unwrap(),
        company
    );
    let names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("cwrecon-import")),
        "temporary files are removed: {names:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::too_many_lines,
    reason = "one tenant through four billing situations, in order"
)]
async fn reconcile_bills_at_the_live_price_and_nothing_for_an_addition_not_billed() {
    let t = tenant().await;
    let dir = copy_of_examples();
    let config = dir.path().join("cedar");
    std::fs::create_dir_all(config.join("companies")).unwrap();
    for file in [
        "integration.yaml",
        "setup.yaml",
        "products.yaml",
        "companies/cedar.yaml",
    ] {
        std::fs::copy(dir.path().join(file), config.join(file)).unwrap();
    }
    let config_arg = config.to_str().unwrap().to_owned();
    let applied = t
        .cli(&[
            "apply",
            &config_arg,
            "--auto-approve",
            "--journal",
            "/dev/null",
        ])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let csv = dir.path().join("cedar.csv");
    std::fs::write(
        &csv,
        "Account ID,SKU,Unit Cost,Quantity\n1002401,MXS10C01SUNR,6.50,120\n1002401,MXS10C01SUNO,0,120\n1002401,SEC10C01SUNR,2.00,120\n1002401,ARC10C01SUNR,2.50,120\n",
    )
    .unwrap();
    let csv_arg = csv.to_str().unwrap().to_owned();
    let reconcile = || {
        t.cli(&[
            "reconcile",
            "intermedia",
            &csv_arg,
            &config_arg,
            "--format",
            "csv",
        ])
        .run()
    };
    let line = |out: &common::Output, item: &str| -> Vec<String> {
        let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
        let record = reader
            .records()
            .map(Result::unwrap)
            .find(|r| &r[2] == item)
            .unwrap();
        record.iter().map(str::to_owned).collect()
    };
    let before = reconcile();
    assert_eq!(line(&before, "ARC10C01SUNR_2.5")[11], "match");

    // A new retail price in the configuration, not applied yet: ConnectWise still bills 4.00.
    let products = config.join("products.yaml");
    let text = std::fs::read_to_string(&products).unwrap();
    std::fs::write(
        &products,
        text.replace(
            "unit_cost: 2.50\n    retail_price: 4.00",
            "unit_cost: 2.50\n    retail_price: 5.00",
        ),
    )
    .unwrap();
    let priced = line(&reconcile(), "ARC10C01SUNR_2.5");
    assert_eq!(
        priced[6..12],
        ["5.00", "true", "480.00", "600.00", "120.00", "not_applied"],
        "{priced:?}"
    );

    // An addition set to DoNotBill by hand in ConnectWise bills nothing.
    let agreement = t
        .list(
            "/finance/agreements",
            "name = \"Intermedia - Cedar & Pine\"",
        )
        .await;
    let agreement_id = agreement[0]["id"].as_i64().unwrap();
    let additions = t
        .list(
            &format!("/finance/agreements/{agreement_id}/additions"),
            "product/identifier = \"SEC10C01SUNR_2\"",
        )
        .await;
    let addition_id = additions[0]["id"].as_i64().unwrap();
    t.patch(
        &format!("/finance/agreements/{agreement_id}/additions/{addition_id}"),
        "billCustomer",
        serde_json::json!("DoNotBill"),
    )
    .await;
    // The configuration does not say, so ConnectWise's `DoNotBill` stands on both sides.
    let unbilled = line(&reconcile(), "SEC10C01SUNR_2");
    assert_eq!(
        unbilled[8..12],
        ["0.00", "0.00", "0.00", "match"],
        "{unbilled:?}"
    );

    // Declared billable in the configuration: not applied until apply puts it back.
    let cedar = config.join("companies/cedar.yaml");
    let text = std::fs::read_to_string(&cedar).unwrap();
    std::fs::write(
        &cedar,
        text.replace(
            "{ product: SEC10C01SUNR_2, quantity: 120 }",
            "{ product: SEC10C01SUNR_2, quantity: 120, bill_customer: Billable }",
        ),
    )
    .unwrap();
    let declared = line(&reconcile(), "SEC10C01SUNR_2");
    assert_eq!(
        declared[8..12],
        ["0.00", "480.00", "480.00", "not_applied"],
        "{declared:?}"
    );

    // A second active addition of the same item is billed too, and named.
    t.post(
        &format!("/finance/agreements/{agreement_id}/additions"),
        serde_json::json!({
            "product": { "identifier": "ARC10C01SUNR_2.5" },
            "quantity": 3,
            "unitPrice": 3.5,
            "billCustomer": "Billable",
            "effectiveDate": "2026-11-01T00:00:00Z",
        }),
    )
    .await;
    let twice = line(&reconcile(), "ARC10C01SUNR_2.5");
    assert_eq!(twice[5], "123", "{twice:?}");
    assert_eq!(twice[8], "490.50", "120 × 4.00 + 3 × 3.50: {twice:?}");
    assert_eq!(twice[11], "duplicate_in_connect_wise", "{twice:?}");
}

/// Two companies whose additions come from one anchored list, and a count anchored on the line
/// before it: no export value may reach the other company through the anchor.
#[test]
fn values_shared_through_anchors_are_never_edited_for_one_company_alone() {
    let products = "products:\n  - { sku: A1R, unit_cost: 1, description: Mailbox }\n";
    let shared_list = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions: &std\n        - { product: A1R_1, quantity: 42 }\n  - account: \"2\"\n    identifier: Two\n    agreement:\n      name: Intermedia - Two\n      start_date: 2026-01-01\n      additions: *std\n";
    let (out, after, _dir) = import_into(
        &[("products.yaml", products), ("companies.yaml", shared_list)],
        "Account,SKU,Cost,Qty\n1,A1R,1,44\n2,A1R,1,42\n",
        &["--detailed-exitcode"],
    );
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert_eq!(after[Path::new("companies.yaml")], shared_list);
    assert!(
        out.stdout.contains("One A1R_1: set quantity to 44 by hand"),
        "{}",
        out.stdout
    );

    let anchored_before = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - product: A1R_1\n          quantity: &seats\n            42\n  - account: \"2\"\n    identifier: Two\n    agreement:\n      name: Intermedia - Two\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: *seats }\n";
    let (out, after, _dir) = import_into(
        &[
            ("products.yaml", products),
            ("companies.yaml", anchored_before),
        ],
        "Account,SKU,Cost,Qty\n1,A1R,1,44\n2,A1R,1,42\n",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        after[Path::new("companies.yaml")],
        anchored_before,
        "nothing written"
    );
    assert!(
        out.stdout.contains("One A1R_1: set quantity to 44 by hand"),
        "{}",
        out.transcript()
    );
}

#[test]
fn an_account_with_other_leading_zeros_is_never_added_as_a_new_company() {
    let company = "companies:\n  - account: \"0012345\"\n    identifier: Acme\n    agreement:\n      name: Intermedia - Acme\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 1 }\n";
    let (out, after, _dir) = import_into(
        &[("products.yaml", PRODUCTS), ("acme.yaml", company)],
        "Account,Company,SKU,Cost,Qty,Country,First Name,Last Name\n12345,Acme Corp,A1R,1,5,United States,Ann,Lee\n",
        &["--add-unknown"],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(after.len(), 2, "no new company file: {:?}", after.keys());
    assert!(
        out.stdout.contains("the configuration has account 0012345: a spreadsheet may have added or dropped leading zeros"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_count_of_zero_missing_from_the_export_is_in_order() {
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 2 }\n        - { product: B1R_1, quantity: 0 }  # cancelled by the customer\n";
    let products = format!("{PRODUCTS}  - {{ sku: B1R, unit_cost: 1, description: Archive }}\n");
    let (out, _after, _dir) = import_into(
        &[("products.yaml", &products), ("one.yaml", company)],
        "Account,SKU,Cost,Qty\n1,A1R,1,2\n",
        &["--dry-run", "--detailed-exitcode"],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
}

/// The vendor's billing report lists recurring items only: a one-time item (a setup fee) missing
/// from it is expected, noted as such, and not a difference for `--detailed-exitcode`; a recurring
/// one missing is.
#[test]
fn a_one_time_item_missing_from_the_export_is_expected() {
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - { product: A1R_1, quantity: 2 }\n        - { product: SET1O_0, quantity: 2 }\n";
    let products = format!(
        "{PRODUCTS}  - {{ sku: SET1O, unit_cost: 0, retail_price: 25, description: Setup fee }}\n"
    );
    let (out, _after, _dir) = import_into(
        &[("products.yaml", &products), ("one.yaml", company)],
        "Account,SKU,Cost,Qty\n1,A1R,1,2\n",
        &["--dry-run", "--detailed-exitcode"],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(
        out.stdout.contains(
            "One SET1O_0: a one-time item, which the vendor's billing report never lists"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("not in the export"), "{}", out.stdout);

    let (recurring, _after, _dir) = import_into(
        &[("products.yaml", &products), ("one.yaml", company)],
        "Account,SKU,Cost,Qty\n1,SET1O,0,2\n",
        &["--dry-run", "--detailed-exitcode"],
    );
    assert_eq!(recurring.code, 2, "{}", recurring.transcript());
    assert!(
        recurring.stdout.contains("One A1R_1: not in the export"),
        "{}",
        recurring.stdout
    );
}

#[test]
fn a_comment_at_the_lists_indentation_inside_the_last_item_does_not_end_it() {
    let company = "companies:\n  - account: \"1\"\n    identifier: One\n    agreement:\n      name: Intermedia - One\n      start_date: 2026-01-01\n      additions:\n        - product: A1R_1\n# a note at column 0\n          quantity: 2\n";
    let (out, after, _dir) = import_into(
        &[
            (
                "products.yaml",
                &format!("{PRODUCTS}  - {{ sku: B1R, unit_cost: 1, description: Archive }}\n"),
            ),
            ("one.yaml", company),
        ],
        "Account,SKU,Cost,Qty\n1,A1R,1,2\n1,B1R,1,3\n",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        after[Path::new("one.yaml")],
        format!("{company}        - {{ product: B1R_1, quantity: 3 }}\n")
    );
}
