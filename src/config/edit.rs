//! Editing the configuration's YAML *text* at the places the loader recorded, so that every other
//! byte of a file stays as a person wrote it: comments, order, quoting, anchors, blank lines, CRLF,
//! a missing final newline.
//!
//! Owns the text surgery commands need (`cwrecon import` today): replacing a number where its
//! [`Span`] says it is written (keeping its decimals and quotes), finding where a sibling `- ` item
//! goes, rendering a string as a YAML scalar, applying a file's edits, loading the edited texts
//! back, showing them as a unified diff, and writing them all-or-nothing. Refuses to edit what it
//! cannot edit safely: a value reached through an anchor or alias, a flow-style item it cannot
//! extend; the caller reports those for a person instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::{Config, ConfigText, Span};
use crate::model::exact::parse_plain;

/// An edit of one file's text: replace `len` bytes at `offset` (0 to insert).
#[derive(Debug, Clone)]
pub struct Edit {
    /// Where the replaced bytes start.
    pub offset: usize,
    /// How many bytes are replaced (0 to insert).
    pub len: usize,
    /// The new text.
    pub text: String,
}

/// Every line of `text` with `indent` in front.
pub fn indented(text: &str, indent: &str) -> String {
    text.lines().fold(String::new(), |mut out, line| {
        let _ = writeln!(out, "{indent}{line}");
        out
    })
}

/// Where an item starts: the first of its written parts.
pub fn start_of(spans: &[Span]) -> Option<usize> {
    spans
        .iter()
        .filter(|s| s.is_written())
        .map(Span::offset)
        .min()
}

/// Where to insert a sibling after the `- ` sequence item that starts at `start`: after the item's
/// last line (the dash line, then every line indented deeper than the dash, such as fields with no
/// recorded place, with blank and comment lines between them), with the dash's indentation; also
/// that line's number. `None` when
/// the item is not written as a `- ` entry on its first line (flow style, say).
pub fn after_item(text: &str, start: usize) -> Option<(usize, u64, String)> {
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text.get(line_start..start)?;
    let dash = prefix.find('-')?;
    let indent = prefix.get(..dash)?;
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let next_line = |from: usize| text.get(from..)?.find('\n').map(|i| from + i + 1);
    let mut end = next_line(line_start).unwrap_or(text.len());
    let mut cursor = end;
    while cursor < text.len() {
        let line_end = next_line(cursor).unwrap_or(text.len());
        let content = text.get(cursor..line_end)?.trim_end_matches(['\r', '\n']);
        let depth = content.len() - content.trim_start_matches(' ').len();
        // A blank line, or a comment no deeper than the dash, belongs to no one: it neither ends
        // the item nor extends it. A deeper comment is the item's own.
        let unowned = content.trim_start().starts_with('#') && depth <= dash;
        if !content.trim().is_empty() && !unowned {
            if depth <= dash {
                break;
            }
            end = line_end;
        }
        cursor = line_end;
    }
    let line = u64::try_from(text.get(..end)?.matches('\n').count()).ok()?;
    Some((end, line + 1, indent.to_owned()))
}

/// `lines` indented by `indent`, with the file's own line ending, and a line break first when
/// `offset` is the end of a file whose last line has none.
pub fn insertion_text(text: &str, offset: usize, lines: &str, indent: &str) -> String {
    let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    if offset >= text.len() && !text.is_empty() && !text.ends_with('\n') {
        out.push_str(ending);
    }
    for line in lines.lines() {
        let _ = write!(out, "{indent}{line}{ending}");
    }
    out
}

