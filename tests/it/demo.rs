//! `cwrecon demo`, as a new user runs it: one command, no account, exit 0.

use crate::common::Cli;

#[test]
fn the_demo_plans_applies_and_finds_nothing_left() {
    let output = Cli::new()
        .env("CWRECON_TODAY", "2026-11-25")
        .args(["demo"])
        .run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    let out = &output.stdout;
    assert!(
        out.contains("~ update addition Intermedia / Intermedia - Acme / MXS10C01SUNR_7.25"),
        "{out}"
    );
    assert!(out.contains("quantity: 40 → 42"), "{out}");
    assert!(
        out.contains("price: 12.5 → 12"),
        "the hand-edited price goes back: {out}"
    );
    assert!(
        out.contains("+ create company link"),
        "Bluebird is linked: {out}"
    );
    assert!(
        out.contains("Applied: 45 done, 0 failed, 0 skipped (of 45 ops)"),
        "{out}"
    );
    assert!(
        out.contains("Verified: a new plan finds nothing left to change."),
        "{out}"
    );
    assert!(out.contains("Plan: no changes"), "{out}");
    let next = out.split("Next,").nth(1).unwrap_or_default();
    assert!(
        next.contains("`cwrecon doctor`") && next.contains("`cwrecon export --out DIR`"),
        "the closing advice names doctor and export: {out}"
    );
    assert!(
        !output.transcript().contains("sim-private-key"),
        "no key in the demo's output"
    );
}

/// The second story: three vendors, one billed on customers' shared agreements, whose hand-made
/// lines are read back untouched.
#[test]
fn the_multi_vendor_demo_links_once_per_vendor_and_leaves_hand_made_lines_alone() {
    let output = Cli::new()
        .env("CWRECON_TODAY", "2026-11-25")
        .args(["demo", "multi-vendor"])
        .run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    let out = &output.stdout;
    for expected in [
        "+ create company link Northwind",
        "+ create company link Bastion",
        "+ create agreement Northwind / Microsoft 365 - Acme",
        "+ create addition Managed Services / Acme - Managed Services / BST-WS-R_3.1",
        "+ create addition Managed Services / Cedar - Managed Services / BST-SRV-R_18",
        "Verified: a new plan finds nothing left to change.",
        "Plan: no changes",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    assert!(
        !out.contains("Cedar - Network Care /"),
        "the unnamed agreement of the same type is not touched: {out}"
    );
    assert_eq!(
        out.matches("+ create company\n").count(),
        1,
        "only Bluebird is created: {out}"
    );
    let read_back = out
        .split("read back from the simulator:")
        .nth(1)
        .unwrap_or_default();
    for line in [
        "HELPDESK           10  added by hand, untouched",
        "ONSITE-HOURS        4  added by hand, untouched",
        "BST-WS-R_3.1       38  Bastion's, managed by cwrecon",
    ] {
        assert!(read_back.contains(line), "{line}: {out}");
    }
    assert!(!output.transcript().contains("sim-private-key"));
}
