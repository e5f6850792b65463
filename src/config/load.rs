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
use super::span::{MAX_SPANNED_BYTES, Span};

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
    let mut found = Found::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let before = found.files.len();
            walk(path, &mut found)?;
            if found.files.len() == before {
                return Err(Error::NoFiles { path: path.clone() });
            }
        } else {
            found.add_file(path);
        }
    }
    Ok(found.files)
}

/// Files found so far, each once however it was reached (a folder and a file in it, or two links).
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    seen_files: std::collections::HashSet<PathBuf>,
    seen_dirs: std::collections::HashSet<PathBuf>,
}

impl Found {
    fn add_file(&mut self, path: &Path) {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen_files.insert(canonical) {
            self.files.push(path.to_path_buf());
        }
    }
}

fn walk(dir: &Path, found: &mut Found) -> Result<(), Error> {
    // A folder reached twice (a symbolic link loop such as `a -> .`) is read once.
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !found.seen_dirs.insert(canonical) {
        return Ok(());
    }
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
            walk(&entry, found)?;
        } else if entry
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml"))
        {
            found.add_file(&entry);
        }
    }
    Ok(())
}

/// Read a file, never more than [`MAX_FILE_BYTES`] of it: a device or a pipe that never ends is
/// refused as too large, not read until memory runs out.
pub(crate) fn read(path: &Path) -> Result<Result<RawFile, Problem>, Error> {
    let name = path.display().to_string();
    let Some(bytes) = read_capped(path, MAX_FILE_BYTES).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?
    else {
        return Ok(Err(too_large(&name)));
    };
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

/// A file's bytes, or `None` when it holds more than `limit`: never more than `limit + 1` bytes are
/// read, so a device or a pipe that never ends costs nothing.
pub(crate) fn read_capped(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

fn too_large(name: &str) -> Problem {
    Problem::new(
        "too-large",
        format!("{name} is larger than {MAX_FILE_BYTES} bytes, the limit for a configuration file"),
    )
    .help("split the configuration over several files (one per company works well)")
}

/// Parse one file. Returns the shown source (secrets masked) alongside the result, so that later
/// checks can point into it.
pub(crate) fn parse(raw: &RawFile) -> (Arc<SourceFile>, Result<ConfigFile, Problem>) {
    // A file read from disk is within MAX_FILE_BYTES; a text given in memory (`load_texts`) is
    // refused here when a span could not say where its values are.
    if raw.text.len() > MAX_SPANNED_BYTES {
        let source = Arc::new(SourceFile::new(raw.name.clone(), ""));
        let problem = Problem::new(
            "too-large",
            format!(
                "{} is larger than {MAX_SPANNED_BYTES} bytes, the most a configuration text may be",
                raw.name
            ),
        )
        .help("split the configuration over several files (one per company works well)");
        return (source, Err(problem));
    }
    let masked = super::secrets::mask_by_key(&raw.text);
    let parsed = serde_saphyr::from_str_with_options::<Option<ConfigFile>>(&raw.text, options());
    // Literal keys the file holds (even through an alias) are masked wherever they stand.
    let shown = match &parsed {
        Ok(Some(file)) => super::secrets::mask_values(&masked, &literal_secrets(file)),
        _ => masked,
    };
    let source = Arc::new(SourceFile::new(raw.name.clone(), &shown));
    let result = match parsed {
        Ok(file) => Ok(file.unwrap_or_default()),
        Err(err) => Err(parse_problem(&source, &err)),
    };
    (source, result)
}

/// The connection values that are literals rather than `${env:NAME}` references.
fn literal_secrets(file: &ConfigFile) -> Vec<&str> {
    let Some(connection) = &file.connection else {
        return Vec::new();
    };
    [&connection.public_key, &connection.private_key]
        .into_iter()
        .flatten()
        .map(|v| v.value.as_str())
        .filter(|v| super::credentials::env_reference(v).is_none())
        .collect()
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
    let mut first_definition = None;
    if let Some(location) = err.location() {
        let at = Span::from_location(location);
        let span = Span::new(at.offset(), at.len(), at.line().max(1), at.column());
        if code == "duplicate-key" {
            first_definition = raw.strip_prefix("duplicate mapping key: ").and_then(|key| {
                earlier_key(
                    text_of(source),
                    key.split(',').next().unwrap_or(key).trim(),
                    span.offset(),
                )
            });
        }
        let label = if first_definition.is_some() {
            "defined again here"
        } else {
            "here"
        };
        problem = problem.at(source, span, label);
    }
    if let Some(first) = first_definition {
        problem = problem.at(source, first, "first defined here");
    }
    problem
}

fn text_of(source: &SourceFile) -> &str {
    source.text()
}

/// Where `key` was first written in the mapping that repeats it at `offset`: the nearest earlier
/// `key:` at the same column (block style) or earlier on the same line (flow style).
fn earlier_key(text: &str, key: &str, offset: usize) -> Option<Span> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let column = offset - line_start;
    let pattern = format!("{key}:");
    let span_at = |at: usize| {
        let line = text[..at].matches('\n').count() as u64 + 1;
        let col = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u64 + 1;
        Span::new(at, key.len(), line, col)
    };
    // Flow style: the same line, before the repeat.
    if let Some(at) = text[line_start..offset].find(&pattern) {
        return Some(span_at(line_start + at));
    }
    // Block style: earlier lines, while they still belong to the same mapping.
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        if line
            .get(column..)
            .is_some_and(|rest| rest.starts_with(&pattern))
        {
            return Some(span_at(start + column));
        }
        let content = line.len() - line.trim_start_matches([' ', '-']).len();
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') && content < column {
            return None;
        }
        end = start;
    }
    None
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
    } else if lower == "expected sequence start" {
        let message =
            "expected a list here (`- item` lines); an empty list is written `[]`".to_owned();
        let hint = "a key with nothing after it is null, not an empty list: write `key: []` or remove the key".to_owned();
        ("invalid-value", message, hint)
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
