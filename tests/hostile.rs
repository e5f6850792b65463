//! Hostile input is refused with a clear error within a bounded budget: never a hang, a crash or
//! unbounded memory. (No timing assertions: a hang would show as a test that never finishes.)

mod common;

use common::Cli;
use proptest::prelude::*;

fn validate_text(name: &str, text: &str) -> common::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write fixture");
    let output = Cli::new()
        .args(["validate", &path.display().to_string()])
        .run();
    drop(dir);
    output
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let limit = usize::try_from(cwrecon::config::MAX_FILE_BYTES).unwrap();
    let text = format!("# {}\n", "x".repeat(limit));
    let output = validate_text("huge.yaml", &text);
    assert_eq!(output.code, 78, "{}", output.transcript());
    assert!(
        output.stderr.contains("configuration files are limited to"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("split the configuration"),
        "{}",
        output.stderr
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    for opener in ["[", "{a: "] {
        let text = format!("products: {}\n", opener.repeat(200_000));
        let output = validate_text("deep.yaml", &text);
        assert_eq!(output.code, 78, "{}", output.transcript());
        assert!(output.stderr.contains("deep.yaml:1:"), "{}", output.stderr);
    }
}

#[test]
fn alias_amplification_is_refused_by_the_budget() {
    let mut text = String::from("products:\n  - &p { sku: A1R, unit_cost: 1, description: x }\n");
    for _ in 0..5_000 {
        text.push_str("  - *p\n");
    }
    let output = validate_text("aliases.yaml", &text);
    assert_eq!(output.code, 78);
    assert!(output.stderr.contains("input budget"), "{}", output.stderr);
}

#[test]
fn binary_garbage_is_refused_as_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary.yaml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let output = Cli::new()
        .args(["validate", &path.display().to_string()])
        .run();
    assert_eq!(output.code, 78);
    assert!(output.stderr.contains("not UTF-8"), "{}", output.stderr);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The loader never panics, whatever text it is given (the fuzz target in `fuzz/` does the same
    /// with coverage guidance, outside CI).
    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in "(products:|companies:|setup:|integration:| |-|\\{|\\}|\\[|\\]|&a|\\*a|:|\\n|[a-z0-9_]{1,8}|\"|'|#|<<)*") {
        let _ = cwrecon::config::load_texts([("fuzz.yaml", text.as_str())]);
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_unicode(text in "\\PC*") {
        let _ = cwrecon::config::load_texts([("fuzz.yaml", text.as_str())]);
    }
}
