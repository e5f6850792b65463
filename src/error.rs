//! The crate's top-level error: one variant per layer, each carrying that layer's typed error.
//!
//! Owns the mapping from failure to exit code ([`Error::exit_code`]), as one exhaustive `match`, so a
//! new variant cannot be added without deciding what the process tells its caller.

use std::path::PathBuf;

use crate::exit::Exit;

/// Anything that can stop a `cwrecon` command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration could not be read or did not pass its checks.
    #[error(transparent)]
    Config(#[from] crate::config::Error),
    /// A ConnectWise request failed.
    #[error(transparent)]
    ConnectWise(#[from] crate::connectwise::Error),
    /// The simulator could not start or stopped with an error.
    #[error(transparent)]
    Sim(#[from] crate::sim::Error),
    /// The command line asked for something that cannot be (beyond what clap checks).
    #[error("understand the command line: {message}")]
    Usage {
        /// What is wrong.
        message: String,
    },
    /// The live state could not be read.
    #[error(transparent)]
    Read(#[from] crate::live::ReadError),
    /// The tenant has problems that ConnectWise would refuse mid-apply (listed in the plan output).
    #[error("plan: {count} problem(s) in ConnectWise must be fixed first (see above)")]
    Preflight {
        /// How many blocking findings.
        count: usize,
    },
    /// A saved plan no longer matches the tenant.
    #[error("apply saved plan: {count} object(s) changed since the plan was made (see above)")]
    StalePlan {
        /// How many ops are stale.
        count: usize,
    },
    /// A saved plan's ops are not the ones a plan made now gives (edited, or made elsewhere).
    #[error(
        "apply saved plan: it does not match a plan made now ({count} difference(s), see above)"
    )]
    SavedPlanMismatch {
        /// How many differences were found.
        count: usize,
    },
    /// The credentials could not be resolved.
    #[error(transparent)]
    Credentials(#[from] crate::config::CredentialsError),
    /// Writing the command's output failed.
    #[error(transparent)]
    Output(#[from] crate::output::WriteError),
    /// Writing a file failed.
    #[error("write {path}", path = path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The vendor's billing export cannot be used as it is.
    #[error(transparent)]
    VendorExport(#[from] crate::billing_report::ReportError),
    /// The tenant's apply lock could not be taken, or `unlock` found no such lock.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    /// A bug: an invariant of cwrecon itself did not hold.
    #[error("internal error (a bug in cwrecon, please report it): {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The documented exit code for this failure.
    pub fn exit_code(&self) -> Exit {
        match self {
            Error::Config(_) | Error::Credentials(_) | Error::VendorExport(_) => Exit::CONFIG,
            Error::Usage { .. } => Exit::USAGE,
            Error::Lock(crate::lock::LockError::Held { .. }) => Exit::LOCKED,
            Error::Lock(
                crate::lock::LockError::Request { .. } | crate::lock::LockError::NoSuchLock { .. },
            )
            | Error::ConnectWise(_)
            | Error::Sim(_)
            | Error::Read(_)
            | Error::Preflight { .. }
            | Error::StalePlan { .. }
            | Error::SavedPlanMismatch { .. }
            | Error::Output(_)
            | Error::WriteFile { .. }
            | Error::Internal { .. } => Exit::FAILURE,
        }
    }
}
