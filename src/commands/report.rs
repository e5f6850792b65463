//! How a failed command reaches a person: configuration problems one report each (and GitHub
//! annotations in CI), vendor-export problems by line, then one `error:` line with its causes, each
//! bounded and escaped. Usage errors from the parser exit 64, never clap's 2.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::config;
use crate::error::Error;

/// Whether problems are also printed as GitHub annotations (set by `--format github`).
pub(super) static GITHUB_ANNOTATIONS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

fn github_annotations() -> bool {
    GITHUB_ANNOTATIONS.load(std::sync::atomic::Ordering::Relaxed)
        || std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// `::error file=…,line=…,col=…::message` for one problem.
fn github_annotation(problem: &config::Problem) -> String {
    let location = problem.location();
    crate::output::ci::github_error(
        location
            .as_ref()
            .map(|(file, line, column)| crate::output::ci::Location {
                file,
                line: u64::try_from(*line).ok(),
                column: u64::try_from(*column).ok(),
            }),
        problem.message(),
    )
}

/// How many configuration problems are shown in full: past that, more detail only buries the
/// first mistake (often the cause of the rest).
const MAX_SHOWN_PROBLEMS: usize = 50;

/// Whether error reports on stderr are coloured (set with the report style): their colours stay,
/// everything else hidden in them is escaped.
pub(super) static STDERR_COLORED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Show an error to a person on stderr: config problems one report each, then a one-line summary.
/// The text goes through [`crate::output`]'s stderr writer (terminal and CI-log escaping); the
/// `::error` annotations, which cwrecon means a CI runner to read, are built by `output::ci`.
pub fn report_error(err: &Error) {
    let mut text = String::new();
    let mut annotations = String::new();
    if let Error::Config(config::Error::Invalid { problems }) = err {
        if github_annotations() {
            for problem in problems {
                let _ = writeln!(annotations, "{}", github_annotation(problem));
            }
        }
        for problem in problems.iter().take(MAX_SHOWN_PROBLEMS) {
            let _ = writeln!(text, "{:?}", miette::Report::new(problem.clone()));
        }
        if problems.len() > MAX_SHOWN_PROBLEMS {
            let _ = writeln!(
                text,
                "… and {} more problems not shown; fix these first, then run again",
                problems.len() - MAX_SHOWN_PROBLEMS
            );
        }
    }
    if let Error::VendorExport(crate::billing_report::ReportError { path, problems }) = err {
        let file = path.display().to_string();
        for problem in problems {
            if github_annotations() {
                let location = crate::output::ci::Location {
                    file: &file,
                    line: (problem.line > 0).then_some(problem.line),
                    column: None,
                };
                let _ = writeln!(
                    annotations,
                    "{}",
                    crate::output::ci::github_error(Some(location), &problem.message)
                );
            }
            let message = crate::output::terminal::text(&problem.message);
            let _ = if problem.line == 0 {
                writeln!(text, "{file}: {message}")
            } else {
                writeln!(text, "{file}:{}: {message}", problem.line)
            };
        }
    }
    let _ = writeln!(text, "error: {}", failed_to(err));
    if suggests_wrong_site(err) {
        let _ = writeln!(
            text,
            "hint: {}; `cwrecon doctor` checks the site, the keys and the rights",
            crate::connectwise::WRONG_SITE_HINT
        );
    }
    if !annotations.is_empty() {
        // Annotations are meant to start a CI command, so they skip the writer's neutralising; each
        // was escaped by `output::ci`, and no remembered secret may be in one.
        let annotations = crate::output::redact::remembered(&annotations);
        let _ = std::io::stdout().lock().write_all(annotations.as_bytes());
    }
    let style = if STDERR_COLORED.load(std::sync::atomic::Ordering::Relaxed) {
        crate::output::terminal::Style::Keep
    } else {
        crate::output::terminal::Style::Escape
    };
    crate::output::write_stderr(&text, style);
}

/// Whether a ConnectWise error anywhere in the chain says the site is not the API.
fn suggests_wrong_site(err: &Error) -> bool {
    if let Error::Lock(crate::lock::LockError::Request {
        wrong_site: true, ..
    }) = err
    {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<crate::connectwise::Error>()
            .is_some_and(crate::connectwise::Error::suggests_wrong_site)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// "failed to <message>", followed by the chain of causes, each kept to one line and a bounded
/// length: a cause may quote a server or a file.
fn failed_to(err: &Error) -> String {
    let mut text = format!("failed to {err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        let cause_text = cause.to_string();
        let shown = crate::output::terminal::text(&cause_text);
        text.push_str(&crate::output::redact::truncate(&shown, MAX_CAUSE_CHARS));
        source = cause.source();
    }
    text
}

/// The most characters of one cause shown in an error line.
const MAX_CAUSE_CHARS: usize = 1_000;
