//! The command line as a person and a pipeline meet it: exit codes, help, colour, secrets.

use crate::common;

use crate::common::Cli;

#[test]
fn valid_examples_exit_zero_with_a_summary() {
    let output = Cli::new().args(["validate", "examples/intermedia"]).run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn every_documented_exit_code_of_validate() {
    let cases: [(&[&str], i32); 8] = [
        (&["validate", "examples/intermedia"], 0),
        (
            &["validate", "tests/fixtures/invalid/negative-price.yaml"],
            78,
        ),
        (&["validate", "no/such/path.yaml"], 78),
        (&["validate"], 64),
        (&["validate", "--no-such-flag", "x.yaml"], 64),
        (&[], 64),
        (&["--help"], 0),
        (&["--version"], 0),
    ];
    for (args, code) in cases {
        let output = Cli::new().args(args.iter().copied()).run();
        assert_eq!(
            output.code,
            code,
            "cwrecon {}: {}",
            args.join(" "),
            output.transcript()
        );
    }
}

#[test]
fn usage_errors_never_exit_2_which_means_changes() {
    for args in [
        vec!["plan-typo"],
        vec!["validate", "--bogus"],
        vec!["schema", "extra"],
    ] {
        let output = Cli::new().args(args.clone()).run();
        assert_eq!(output.code, 64, "{args:?}: {}", output.transcript());
    }
}

#[test]
fn a_missing_path_is_named() {
    let output = Cli::new().args(["validate", "no/such/path.yaml"]).run();
    assert!(
        output.stderr.contains("no/such/path.yaml"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("No such file"), "{}", output.stderr);
}

#[test]
fn a_folder_without_yaml_is_an_error_not_an_empty_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let output = Cli::new()
        .args(["validate", &dir.path().display().to_string()])
        .run();
    assert_eq!(output.code, 78);
    assert!(
        output.stderr.contains("no *.yaml or *.yml files"),
        "{}",
        output.stderr
    );
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in [
        "validate",
        "schema",
        "sim",
        "plan",
        "apply",
        "demo",
        "completions",
        "man",
    ] {
        let output = Cli::new().args([sub, "--help"]).run();
        assert_eq!(output.code, 0);
        assert!(
            output.stdout.contains("Examples:"),
            "{sub}: {}",
            output.stdout
        );
        assert!(
            output.stdout.contains(&format!("cwrecon {sub}")),
            "{sub}: {}",
            output.stdout
        );
    }
}

#[test]
fn colour_only_when_asked_and_never_under_no_color_auto() {
    let bad = "tests/fixtures/invalid/negative-price.yaml";
    let plain = Cli::new().args(["validate", bad]).run();
    assert!(
        !plain.stderr.contains('\u{1b}'),
        "not a terminal: no escapes"
    );
    let forced = Cli::new()
        .args(["--color", "always", "validate", bad])
        .run();
    assert!(forced.stderr.contains('\u{1b}'), "--color always colours");
    let no_color = Cli::new()
        .env("NO_COLOR", "1")
        .args(["--color", "auto", "validate", bad])
        .run();
    assert!(!no_color.stderr.contains('\u{1b}'));
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let output = Cli::new().args(["schema"]).run();
    assert_eq!(output.code, 0);
    let on_disk =
        std::fs::read_to_string(common::root().join("schemas/cwrecon.schema.json")).unwrap();
    assert_eq!(output.stdout, on_disk);
}

#[test]
fn keys_never_appear_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Zq8vK2mXhunter2SECRET";
    // A literal key in the connection section, plus an unrelated error elsewhere in the same file,
    // so both the key's own diagnostic and a neighbouring snippet are rendered.
    let text = format!(
        "connection:\n  public_key: {secret}PUB\n  private_key: \"{secret}\"\nproducts:\n  - {{ sku: A1R, unit_cost: -1, description: x }}\n"
    );
    let file = dir.path().join("leak.yaml");
    std::fs::write(&file, text).unwrap();
    let path = file.display().to_string();
    for color in ["never", "always"] {
        let output = Cli::new()
            .env("CW_PRIVATE_KEY", secret)
            .args(["--color", color, "-vvv", "validate", &path])
            .run();
        assert_eq!(output.code, 78);
        assert!(output.stderr.contains("literal key"), "{}", output.stderr);
        assert!(
            !output.transcript().contains(secret),
            "{}",
            output.transcript()
        );
        assert!(
            !output.transcript().contains("hunter2"),
            "{}",
            output.transcript()
        );
    }
}

