//! `cwrecon import intermedia` and `cwrecon reconcile intermedia`, run as the binary: the vendor's
//! billing export written into a copy of `examples/intermedia`, hand-written parts kept byte for
//! byte; unknown items reported (and added on request); a bad export refused by line; and the
//! reconciliation against a simulated tenant before and after import + apply.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

mod common;

use std::path::{Path, PathBuf};

use common::Cli;
use common::tenant::tenant;

const EXPORT: &str = "examples/billing/intermedia-export.csv";

/// A copy of `examples/intermedia` to edit.
fn copy_of_examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::root().join("examples/intermedia"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

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
    Cli::new()
        .args(["import", "intermedia", EXPORT, dir.to_str().unwrap()])
        .args(extra.iter().copied())
        .env("CWRECON_TODAY", "2026-11-25")
        .run()
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
            "{EXPORT}:17  SKU FAX10C01SUNR at unit cost 0.5 (account 1002417): no product"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "{EXPORT}:18  account 1002452 (Echo Dental Group), 2 row(s): no company"
        )),
        "{}",
        out.stdout
    );
    // The result is a valid configuration, and importing again changes nothing.
    let valid = Cli::new()
        .args(["validate", dir.path().to_str().unwrap()])
        .run();
    assert_eq!(valid.code, 0, "{}", valid.transcript());
    let again = import(dir.path(), &["--dry-run", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(
        again
            .stdout
            .contains("the configuration already has the export's counts and prices"),
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
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "Account ID,SKU,Unit Cost,Retail Price,Quantity\n1002345,MXS10C01SUNR,7.25,12.00,44\n1002388,MXS10C01SUNR,7.25,12.50,9\n1002388,VOI10C01SUNR,fourteen,22.00,7\n",
    )
    .unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .run();
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
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "Account,SKU,Cost,Price,Qty\n1,A1R,7.25,12.5,4\n").unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            config.to_str().unwrap(),
        ])
        .run();
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
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "Account,SKU,Cost,Qty\n1,A1R,1,5\n2,A1R,1,6\n").unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            config.to_str().unwrap(),
        ])
        .run();
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
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "\u{feff}\"Account ID\",\"SKU\",\"Unit Cost\",\"Quantity\",\"Notes\"\r\n1002388,VOI10C01SUNR,14.00,8,\"seats, incl. reception\"\r\n\r\n",
    )
    .unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .run();
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
    let csv = dir.path().join("latin1.csv");
    std::fs::write(&csv, b"Account,SKU,Cost,Qty\n1,Caf\xe9R,1,1\n").unwrap();
    let out = Cli::new()
        .args([
            "import",
            "intermedia",
            csv.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .run();
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
