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
