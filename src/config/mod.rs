//! The desired state as written: YAML files loaded, merged and checked into one [`Config`].
//!
//! Owns everything between the files on disk and a configuration the rest of cwrecon may trust:
//! finding and reading files (`load.rs`), their shape (`model.rs`), merging (`merged.rs`), semantic
//! checks (`validate.rs`) and diagnostics (`error.rs`). Pure and synchronous; never touches the
//! network. Refuses to return a configuration with any problem in it.

mod credentials;
pub mod edit;
mod error;
mod load;
mod merged;
pub mod model;
pub mod profile;
mod secrets;
mod span;
mod validate;

use std::path::PathBuf;

pub use credentials::{Credentials, CredentialsError};
pub use error::{Error, Problem, SourceFile};
pub use load::{MAX_DEPTH, MAX_FILE_BYTES};
pub use merged::{Config, Placed, SetupRows, VendorAccount, catalog_identifier};
pub use span::{MAX_SPANNED_BYTES, Span, Spanned};

/// Load, merge and check configuration files and folders.
pub fn load(paths: &[PathBuf]) -> Result<Config, Error> {
    let mut raw_files = Vec::new();
    let mut problems = Vec::new();
    for path in load::discover(paths)? {
        match load::read(&path)? {
            Ok(raw) => raw_files.push(raw),
            Err(problem) => problems.push(problem),
        }
    }
    from_raw(&raw_files, problems)
}

/// A configuration file's path and text as read, for a tool that edits the file at the places the
/// configuration's spans record (`cwrecon import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigText {
    /// The file.
    pub path: PathBuf,
    /// The text, exactly as read (spans are byte offsets into it).
    pub text: String,
}

/// Load like [`load`], and also return every file's text, in load order. Spans in the returned
/// configuration are byte offsets into these texts; each file's name in diagnostics is its path.
pub fn load_for_edit(paths: &[PathBuf]) -> Result<(Config, Vec<ConfigText>), Error> {
    let mut raw_files = Vec::new();
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    for path in load::discover(paths)? {
        match load::read(&path)? {
            Ok(raw) => {
                texts.push(ConfigText {
                    path,
                    text: raw.text.clone(),
                });
                raw_files.push(raw);
            }
            Err(problem) => problems.push(problem),
        }
    }
    Ok((from_raw(&raw_files, problems)?, texts))
}

/// Load configuration from in-memory files, given as `(name, text)` pairs, in order.
///
/// ```
/// let config = cwrecon::config::load_texts([(
///     "products.yaml",
///     "products:\n  - { sku: MXS10C01SUNR, unit_cost: 7.250, description: Exchange mailbox }\n",
/// )])?;
/// let product = &config.products[0].item;
/// assert_eq!(config.catalog_identifier(product), "MXS10C01SUNR_7.25");
/// # Ok::<(), cwrecon::config::Error>(())
/// ```
///
/// A problem comes back with its place:
///
/// ```
/// let err = cwrecon::config::load_texts([("a.yaml", "products:\n  - { sku: A1R }\n")]).unwrap_err();
/// let cwrecon::config::Error::Invalid { problems } = err else { panic!("expected problems") };
/// assert_eq!(problems[0].location(), Some(("a.yaml".to_owned(), 2, 7)));
/// ```
pub fn load_texts<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Config, Error> {
    let raw: Vec<load::RawFile> = files
        .into_iter()
        .map(|(name, text)| load::RawFile {
            name: name.to_owned(),
            text: text.to_owned(),
        })
        .collect();
    from_raw(&raw, Vec::new())
}

fn from_raw(raw_files: &[load::RawFile], mut problems: Vec<Problem>) -> Result<Config, Error> {
    let mut merger = merged::Merger::default();
    // A file that cannot be read may declare anything: references to what it would have declared
    // cannot be judged, and reporting them would bury its one error under knock-on ones.
    let mut complete = problems.is_empty();
    for raw in raw_files {
        match load::parse(raw) {
            (source, Ok(file)) => merger.add(&source, file),
            (_, Err(problem)) => {
                complete = false;
                problems.push(problem);
            }
        }
    }
    let (mut config, merge_problems) = merger.finish();
    problems.extend(merge_problems);
    problems.extend(validate::validate(&config, complete));
    // In the order they stand in the files, the files in the order they were read.
    let order: std::collections::HashMap<&str, usize> = raw_files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    problems.sort_by_key(|p| {
        p.position()
            .map_or((usize::MAX, usize::MAX), |(name, offset)| {
                (order.get(name).copied().unwrap_or(usize::MAX), offset)
            })
    });
    if problems.is_empty() {
        normalize_accounts(&mut config);
        shrink(&mut config);
        Ok(config)
    } else {
        Err(Error::Invalid { problems })
    }
}

/// Every account in its one canonical form (NFKC, trimmed), so that everything after loading
/// compares accounts as plain strings. Runs only once validation found every account valid.
fn normalize_accounts(config: &mut Config) {
    for company in &mut config.companies {
        let company = &mut company.item.value;
        let vendor_accounts = company.vendors.values_mut().map(|v| &mut v.value.account);
        for account in std::iter::once(&mut company.account).chain(vendor_accounts) {
            if let Ok(normal) = crate::model::input::normalize_account(account) {
                account.value = normal;
            }
        }
    }
}

/// No spare capacity in what a plan holds for its whole run: a list read from YAML grows by
/// doubling, and the additions' lists alone left about a third of the configuration's memory unused
/// at 5,000 companies (issue 13).
fn shrink(config: &mut Config) {
    // Each agreement's additions were shrunk as its file was merged (`merged::Merger::add`).
    config.companies.shrink_to_fit();
    config.products.shrink_to_fit();
}

/// A fingerprint of the configuration files under `paths` (FNV-1a over names and contents, in load
/// order): a saved plan records it, and `apply` refuses the plan when the files have changed since.
pub fn digest(paths: &[PathBuf]) -> Result<String, Error> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in load::discover(paths)? {
        // Never more than the loader would read: a device or a huge file named as configuration
        // is refused here too, not read until memory runs out.
        let text = load::read_capped(&path, load::MAX_FILE_BYTES)
            .and_then(|bytes| {
                bytes.ok_or_else(|| {
                    std::io::Error::other(format!(
                        "larger than {} bytes, the most a configuration file may be",
                        load::MAX_FILE_BYTES
                    ))
                })
            })
            .map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
        feed(path.display().to_string().as_bytes());
        feed(&[0]);
        feed(&text);
        feed(&[0]);
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}

/// A file's bytes, or `None` when it is larger than `limit` (of which at most one byte more is read).
///
/// # Errors
///
/// The file cannot be opened or read.
pub fn read_capped(path: &std::path::Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    load::read_capped(path, limit)
}

/// The JSON Schema of one configuration file, pretty-printed, ending in a newline.
///
/// # Panics
///
/// Never: a generated schema is plain JSON.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(model::ConfigFile);
    let mut text = serde_json::to_string_pretty(&schema)
        .expect("invariant: a generated JSON Schema always serializes");
    text.push('\n');
    text
}
