//! Output: the one place that decides how text from outside is shown in each sink.
//!
//! cwrecon's output is read by people (terminals), rendered by GitHub and GitLab (pull-request
//! comments in markdown), parsed by CI runners (every line of a job log is scanned for workflow
//! commands) and opened in spreadsheets (CSV). Text from outside — configuration values, the vendor's
//! CSV, anything read from the live tenant, a server's error body — may be written to cause harm in
//! any of these: close a code fence and hide the rest of a plan, move a terminal's cursor, mask
//! values in a CI log, or run a formula. This module owns one rule per sink:
//!
//! - [`terminal`]: control characters (C0, DEL, C1) and invisible or bidirectional format
//!   characters are shown as escapes (`\u{1b}`), never sent to the terminal raw; a value stays on
//!   its line (`\n`).
//! - [`markdown`]: values outside code are escaped for markdown and HTML (`<!--` cannot open a
//!   comment, `|` cannot end a table cell); code goes in a fence longer than any backtick run in it.
//! - [`ci`]: no line of output can start a GitHub workflow command (`::add-mask::`, `##[`); the
//!   annotations cwrecon writes on purpose are built here, with GitHub's own escaping.
//! - [`spreadsheet`]: a CSV cell that a spreadsheet would read as a formula gets a leading `'`.
//! - [`redact`]: a server's message is cut to a bounded length, its control characters are made
//!   visible, and credentials are replaced by `***`; a URL is shown without user info or query values.
//! - [`stream`]: the writers of stdout and stderr (and of the log), which apply the terminal and CI
//!   rules to everything as a last net, whatever the renderer did.
//!
//! Refuses to decide *what* is shown (that is each command's renderer) and to change data: escaping
//! only changes how a value is displayed. JSON output is left to `serde_json`, whose string escaping
//! already keeps it intact; the stream writer only spells the characters a terminal would act on as
//! JSON-valid `\uXXXX` escapes.
//!
//! Invariant: every function here is total (no panics on any input) and idempotent where the sink
//! allows it, and none of them can produce a raw control character that was not in cwrecon's own
//! text.

pub mod ci;
pub mod markdown;
pub mod redact;
pub mod spreadsheet;
pub mod stream;
pub mod terminal;

pub use stream::{WriteError, notice, write_stderr, write_stdout, write_stdout_styled};
