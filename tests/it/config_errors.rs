//! Every invalid configuration under `tests/fixtures/invalid*` is refused with exit 78 and exactly
//! the diagnostics in its snapshot: file, line and column, what is wrong, and how to fix it.

use crate::common::{Cli, relative, root};

#[test]
fn each_invalid_file_is_refused_with_its_diagnostics() {
    insta::glob!("../fixtures", "invalid/*.yaml", |path| {
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

/// One mistake, one error: a products file that cannot be read is reported once, and the additions
/// and cross-references naming its products are not reported as undeclared on top of it.
#[test]
fn a_file_that_cannot_be_read_gives_its_own_error_and_no_knock_on_ones() {
    let dir = tempfile::tempdir().unwrap();
    let examples = root().join("examples/intermedia");
    for file in ["integration.yaml", "setup.yaml", "products.yaml"] {
        std::fs::copy(examples.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::copy(
        examples.join("companies/acme.yaml"),
        dir.path().join("acme.yaml"),
    )
    .unwrap();
    let products = dir.path().join("products.yaml");
    let text = std::fs::read_to_string(&products).unwrap().replacen(
        "unit_cost: 7.25",
        "unit_cost: 7.2.5",
        1,
    );
    std::fs::write(&products, text).unwrap();
    let output = Cli::new()
        .args(["validate", dir.path().to_str().unwrap()])
        .run();
    assert_eq!(output.code, 78, "{}", output.transcript());
    assert!(
        output.stderr.contains("products.yaml") && output.stderr.contains("7.2.5"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("not declared"),
        "no knock-on errors: {}",
        output.stderr
    );
    assert!(
        output.stderr.contains("1 problem found"),
        "{}",
        output.stderr
    );
}

/// An unknown reference suggests the closest declared name.
#[test]
fn an_unknown_reference_suggests_the_closest_declared_name() {
    let output = Cli::new()
        .args([
            "validate",
            "tests/fixtures/invalid/addition-unknown-product.yaml",
        ])
        .run();
    assert_eq!(output.code, 78);
    assert!(
        output.stderr.contains("did you mean `MXS10C01SUNR_7.25`?"),
        "{}",
        output.stderr
    );
}
