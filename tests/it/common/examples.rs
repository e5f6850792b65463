//! The example configuration (`examples/intermedia`) as the tests use it: read in place, copied
//! whole or in part into a temporary folder to be edited, and the day every plan is made on.
#![expect(
    clippy::unwrap_used,
    reason = "test setup: a failure here is a failed test"
)]

use std::path::{Path, PathBuf};

use cwrecon::model::Date;

/// The example configuration, relative to the repository root (the tests' working folder).
pub const EXAMPLES: &str = "examples/intermedia";

/// The day the tests plan on (`CWRECON_TODAY` for the binary).
pub const TODAY: &str = "2026-11-25";

/// [`TODAY`] as a date.
pub fn today() -> Date {
    Date::parse(TODAY).unwrap()
}

/// `examples/intermedia` in the repository.
pub fn examples() -> PathBuf {
    super::root().join(EXAMPLES)
}

/// A copy of `examples/intermedia` to edit.
pub fn copy_of_examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    dir
}

/// Copy `examples/intermedia` into the folder `to`.
pub fn copy_examples(to: &Path) {
    copy_dir(&examples(), to);
}

/// A copy of `examples/intermedia` with only the files named (paths relative to it).
pub fn examples_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(examples().join(file), to).unwrap();
    }
    dir
}

/// Copy the folder `from` into `to` (created if missing), with every folder below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
