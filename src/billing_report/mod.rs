//! A vendor's billing report (the CSV its portal exports): read from a file, bounded, and parsed
//! into rows by the vendor's [`Format`], Intermedia's built-in one ([`intermedia`]) or a profile
//! from the configuration ([`Format::from_profile`]), both through the one [`reader`]. `import`
//! and `reconcile` read reports here.
//!
//! Refuses, whole and by line, a file that is too large, not UTF-8, or has rows that cannot be used
//! as they are: a partial report must never become billing.

use std::path::{Path, PathBuf};

pub mod intermedia;
pub mod reader;
pub mod unmapped;

pub use reader::{Details, Format, Problem, Row, parse};
pub use unmapped::Unmapped;

/// The report cannot be used as it is: nothing is imported or reconciled from it.
#[derive(Debug, thiserror::Error)]
#[error("read the vendor export {path}: {} problem(s), listed above; nothing was written", problems.len(), path = path.display())]
pub struct ReportError {
    /// The report file.
    pub path: PathBuf,
    /// What is wrong, by line.
    pub problems: Vec<Problem>,
}

/// The largest export read: far beyond any MSP's billing file, small enough to refuse a device.
const MAX_EXPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Read and parse a vendor export as `format` reads it; its problems (each with its line) refuse
/// it whole.
pub fn read(path: &Path, format: &Format) -> Result<Vec<Row>, ReportError> {
    let refuse = |message: String| ReportError {
        path: path.to_path_buf(),
        problems: vec![Problem { line: 1, message }],
    };
    let bytes = crate::config::read_capped(path, MAX_EXPORT_BYTES)
        .map_err(|err| ReportError {
            path: path.to_path_buf(),
            problems: vec![Problem {
                line: 0,
                message: format!("cannot read the file: {err}"),
            }],
        })?
        .ok_or_else(|| refuse(format!("the file is larger than {MAX_EXPORT_BYTES} bytes")))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let line = err
            .as_bytes()
            .get(..valid)
            .and_then(|prefix| std::str::from_utf8(prefix).ok())
            .map_or(0, |prefix| prefix.matches('\n').count())
            + 1;
        ReportError {
            path: path.to_path_buf(),
            problems: vec![Problem {
                line: line as u64,
                message: format!(
                    "the file is not UTF-8 text (invalid byte at offset {valid}); save it as UTF-8 (in Excel: CSV UTF-8)"
                ),
            }],
        }
    })?;
    // Excel's "CSV UTF-8" starts with a byte-order mark, which is not part of the first header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (rows, problems) = reader::parse(text, format);
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ReportError {
            path: path.to_path_buf(),
            problems,
        })
    }
}
