//! Hostile input is refused with a clear error within a bounded budget: never a hang, a crash or
//! unbounded memory. (No timing assertions: a hang would show as a test that never finishes.)

use crate::common;

use std::fmt::Write as _;

use crate::common::Cli;
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
        output.stderr.contains("the limit for a configuration file"),
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

#[test]
fn an_endless_device_is_read_only_up_to_the_limit() {
    // /dev/zero reports size 0 and never ends: the read must stop at the limit, not exhaust memory.
    let output = Cli::new().args(["validate", "/dev/zero"]).run();
    assert_eq!(output.code, 78, "{}", output.transcript());
    assert!(output.stderr.contains("larger than"), "{}", output.stderr);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_read_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("products.yaml"),
        "products:\n  - { sku: A1R, unit_cost: 1, description: a }\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(".", dir.path().join("again")).expect("link");
    std::os::unix::fs::symlink(".", dir.path().join("and-again")).expect("link");
    let output = Cli::new()
        .args(["validate", &dir.path().display().to_string()])
        .run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains("1 file, "), "{}", output.stdout);
}

#[test]
fn thousands_of_problems_are_summarised_not_all_rendered() {
    let mut text = String::from("products:\n");
    for i in 0..3_000 {
        let _ = writeln!(text, "  - {{ sku: A{i}R, unit_cost: -1, description: x }}");
    }
    let output = validate_text("many.yaml", &text);
    assert_eq!(output.code, 78);
    assert_eq!(
        output.stderr.matches("cwrecon::config::negative").count(),
        50,
        "50 rendered in full"
    );
    assert!(
        output.stderr.contains("and 2950 more problems not shown"),
        "{}",
        output.stderr.lines().last().unwrap_or("")
    );
    assert!(output.stderr.contains("3000 problems found"));
}

#[test]
fn a_huge_line_is_located_in_words_not_printed() {
    let long = "x".repeat(50_000);
    let text = format!("products:\n  - {{ sku: A1R, unit_cost: -1, description: {long} }}\n");
    let output = validate_text("long.yaml", &text);
    assert_eq!(output.code, 78);
    assert!(
        output.stderr.len() < 5_000,
        "stderr is {} bytes",
        output.stderr.len()
    );
    assert!(output.stderr.contains("long.yaml:2:"), "{}", output.stderr);
}
