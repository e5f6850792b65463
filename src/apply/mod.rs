//! Applying a plan: turning ops into ConnectWise writes, in order, safely.
//!
//! Owns the request each op makes (`write.rs`). Pure parts only so far; the executor comes with
//! issue #5.

mod write;

pub use write::{Lookup, MissingRef, Refs, Write, lookup_for, write_for};
