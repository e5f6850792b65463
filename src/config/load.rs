//! Reading configuration: finding the files, reading them within a budget, and parsing the YAML.
//!
//! Owns all YAML parsing in cwrecon (serde-saphyr). Refuses hostile input before it costs anything:
//! files over [`MAX_FILE_BYTES`], nesting deeper than [`MAX_DEPTH`], alias expansion beyond the
//! budget, more than one YAML document per file. A parse failure is a [`Problem`] with its place, so
//! every broken file is reported in one run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{Error, Problem, SourceFile};
use super::model::ConfigFile;
use super::span::Span;

/// The largest configuration file read. A thousand companies take about 300 KiB.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The deepest nesting accepted. The configuration's own shape is 7 levels deep.
pub const MAX_DEPTH: usize = 32;
/// The most alias uses in one file; anchors are for sharing a handful of blocks.
pub(crate) const MAX_ALIASES: usize = 1_000;

/// One file's text, ready to parse.
pub(crate) struct RawFile {
    pub(crate) name: String,
    pub(crate) text: String,
}

/// Expand the paths given on the command line into files: a file is taken as is; a folder gives every
/// `*.yaml` and `*.yml` below it, sorted, skipping hidden entries.
pub(crate) fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(Error::NoFiles { path: path.clone() });
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let read_err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if entry
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml"))
        {
            files.push(entry);
        }
    }
    Ok(())
}

/// Read a file, refusing one larger than [`MAX_FILE_BYTES`] before reading it.
pub(crate) fn read(path: &Path) -> Result<Result<RawFile, Problem>, Error> {
    let name = path.display().to_string();
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_FILE_BYTES {
        return Ok(Err(too_large(&name, size)));
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(RawFile { name, text })),
        Err(err) => Ok(Err(Problem::new(
            "encoding",
            format!(
                "{name} is not UTF-8 text (invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8"))),
    }
}

fn too_large(name: &str, size: u64) -> Problem {
    Problem::new(
        "too-large",
        format!(
            "{name} is {size} bytes; configuration files are limited to {MAX_FILE_BYTES} bytes"
        ),
    )
    .help("split the configuration over several files (one per company works well)")
}

/// Parse one file. Returns the shown source (secrets masked) alongside the result, so that later
/// checks can point into it.
pub(crate) fn parse(raw: &RawFile) -> (Arc<SourceFile>, Result<ConfigFile, Problem>) {
    let source = Arc::new(SourceFile::new(raw.name.clone(), &mask_secrets(&raw.text)));
    if raw.text.len() as u64 > MAX_FILE_BYTES {
        let problem = too_large(&raw.name, raw.text.len() as u64);
        return (source, Err(problem));
    }
    let result = serde_saphyr::from_str_with_options::<ConfigFile>(&raw.text, options())
        .map_err(|err| parse_problem(&source, &err));
    (source, result)
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_documents: 1,
            max_nodes: 2_000_000,
            max_total_scalar_bytes: 16 * 1024 * 1024,
            max_merge_keys: MAX_ALIASES,
        },
        // `yes`, `no`, `on`, `off` are strings, not booleans: no Norway problem in country names.
        strict_booleans: true,
        with_snippet: false,
    }
}

/// Turn a serde-saphyr error into a problem at its place.
fn parse_problem(source: &Arc<SourceFile>, err: &serde_saphyr::Error) -> Problem {
    let text = err.to_string();
    let raw = text.split(" at line ").next().unwrap_or(&text).trim();
    let (code, message, help) = explain(raw);
    let mut problem = Problem::new(code, message).help(help);
    if let Some(location) = err.location() {
        let span = location.span();
        let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        let span = Span {
            offset: span.byte_offset().map_or(0, to_usize),
            len: span.byte_len().map_or(0, to_usize),
            line: location.line().max(1),
            column: location.column(),
        };
        problem = problem.at(source, span, "here");
    }
    problem
}