/// Replace the number written at `span` (checked to say `expected`) with `new`, keeping as many
/// decimals as were written (`12.00` becomes `12.50`, not `12.5`).
pub fn replace_scalar(
    text: &ConfigText,
    span: Span,
    expected: Decimal,
    new: Decimal,
) -> Option<Edit> {
    if !span.is_written() || span.is_empty() {
        return None;
    }
    let written = text.text.get(span.offset()..span.end())?;
    // An anchored value may be used elsewhere through an alias: changing it here would change
    // those too, unseen. Such a value is left for a person.
    let line_start = text
        .text
        .get(..span.offset())?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = text.text.get(line_start..span.offset())?;
    let after_key = before.rsplit_once(':').map_or(before, |(_, v)| v);
    if after_key.contains('&') || written.contains(['&', '*']) {
        return None;
    }
    let quote = written
        .chars()
        .next()
        .filter(|c| (*c == '"' || *c == '\'') && written.len() >= 2 && written.ends_with(*c));
    let bare = quote.map_or(written, |q| written.trim_matches(q));
    let as_written = parse_plain(bare).ok()?;
    if as_written != expected {
        return None;
    }
    let number = new.normalize_to(as_written.scale());
    Some(Edit {
        offset: span.offset(),
        len: span.len(),
        text: quote.map_or_else(|| number.clone(), |q| format!("{q}{number}{q}")),
    })
}

/// A decimal's text with at least `scale` decimals (`12.5` at scale 2 is `12.50`), and no more than
/// it needs beyond that.
pub trait NormalizeTo {
    /// The text, with at least `scale` decimals.
    fn normalize_to(self, scale: u32) -> String;
}

