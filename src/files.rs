//! Writing files without following a link planted at the path: the one way cwrecon writes a file.
//!
//! Owns every file cwrecon writes — the apply journal, `plan --out`, `reconcile --out`, export's
//! files, import's edits, the simulator's `--state` — and one rule for them (issue 11): a symbolic
//! link at the path is never followed. Whoever can plant a link beside cwrecon's output (a shared
//! CI workspace, a pull request adding `companies/x.yaml -> ~/.ssh/authorized_keys`) must not be
//! able to point a write at another file.
//!
//! How: a file written whole ([`replace`], [`stage`] + [`commit`]) goes to a new temporary file
//! beside it, created exclusively (`O_EXCL` never follows a link, dangling or not), then renamed
//! over the path; a link at the path is refused before the rename, and `rename` itself replaces a
//! link rather than writing through it, so a link planted between the check and the rename still
//! cannot redirect the write. A file appended to ([`append`]) is opened with `O_NOFOLLOW`.
//! Refuses: a link at the final path (an error naming the path and saying what to do). Does not
//! guard the folders above the path, which are the caller's to choose (export checks the one
//! folder it creates).

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// The error for a link at `path`.
fn link_refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link, and cwrecon never writes through one; remove the link or choose another path",
            path.display()
        ),
    )
}

/// Refuse a symbolic link at `path` (a missing path is fine).
///
/// # Errors
/// When `path` is a link, or its metadata cannot be read for another reason than absence.
pub fn refuse_link(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(link_refused(path)),
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// Open `path` for appending, creating it if needed, never through a link at the path.
///
/// # Errors
/// When `path` is a link (named in the error), or cannot be opened.
pub fn append(path: &Path) -> io::Result<File> {
    refuse_link(path)?;
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    no_follow(&mut options);
    options.open(path).map_err(|err| explain(path, err))
}

/// Write `bytes` as the whole new content of `path`: a temporary file beside it, renamed over it.
///
/// # Errors
/// When `path` is a link, or the temporary file cannot be written or renamed (the temporary file
/// is removed then, and `path` is as it was).
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = stage(path, bytes)?;
    commit(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// The first step of [`replace`], for callers that write several files all or nothing: `bytes`
/// in a new temporary file beside `path` (keeping `path`'s permissions when it exists). Returns
/// the temporary file, for [`commit`].
///
/// # Errors
/// When `path` is a link, or the temporary file cannot be created or written.
pub fn stage(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    refuse_link(path)?;
    let (temporary, mut file) = create_temporary(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    let permissions = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => file.set_permissions(meta.permissions()),
        _ => Ok(()),
    };
    if let Err(err) = written.and(permissions) {
        drop(file);
        let _ = std::fs::remove_file(&temporary);
        return Err(err);
    }
    Ok(temporary)
}

/// The second step of [`replace`]: rename the staged file over `path`, unless `path` is a link.
///
/// # Errors
/// When `path` is a link, or the rename fails.
pub fn commit(temporary: &Path, path: &Path) -> io::Result<()> {
    refuse_link(path)?;
    std::fs::rename(temporary, path)
}

/// A new file beside `path`, named after it, created exclusively (so never through a link).
fn create_temporary(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut last = None;
    for attempt in 0..16u32 {
        let temporary = dir.join(format!(
            ".{name}.cwrecon-{}-{attempt}.tmp",
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        no_follow(&mut options);
        match options.open(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(explain(&temporary, err)),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name was free")))
}

/// Create `dir` (and its parents) unless it exists; refuse a link there.
///
/// # Errors
/// When `dir` is a link, or cannot be created.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    refuse_link(dir)?;
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt as _;
    options.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn no_follow(_options: &mut OpenOptions) {}

/// `O_NOFOLLOW` fails with `ELOOP` on a link: say so in words.
fn explain(path: &Path, err: io::Error) -> io::Error {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ELOOP) {
        return link_refused(path);
    }
    let _ = path;
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_path_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("out");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = replace(&link, b"overwritten").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let err = append(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        // A dangling link is refused too.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(replace(&dangling, b"x").is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn replace_writes_whole_files_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        replace(&path, b"one").unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            replace(&path, b"three").unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut file = append(&path).unwrap();
        file.write_all(b"!").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "three!");
    }
}