#[test]
fn a_broken_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_cwrecon"))
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before cwrecon writes
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_file_named_twice_is_read_once() {
    let output = Cli::new()
        .args([
            "validate",
            "examples/intermedia",
            "examples/intermedia/products.yaml",
        ])
        .run();
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains("7 files"), "{}", output.stdout);
}

#[test]
fn keys_never_appear_in_any_output_whatever_the_yaml_style() {
    let secret = "Zq8vK2mXhunter2SECRET";
    let cases = [
        format!(
            "connection: {{ public_key: {secret}, private_key: x{secret} }}\nproducts: [{{ sku: A1R, unit_cost: -1, description: x }}]\n"
        ),
        format!("connection:\n  private_key: |\n    {secret}\n  site: [\n"),
        format!("anchor: &k {secret}\nconnection:\n  private_key: *k\n"),
        format!("connection:\n  site: ${{env:CW_SITE}}\n  privateKey: {secret}\n"),
        format!(
            "setup:\n  managed_devices_integrations:\n    - {{ name: I, solution: I, global_login_password: {secret} }}\n"
        ),
    ];
    for text in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("leak.yaml");
        std::fs::write(&file, &text).unwrap();
        let output = Cli::new()
            .args(["--color", "always", "validate", &file.display().to_string()])
            .run();
        assert_eq!(output.code, 78, "{text}\n{}", output.transcript());
        assert!(
            !output.transcript().contains("hunter2"),
            "{text}\n{}",
            output.transcript()
        );
    }
}

#[test]
fn completions_and_man_page_come_from_the_command_definitions() {
    let bash = Cli::new().args(["completions", "bash"]).run();
    assert_eq!(bash.code, 0);
    assert!(
        bash.stdout.contains("_cwrecon()") && bash.stdout.contains("validate"),
        "{}",
        bash.stdout
    );
    let man = Cli::new().args(["man"]).run();
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.contains(".TH cwrecon 1") && man.stdout.contains("apply"),
        "{}",
        man.stdout
    );
    // One page, whole: it carries every command's help and refers to no page it does not install.
    assert!(
        !man.stdout.contains("cwrecon\\-") && !man.stdout.contains("(1)"),
        "{}",
        man.stdout
    );
    for command in [
        "plan",
        "apply",
        "unlock",
        "doctor",
        "export",
        "import",
        "reconcile",
    ] {
        assert!(
            man.stdout.contains(&format!(".SS \"cwrecon {command}\"")),
            "{command}: {}",
            man.stdout
        );
    }
    assert!(man.stdout.contains("--lock-timeout"), "{}", man.stdout);
}

#[test]
fn config_errors_become_github_annotations_on_request_or_in_actions() {
    let asked = Cli::new()
        .args([
            "validate",
            "--format",
            "github",
            "tests/fixtures/invalid/negative-price.yaml",
        ])
        .run();
    assert_eq!(asked.code, 78);
    assert_eq!(
        asked.stdout,
        "::error file=tests/fixtures/invalid/negative-price.yaml,line=2,col=57::retail price is negative (-12)\n"
    );
    let in_actions = Cli::new()
        .env("GITHUB_ACTIONS", "true")
        .args([
            "validate",
            "tests/fixtures/invalid-sets/pricing-across-files",
        ])
        .run();
    assert!(
        in_actions.stdout.starts_with(
            "::error file=tests/fixtures/invalid-sets/pricing-across-files/b.yaml,line=4,col=19::"
        ),
        "{}",
        in_actions.stdout
    );
    let plain = Cli::new()
        .args(["validate", "tests/fixtures/invalid/negative-price.yaml"])
        .run();
    assert!(plain.stdout.is_empty(), "no annotations outside Actions");
}