impl NormalizeTo for Decimal {
    fn normalize_to(self, scale: u32) -> String {
        let mut value = self.normalize();
        if value.scale() < scale {
            value.rescale(scale);
        }
        value.to_string()
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else double-quoted.
pub fn yaml_scalar(value: &str) -> String {
    let plain_safe = !value.is_empty()
        && value.trim() == value
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _.-/()&".contains(c))
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain_safe {
        value.to_owned()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
    }
}

/// A file's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpdate {
    /// The file.
    pub path: PathBuf,
    /// Its text before, `None` for a new file.
    pub before: Option<String>,
    /// Its text after.
    pub after: String,
}

/// The configuration as it would be after writing must load and validate; the import refuses
/// otherwise, so that it never leaves files `plan` would reject.
pub fn load_edited(texts: &[ConfigText], files: &[FileUpdate]) -> Result<Config, super::Error> {
    let names: Vec<(String, &str)> = texts
        .iter()
        .map(|t| {
            let text = files
                .iter()
                .find(|f| f.path == t.path)
                .map_or(t.text.as_str(), |f| f.after.as_str());
            (t.path.display().to_string(), text)
        })
        .chain(
            files
                .iter()
                .filter(|f| f.before.is_none())
                .map(|f| (f.path.display().to_string(), f.after.as_str())),
        )
        .collect();
    super::load_texts(names.iter().map(|(n, t)| (n.as_str(), *t)))
}

/// A write that failed part way: what was written before it, and what was not.
#[derive(Debug)]
pub struct WriteFailure {
    /// The file that could not be written.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
    /// Files already replaced with their new text.
    pub written: Vec<PathBuf>,
    /// Files left as they were.
    pub not_written: Vec<PathBuf>,
}

impl WriteFailure {
    /// Which files were written and which were not, for the command `what` (`import`).
    pub fn report(&self, what: &str) -> String {
        let list = |paths: &[PathBuf]| {
            if paths.is_empty() {
                "none".to_owned()
            } else {
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        format!(
            "The {what} stopped part way. Written: {}. Not written: {}.",
            list(&self.written),
            list(&self.not_written)
        )
    }
}

/// Write the updated files in two steps, so that a failure leaves a known state: first every new
/// text goes to a temporary file beside its target (a failure here removes them all, and no file
/// has changed), then each is renamed over its target. A file's permissions are kept. A symbolic
/// link at a path is never written through (issue 11): it is refused, naming the path
/// ([`crate::files`]).
pub fn write_files(files: &[FileUpdate]) -> Result<Vec<PathBuf>, WriteFailure> {
    let all: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let failure = |path: &Path, source, written: Vec<PathBuf>| WriteFailure {
        path: path.to_path_buf(),
        source,
        not_written: all
            .iter()
            .filter(|p| !written.contains(p))
            .cloned()
            .collect(),
        written,
    };
    let mut staged: Vec<(PathBuf, PathBuf, &Path)> = Vec::new();
    for file in files {
        match stage(&file.path, &file.after) {
            Ok((temporary, target)) => staged.push((temporary, target, &file.path)),
            Err(source) => {
                for (temporary, _, _) in &staged {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(failure(&file.path, source, Vec::new()));
            }
        }
    }
    let mut written = Vec::new();
    for (index, (temporary, target, shown)) in staged.iter().enumerate() {
        if let Err(source) = crate::files::commit(temporary, target) {
            for (temporary, _, _) in staged.iter().skip(index) {
                let _ = std::fs::remove_file(temporary);
            }
            return Err(failure(shown, source, written));
        }
        written.push(shown.to_path_buf());
    }
    Ok(written)
}

/// Write `text` to a new temporary file beside `path`; returns it and the target. A link at
/// `path` is refused, never followed.
fn stage(path: &Path, text: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = crate::files::stage(path, text.as_bytes())?;
    Ok((temporary, path.to_path_buf()))
}

/// The changes as unified diffs, for `--dry-run`.
pub fn unified_diff(files: &[FileUpdate]) -> String {
    let mut out = String::new();
    for file in files {
        let name = file.path.display().to_string();
        let before = file.before.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(before, &file.after);
        let old = if file.before.is_some() {
            name.as_str()
        } else {
            "/dev/null"
        };
        let _ = write!(
            out,
            "{}",
            diff.unified_diff().context_radius(2).header(old, &name)
        );
    }
    out
}

/// `original` with `edits` made (sorted by offset; of two edits at one place the first wins), or
/// `None` when the text does not change.
pub fn apply_edits(original: &ConfigText, mut edits: Vec<Edit>) -> Option<FileUpdate> {
    edits.sort_by_key(|e| e.offset);
    let mut after = String::with_capacity(original.text.len() + 256);
    let mut cursor = 0;
    for edit in &edits {
        if edit.offset < cursor {
            continue;
        }
        after.push_str(original.text.get(cursor..edit.offset).unwrap_or_default());
        after.push_str(&edit.text);
        cursor = edit.offset + edit.len;
    }
    after.push_str(original.text.get(cursor..).unwrap_or_default());
    (after != original.text).then(|| FileUpdate {
        path: original.path.clone(),
        before: Some(original.text.clone()),
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_are_plain_only_when_they_read_back_the_same() {
        assert_eq!(yaml_scalar("MXS10C01SUNR_7.25"), "MXS10C01SUNR_7.25");
        assert_eq!(yaml_scalar("Cedar & Pine"), "Cedar & Pine");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("1002345"), "\"1002345\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("#hash"), "\"#hash\"");
    }

    #[test]
    fn numbers_keep_the_decimals_they_were_written_with() {
        let d = |s: &str| parse_plain(s).unwrap();
        assert_eq!(d("12.5").normalize_to(2), "12.50");
        assert_eq!(d("44").normalize_to(0), "44");
        assert_eq!(d("7.125").normalize_to(2), "7.125");
        assert_eq!(d("3.0").normalize_to(0), "3");
    }

    #[test]
    fn a_sibling_goes_after_the_items_last_line_at_its_dash() {
        let text = "additions:\n  - { product: A, quantity: 1 } # first\n  - product: B\n    quantity: 2\nnext: 1\n";
        let quantity_b = text.find("2\n").unwrap();
        let product_b = text.find("B\n").unwrap();
        let spans = [
            Span::new(product_b, 1, 3, 14),
            Span::new(quantity_b, 1, 4, 15),
        ];
        let (offset, line, indent) = after_item(text, start_of(&spans).unwrap()).unwrap();
        assert_eq!(&text[offset..], "next: 1\n");
        assert_eq!(line, 5);
        assert_eq!(indent, "  ");
    }
}
