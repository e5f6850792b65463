//! Configuration errors: [`Error`] for what stops loading, [`Problem`] for each thing wrong in the files.
//!
//! A [`Problem`] is a miette diagnostic that names its file, line and column, says what is wrong and
//! how to fix it, and labels every place involved (both definitions of a duplicate, even across
//! files). Loading collects every problem before failing, so one run shows the whole list.
//! Problems never carry secrets: sources are shown with key values masked (`load.rs`).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SpanContents};

use super::span::Span;

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path could not be read.
    #[error("read configuration {path}", path = path.display())]
    Read {
        /// The path given or found.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A folder held no YAML files.
    #[error(
        "find configuration: no *.yaml or *.yml files under {path}; name the files or a folder that holds them",
        path = path.display()
    )]
    NoFiles {
        /// The folder.
        path: PathBuf,
    },
    /// The files were read but something in them is wrong.
    #[error("load configuration: {} found", count(problems.len()))]
    Invalid {
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 problem".to_owned()
    } else {
        format!("{n} problems")
    }
}

/// A configuration file's text, as shown in diagnostics (secrets masked).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line or found in a folder.
    pub name: String,
    /// The text with key values masked, for display.
    shown: Arc<str>,
    /// Line starts, to turn a byte offset back into line and column.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A source for diagnostics. `display_text` must already have secrets masked.
    pub fn new(name: String, display_text: &str) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(display_text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            shown: Arc::from(display_text),
            name,
            line_starts,
        }
    }

    /// The 1-based line and column of a byte offset; the column counts characters, as editors do.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let (line, start, _) = self.line_of(offset);
        let column = self
            .shown
            .get(start..offset.min(self.shown.len()))
            .map_or(offset.saturating_sub(start), |s| s.chars().count());
        (line.max(1), column + 1)
    }

    /// The 1-based line number holding `offset`, and that line's start and end byte offsets.
    fn line_of(&self, offset: usize) -> (usize, usize, usize) {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.shown.len());
        (line, start, end)
    }

    /// The text as shown (secrets masked).
    pub fn text(&self) -> &str {
        &self.shown
    }

    /// The length in bytes of the line holding `offset`.
    fn line_length(&self, offset: usize) -> usize {
        let (_, start, end) = self.line_of(offset);
        end.saturating_sub(start)
    }
}

/// Diagnostics name the file and count columns in characters (miette counts bytes).
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .shown
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 && context_lines_after == 0 {
            self.line_column(span.offset()).1 - 1
        } else {
            inner.column()
        };
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )
        .with_language("yaml");
        Ok(Box::new(contents))
    }
}

/// Lines longer than this are not shown as snippets: the location is given in words instead.
const MAX_SNIPPET_LINE: usize = 400;

/// One thing wrong with the configuration, with the places involved.
#[derive(Debug, Clone)]
pub struct Problem {
    code: &'static str,
    message: String,
    source: Option<Arc<SourceFile>>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    related: Vec<Problem>,
    /// A note under another problem (the other place of a duplicate), not a problem of its own.
    is_note: bool,
    /// Where the problem is when it has no snippet (a huge line).
    located: Option<(String, usize, usize)>,
}

impl Problem {
    /// A problem with a stable code (such as `duplicate`) and a message saying what is wrong.
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
            source: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
            is_note: false,
            located: None,
        }
    }

    /// Point at a place in a file. A span that was never written (a default) adds no label.
    #[must_use]
    pub fn at(mut self, source: &Arc<SourceFile>, span: Span, label: impl Into<String>) -> Problem {
        if !span.is_written() {
            return self;
        }
        if source.line_length(span.offset()) > MAX_SNIPPET_LINE {
            // A snippet of a huge line would bury the message: say where in words.
            let (line, column) = source.line_column(span.offset());
            let label = label.into();
            self.message = format!(
                "{} ({label} at {}:{line}:{column})",
                self.message, source.name
            );
            if self.located.is_none() {
                self.located = Some((source.name.clone(), line, column));
            }
            return self;
        }
        match &self.source {
            Some(own) if !Arc::ptr_eq(own, source) => {
                // Another file: shown as a related diagnostic under this one.
                let mut note = Problem::new(self.code, label.into()).at(source, span, "here");
                note.is_note = true;
                self.related.push(note);
            }
            _ => {
                self.source = Some(Arc::clone(source));
                self.labels.push((span, label.into()));
            }
        }
        self
    }

    /// Point at a place in a file when the value came from one; defaults add nothing.
    #[must_use]
    pub fn at_opt(
        self,
        source: Option<&Arc<SourceFile>>,
        span: Span,
        label: impl Into<String>,
    ) -> Problem {
        match source {
            Some(source) => self.at(source, span, label),
            None => self,
        }
    }

    /// Say how to fix it.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// The stable code, without the `cwrecon::config::` prefix.
    pub fn code_name(&self) -> &'static str {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// File, line and column of the first place, when the problem has one.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let from_label = || {
            let source = self.source.as_ref()?;
            let (span, _) = self.labels.first()?;
            let (line, column) = source.line_column(span.offset());
            Some((source.name.clone(), line, column))
        };
        from_label().or_else(|| self.located.clone())
    }

    /// The file and byte offset of the first place, for ordering problems as they stand in files.
    pub fn position(&self) -> Option<(&str, usize)> {
        let source = self.source.as_ref()?;
        let (span, _) = self.labels.first()?;
        Some((source.name.as_str(), span.offset()))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.is_note {
            return None;
        }
        Some(Box::new(format!("cwrecon::config::{}", self.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.is_note {
            miette::Severity::Advice
        } else {
            miette::Severity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_deref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, text)| {
            LabeledSpan::new_with_span(Some(text.clone()), *span)
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|p| p as &dyn Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_of_offsets() {
        let source = SourceFile::new("a.yaml".into(), "ab\ncd\n");
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(1), (1, 2));
        assert_eq!(source.line_column(3), (2, 1));
        assert_eq!(source.line_column(4), (2, 2));
    }

    #[test]
    fn a_label_in_another_file_becomes_a_related_note() {
        let a = Arc::new(SourceFile::new("a.yaml".into(), "x: 1\n"));
        let b = Arc::new(SourceFile::new("b.yaml".into(), "x: 2\n"));
        let span = Span::new(0, 1, 1, 1);
        let p = Problem::new("duplicate", "dup")
            .at(&a, span, "second")
            .at(&b, span, "first");
        assert_eq!(p.labels.len(), 1);
        assert_eq!(p.related.len(), 1);
        assert_eq!(p.location(), Some(("a.yaml".into(), 1, 1)));
    }
}