/// A stable code, a message a person can act on, and a hint, for each kind of parse failure.
fn explain(raw: &str) -> (&'static str, String, String) {
    let lower = raw.to_lowercase();
    let schema_hint = "the JSON Schema (cwrecon schema) lists every field and what it takes";
    if lower.contains("unknown field") {
        let hint = format!("remove the field or fix its spelling; {schema_hint}");
        ("unknown-field", raw.to_owned(), hint)
    } else if lower.contains("duplicate mapping key") {
        let message = raw
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(raw)
            .to_owned();
        let hint = "a key may appear once per mapping; remove or merge the repeated one".to_owned();
        ("duplicate-key", message, hint)
    } else if lower.contains("budget") && lower.contains("documents") {
        let message =
            "a configuration file holds one YAML document, and this one has more".to_owned();
        let hint =
            "remove the `---` separator, or split the documents into separate files".to_owned();
        ("budget", message, hint)
    } else if lower.contains("budget") || lower.contains("recursion") || lower.contains("depth") {
        let message = format!("the file exceeds the input budget ({raw})");
        let hint = format!(
            "a configuration is at most {MAX_DEPTH} levels deep with at most {MAX_ALIASES} aliases; write it out plainly"
        );
        ("budget", message, hint)
    } else if lower.contains("missing field") {
        (
            "missing-field",
            raw.to_owned(),
            format!("add the field; {schema_hint}"),
        )
    } else if lower == "expected mapping start" {
        let message = "expected a mapping (`key: value` lines or `{ key: value }`) here".to_owned();
        ("invalid-value", message, schema_hint.to_owned())
    } else if lower.contains("invalid boolean") {
        let message = "expected `true` or `false`".to_owned();
        let hint =
            "cwrecon reads YAML 1.2 booleans only: `yes`, `no`, `on` and `off` are text".to_owned();
        ("invalid-value", message, hint)
    } else if lower.contains("invalid type")
        || lower.contains("invalid value")
        || lower.contains("unknown variant")
        || lower.contains("expected")
    {
        (
            "invalid-value",
            raw.to_owned(),
            "write the value in the form the message asks for".to_owned(),
        )
    } else {
        (
            "yaml",
            raw.to_owned(),
            "fix the YAML syntax at this place".to_owned(),
        )
    }
}

/// Mask the values of key and password fields, byte for byte, so that spans still line up and no
/// diagnostic can show a secret, even one written where it does not belong.
pub(crate) fn mask_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line));
    }
    out
}

fn mask_line(line: &str) -> String {
    const SECRET_KEYS: [&str; 3] = ["public_key", "private_key", "password"];
    let trimmed = line.trim_start().trim_start_matches("- ");
    let Some((key, rest)) = trimmed.split_once(':') else {
        return line.to_owned();
    };
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    if !SECRET_KEYS.contains(&key) {
        return line.to_owned();
    }
    let value = rest.trim();
    if value.is_empty()
        || value
            .trim_matches(|c| c == '"' || c == '\'')
            .starts_with("${env:")
    {
        return line.to_owned();
    }
    let value_start = line.len() - rest.len();
    let mut masked = String::with_capacity(line.len());
    masked.push_str(&line[..value_start]);
    for ch in rest.chars() {
        if ch.is_whitespace() {
            masked.push(ch);
        } else {
            masked.extend(std::iter::repeat_n('*', ch.len_utf8()));
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_literal_keys_but_not_env_references_and_keeps_length() {
        let text = "connection:\n  private_key: s3cret-ü\n  public_key: \"${env:CW_PUBLIC_KEY}\"\n";
        let masked = mask_secrets(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("s3cret"));
        assert!(masked.contains("${env:CW_PUBLIC_KEY}"));
    }

    #[test]
    fn plain_text_is_untouched() {
        let text = "products:\n  - sku: A\n";
        assert_eq!(mask_secrets(text), text);
    }
}
