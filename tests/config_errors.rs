//! Every invalid configuration under `tests/fixtures/invalid*` is refused with exit 78 and exactly
//! the diagnostics in its snapshot: file, line and column, what is wrong, and how to fix it.

mod common;

use common::{Cli, relative, root};

#[test]
fn each_invalid_file_is_refused_with_its_diagnostics() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let output = Cli::new().args(["validate", &relative(path)]).run();
        assert_eq!(output.code, 78, "{}", output.transcript());
        assert!(
            output.stdout.is_empty(),
            "nothing on stdout for invalid config"
        );
        insta::assert_snapshot!(output.transcript());
    });
}

#[test]
fn each_invalid_set_of_files_is_refused_naming_both_files() {
    let sets = root().join("tests/fixtures/invalid-sets");
    let mut dirs: Vec<_> = std::fs::read_dir(&sets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4, "the multi-file cases are present");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let output = Cli::new().args(["validate", &relative(&dir)]).run();
        assert_eq!(output.code, 78, "{}", output.transcript());
        assert!(
            output.stderr.contains("a.yaml") && output.stderr.contains("b.yaml"),
            "{name}: both files named"
        );
        insta::assert_snapshot!(name, output.transcript());
    }
}

#[test]
fn all_problems_in_all_files_are_reported_in_one_run() {
    let output = Cli::new()
        .args([
            "validate",
            "tests/fixtures/invalid/negative-price.yaml",
            "tests/fixtures/invalid/unknown-field-nested.yaml",
        ])
        .run();
    assert_eq!(output.code, 78);
    assert!(
        output.stderr.contains("negative-price.yaml:2:57"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("unknown-field-nested.yaml:4:5"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("2 problems found"),
        "{}",
        output.stderr
    );
}
