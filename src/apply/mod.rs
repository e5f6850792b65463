//! Applying a plan: turning ops into ConnectWise writes, in order, safely.
//!
//! Owns the request each op makes (`write.rs`) and the order, concurrency and idempotence of
//! running them (`executor.rs`). Knows nothing of HTTP: a `Target` performs the writes.

mod executor;
mod http;
mod write;

pub use executor::{CREATE_ATTEMPTS, Outcome, Target, WriteFailure, execute, execute_with, tally};
pub use http::ClientTarget;
pub use write::{Lookup, Refs, Write, WriteError, lookup_for, write_for};
