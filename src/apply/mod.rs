//! Applying a plan: turning ops into ConnectWise writes, in order, safely.
//!
//! Owns the request each op makes (`write.rs`), the order, concurrency and idempotence of running
//! them (`executor.rs`), and what a failure is and whether the apply goes on after it (`error.rs`,
//! with the security-role right a refused write needs in `rights.rs`). Knows nothing of HTTP: a
//! `Target` performs the writes.

mod error;
mod executor;
mod http;
mod rights;
mod write;

pub use error::ApplyError;
pub use executor::{CREATE_ATTEMPTS, Outcome, Target, WriteFailure, execute, execute_with, tally};
pub use http::ClientTarget;
pub use rights::Right;
pub use write::{Lookup, MissingRef, Refs, Write, lookup_for, write_for};
