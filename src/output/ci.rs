//! CI job logs: GitHub Actions and GitLab CI read every line a job prints.
//!
//! GitHub runs a line as a workflow command when, leading whitespace aside, it starts with `::`
//! (`::add-mask::`, `::error::`, `::stop-commands::`, `::set-output`) or with the older `##[`
//! form; Azure Pipelines does the same with `##vso[`. GitLab opens and closes log sections with
//! `section_start:` / `section_end:` markers, which need ESC and CR around them (both shown as
//! escapes by [`terminal`]), and are neutralised here too when a line starts with one.
//!
//! Rules:
//! - [`neutralise`]: a line that would be read as a command gets a `\` before its first visible
//!   character, so it is shown and never run. The stream writers apply it to everything cwrecon
//!   prints, except the annotations below.
//! - [`github_error`]: the `::error` annotations cwrecon prints on purpose (`--format github`), with
//!   GitHub's escaping of the message (`%`, CR, LF) and of properties (also `:` and `,`), and every
//!   other hidden character shown as an escape, so a value cannot end the command or start another.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::terminal;

/// What a line starts with (after leading whitespace) when a CI runner would act on it.
const COMMAND_STARTS: &[&str] = &["::", "##[", "##vso[", "section_start:", "section_end:"];

/// Whether a CI runner would read `line` as a command.
pub fn is_command(line: &str) -> bool {
    let start = line.trim_start();
    COMMAND_STARTS.iter().any(|m| start.starts_with(m))
}

/// Every line that would be read as a command, with a `\` before its first visible character.
pub fn neutralise(output: &str) -> Cow<'_, str> {
    if !output.split('\n').any(is_command) {
        return Cow::Borrowed(output);
    }
    let mut out = String::with_capacity(output.len() + 8);
    for (i, line) in output.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if is_command(line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push('\\');
            out.push_str(&line[indent..]);
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// GitHub's escaping of workflow-command data (`%`, CR, LF) and, in a property, also `:` and `,`;
/// any other hidden character is shown as an escape.
pub fn github_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if terminal::is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Where an annotation points: file, and line and column when known.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    /// The file, as given.
    pub file: &'a str,
    /// 1-based line.
    pub line: Option<u64>,
    /// 1-based column.
    pub column: Option<u64>,
}

/// `::error file=…,line=…,col=…::message`, one line.
pub fn github_error(location: Option<Location<'_>>, message: &str) -> String {
    let message = github_escape(message, false);
    let Some(at) = location else {
        return format!("::error::{message}");
    };
    let mut properties = format!("file={}", github_escape(at.file, true));
    if let Some(line) = at.line {
        let _ = write!(properties, ",line={line}");
    }
    if let Some(column) = at.column {
        let _ = write!(properties, ",col={column}");
    }
    format!("::error {properties}::{message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn command_lines_are_shown_not_run() {
        assert_eq!(
            neutralise("plan\n::add-mask::x\n"),
            "plan\n\\::add-mask::x\n"
        );
        assert_eq!(neutralise("  ::error::y"), "  \\::error::y");
        assert_eq!(
            neutralise("##[set-output name=a;]b"),
            "\\##[set-output name=a;]b"
        );
        assert_eq!(neutralise("name: ::x"), "name: ::x", "not at a line start");
        assert!(matches!(neutralise("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn annotations_escape_their_data() {
        assert_eq!(
            github_error(
                Some(Location {
                    file: "a,b:c.yaml",
                    line: Some(3),
                    column: Some(7)
                }),
                "bad\n::add-mask::x 100%"
            ),
            "::error file=a%2Cb%3Ac.yaml,line=3,col=7::bad%0A::add-mask::x 100%25"
        );
        assert_eq!(github_error(None, "x\u{1b}y"), "::error::x\\u{1b}y");
        assert_eq!(
            github_error(
                Some(Location {
                    file: "e.csv",
                    line: Some(2),
                    column: None
                }),
                "m"
            ),
            "::error file=e.csv,line=2::m"
        );
    }

    proptest! {
        #[test]
        fn no_line_starts_a_command_after_neutralising(text in "(\\s{0,2}(::|##\\[|x)[^\n]{0,8}\n?){0,6}") {
            let shown = neutralise(&text);
            prop_assert!(!shown.split('\n').any(is_command), "{:?}", shown);
        }

        #[test]
        fn an_annotation_is_one_line(message in any::<String>(), file in any::<String>()) {
            let line = github_error(Some(Location { file: &file, line: Some(1), column: None }), &message);
            prop_assert!(!line.contains('\n') && !line.contains('\r'));
            prop_assert!(!line.chars().any(terminal::is_hidden));
        }
    }
}
