//! The writers of stdout, stderr and the log: the last net under every renderer.
//!
//! Everything cwrecon prints goes through here, after its renderer escaped each value for its
//! sink. These writers apply, to the whole text, the rules that hold for every sink: hidden
//! characters are escaped ([`terminal::block`]; only cwrecon's own colours stay, and only where
//! the caller says the output is coloured), no line can start a CI command ([`ci::neutralise`]),
//! and the logins the process connected with are replaced by `***`
//! ([`redact::remembered`](super::redact::remembered)).
//! A closed pipe (`cwrecon schema | head`) is not an error.

use std::io::Write as _;

use super::ci;
use super::terminal::{self, Style};

/// Writing a command's output to stdout failed (not a closed pipe, which is not an error).
#[derive(Debug, thiserror::Error)]
#[error("write {what}")]
pub struct WriteError {
    /// What was being written ("the plan to stdout").
    pub what: String,
    /// The underlying I/O error.
    #[source]
    pub source: std::io::Error,
}

/// `text` as it may reach a terminal or a CI log: no remembered secret, hidden characters escaped,
/// no line starting a CI command.
pub fn safe(text: &str, style: Style) -> String {
    let redacted = super::redact::remembered(text);
    ci::neutralise(&terminal::block(&redacted, style)).into_owned()
}

/// Write a command's output to stdout. `what` names it in the error ("the plan").
pub fn write_stdout(text: &str, what: &str) -> Result<(), WriteError> {
    write_out(text, what, Style::Escape)
}

/// Write output that cwrecon coloured itself (every value in it escaped by its renderer first).
pub fn write_stdout_styled(text: &str, what: &str) -> Result<(), WriteError> {
    write_out(text, what, Style::Keep)
}

fn write_out(text: &str, what: &str, style: Style) -> Result<(), WriteError> {
    let shown = safe(text, style);
    let mut out = std::io::stdout().lock();
    match out.write_all(shown.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(WriteError {
            what: format!("{what} to stdout"),
            source: err,
        }),
        _ => Ok(()),
    }
}

/// Write diagnostics to stderr; a failure to write them has nowhere to be reported.
pub fn write_stderr(text: &str, style: Style) {
    let _ = std::io::stderr()
        .lock()
        .write_all(safe(text, style).as_bytes());
}

/// One line to stderr (a notice, a prompt's reason), through the same net as every other output.
pub fn notice(line: &str) {
    write_stderr(&format!("{line}\n"), Style::Escape);
}

/// The log's writer (for `tracing_subscriber`): each event goes through [`safe`] on its way to
/// stderr, so server text in a log line cannot act on a terminal or a CI runner.
#[derive(Debug, Clone, Copy)]
pub struct LogWriter {
    style: Style,
}

impl LogWriter {
    /// A writer keeping colours when the log is coloured.
    pub fn new(colored: bool) -> LogWriter {
        LogWriter {
            style: if colored { Style::Keep } else { Style::Escape },
        }
    }
}

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The formatter writes one whole event per call; a character split across calls would show
        // as a replacement character, never as a raw byte.
        let text = String::from_utf8_lossy(buf);
        std::io::stderr()
            .lock()
            .write_all(safe(&text, self.style).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().lock().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_net_escapes_and_neutralises() {
        assert_eq!(
            safe("ok\n::add-mask::x\u{1b}]52;c;aGk=\u{7}\n", Style::Escape),
            "ok\n\\::add-mask::x\\u001b]52;c;aGk=\\u0007\n"
        );
        assert_eq!(
            safe("\u{1b}[32m+ a\u{1b}[0m\n", Style::Keep),
            "\u{1b}[32m+ a\u{1b}[0m\n"
        );
    }
}
